package org.poevi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.poevi.config.FitConfig;
import org.poevi.config.TargetReader;
import org.poevi.io.AtomicFiles;
import org.poevi.results.ConsoleProgress;
import org.poevi.spark.Poevi;
import org.poevi.spark.PoeviFit;
import org.poevi.targets.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code poevi fit CONFIG [--out DIR] [key=value ...]}: fits a product of experts to the target
 * that the configuration names, and writes model.json, draws.csv, trace.csv and summary.json
 * (SPEC §7), all four renamed into place only once all are complete.
 */
@Command(name = "fit", mixinStandardHelpOptions = true,
    description = "Fit a product of multivariate-t experts to a target (HOCON configuration).")
final class FitCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "HOCON configuration file")
  Path config;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE",
      description = "overrides of configuration keys, e.g. fit.iterations=10")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR", description = "output directory (output.dir)")
  Path out;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (spark.master; default local[*], an embedded Spark), e.g."
          + " spark://127.0.0.1:7077, or none to fit on this JVM alone")
  String master;

  @Override
  public Integer call() {
    FitConfig fitConfig = FitConfig.load(config, overrides);
    // Checks every setting and target key before anything starts.
    fitConfig.fitter();
    Target target = TargetReader.build(fitConfig.resolved().getConfig("target"), TargetReader.UNLOADED);
    // --master, else spark-submit's master (it sets the spark.master property), else spark.master.
    String sparkMaster = master != null ? master
        : System.getProperty("spark.master", fitConfig.sparkMaster());
    fitConfig.sparkPartitions();
    Path dir = out != null ? out : Path.of(fitConfig.outputDir());
    PrintWriter stdout = spec.commandLine().getOut();
    if (!"none".equals(sparkMaster)) {
      AtomicFiles.prepareDirectory(dir, "--out");
    }
    try (Poevi poevi = Poevi.master(sparkMaster, "poevi fit " + target.name())) {
      poevi.progress(stdout, ConsoleProgress.isTerminal());
      // Without Spark the rows are read into this JVM (a data file or table by an embedded
      // Spark, whose errors come first) before the output directory is made.
      PoeviFit fit = poevi.fit(fitConfig, t -> AtomicFiles.prepareDirectory(dir, "--out"));
      // Saved before close(): the plots of a posterior over data read its cached rows.
      fit.save(dir);
      fit.report(stdout, dir);
    }
    return Main.EXIT_OK;
  }
}
