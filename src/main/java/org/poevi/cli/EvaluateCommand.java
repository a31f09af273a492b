package org.poevi.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.poevi.InvalidInputException;
import org.poevi.config.FitConfig;
import org.poevi.config.TargetReader;
import org.poevi.family.FittedModel;
import org.poevi.family.ModelJson;
import org.poevi.math.BlockParallel;
import org.poevi.results.Evaluate;
import org.poevi.results.JsonOutput;
import org.poevi.spark.LocalRows;
import org.poevi.targets.Target;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.RegressionTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code poevi evaluate}: the SPEC §8 metrics of a saved model against a target, on exact draws of
 * a synthetic target (or, later, reference draws of a posterior), next to those of the oracle
 * Gaussian (p's mean and covariance; see {@link org.poevi.results.OracleGaussian}), written as
 * JSON.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score a saved model against a target: Neg-LLH, KL(p; q), Fisher(p; q) and"
        + " per-coordinate errors, next to the best Gaussian's.")
final class EvaluateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "model.json")
  Path model;

  @Parameters(index = "0", paramLabel = "CONFIG",
      description = "HOCON configuration naming the target (its target block is used)")
  Path config;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "configuration overrides")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--reference-draws", defaultValue = "100000", paramLabel = "N",
      description = "exact draws of the target (default: ${DEFAULT-VALUE})")
  int referenceDraws;

  @Option(names = "--reference", paramLabel = "FILE",
      description = "reference draws of a posterior on the unconstrained scale (CSV with a"
          + " header naming the model's parameters, .gz allowed, e.g. posteriordb's"
          + " draws_unconstrained.csv.gz) instead of exact draws of a synthetic target")
  Path reference;

  @Option(names = "--draws", defaultValue = "100000", paramLabel = "M",
      description = "draws of the model for the per-coordinate metrics (default: ${DEFAULT-VALUE})")
  int draws;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "seed")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "output JSON")
  Path out;

  @Option(names = "--plot", paramLabel = "FILE",
      description = "also write a PNG of the model's marginals over the reference draws'")
  Path plot;

  /**
   * A regression over a data file names its coefficients beta[1..P]; a model saved by a Spark ML
   * Estimator names them after the feature columns. When the model's names are exactly the
   * file's (intercept, its predictor columns in order, log_sigma), the target takes them.
   */
  static Target namedAsModel(Target target, List<DataFile> files, List<String> modelNames) {
    if (!(target instanceof RegressionTarget regression) || files.size() != 1
        || modelNames.equals(target.parameterNames())) {
      return target;
    }
    DataFile file = files.get(0);
    List<String> columns = new ArrayList<>();
    if (file.intercept()) {
      columns.add("intercept");
    }
    columns.addAll(file.predictors());
    if (regression.family().hasScale()) {
      columns.add("log_sigma");
    }
    return columns.equals(modelNames) ? regression.named(modelNames) : target;
  }

  @Override
  public Integer call() {
    if (referenceDraws < 100 || draws < 100) {
      throw new InvalidInputException("--reference-draws and --draws must be >= 100");
    }
    FittedModel read = ModelJson.readAny(model);
    FitConfig fitConfig = FitConfig.load(config, overrides);
    com.typesafe.config.Config targetConfig = fitConfig.resolved().getConfig("target");
    int threads = BlockParallel.defaultThreads();
    // A posterior over rows (synthetic, or a data file or table: read into this JVM, as
    // fit --master none does) is scored against --reference draws.
    List<DataFile> dataFiles = new ArrayList<>();
    Target target = reference == null ? TargetReader.fromConfig(targetConfig)
        : TargetReader.build(targetConfig, LocalRows.backend(threads, dataFiles::add));
    target = namedAsModel(target, dataFiles, read.parameters());
    Evaluate.check(read, target, reference, referenceDraws, draws, model.toString());
    if (out.getParent() != null) {
      org.poevi.io.AtomicFiles.prepareDirectory(out.getParent(), "--out");
    }
    if (Files.isDirectory(out)) {
      throw new InvalidInputException("--out " + out + " is a directory; give a file name");
    }
    Evaluate.Report report = Evaluate.against(read, target, reference, referenceDraws, draws,
        seed, model.toString());
    java.util.Map<Path, org.poevi.io.AtomicFiles.Content> files = new java.util.LinkedHashMap<>();
    files.put(out, JsonOutput.content(report.json()));
    if (plot != null) {
      files.put(plot, org.poevi.io.AtomicFiles.Content.bytes(org.poevi.plot.FitPlots.png(report.marginalsPlot())));
    }
    org.poevi.io.AtomicFiles.writeAll(files);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.print(report.text());
    stdout.println("wrote " + out);
    stdout.flush();
    return Main.EXIT_OK;
  }

}
