package org.poevi.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.poevi.InvalidInputException;
import org.poevi.family.ModelJson;
import org.poevi.family.PoeModel;
import org.poevi.plot.FitPlots;
import org.poevi.fit.FitResult;
import org.poevi.fit.FitSettings;
import org.poevi.fit.LocalScoreEvaluator;
import org.poevi.fit.ActiveSetQpSolver;
import org.poevi.fit.GaussianBaselines;
import org.poevi.fit.PoeFitter;
import org.poevi.fit.TraceRow;
import org.poevi.io.AtomicFiles;
import org.poevi.math.LogMeanEstimate;
import org.poevi.spark.SparkContexts;
import org.poevi.spark.SparkScoreEvaluator;
import org.poevi.fit.ScoreEvaluator;
import org.poevi.spark.SparkRowData;
import org.poevi.target.BatchTarget;
import org.poevi.target.InMemoryRowData;
import org.poevi.target.RegressionTarget;
import org.poevi.target.Target;
import org.poevi.target.Targets;
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
    FitSettings settings = fitConfig.settings();
    com.typesafe.config.Config targetConfig = fitConfig.resolved().getConfig("target");
    // Checks every target key before anything starts; a data target's rows are not built yet.
    Target target = Targets.build(targetConfig, Targets.UNLOADED);
    // --master, else spark-submit's master (it sets the spark.master property), else spark.master.
    String sparkMaster = master != null ? master
        : System.getProperty("spark.master", fitConfig.sparkMaster());
    int configuredPartitions = fitConfig.sparkPartitions();
    if ("none".equals(sparkMaster)) {
      // Rows in this JVM (a data file is an error here): built before the output directory.
      target = Targets.build(targetConfig, data -> InMemoryRowData.of(data, settings.threads()));
    }
    Path dir = out != null ? out : Path.of(fitConfig.outputDir());
    SampleCommand.prepareOutputDirectory(dir);
    PrintWriter stdout = spec.commandLine().getOut();
    GaussianBaselines.Method baseline = fitConfig.baseline();
    Object fitted;
    if ("none".equals(sparkMaster)) {
      stdout.printf("poevi fit: target %s (D = %d%s), %s, %d threads%n", target.name(),
          target.dim(), rowsNote(target), methodLabel(baseline, settings), settings.threads());
      stdout.flush();
      fitted = run(baseline, fitConfig, target, settings, new LocalScoreEvaluator(target,
          settings.threads()), stdout);
    } else {
      try (SparkContexts spark = SparkContexts.acquire(sparkMaster, "poevi fit "
          + target.name())) {
        // 0: one partition per executor core (Spark's default parallelism), as MLlib does.
        int partitions = configuredPartitions > 0 ? configuredPartitions
            : spark.context().defaultParallelism();
        List<SparkRowData> cached = new ArrayList<>();
        try {
          if (Targets.isDataTarget(targetConfig)) {
            stdout.printf("poevi fit: loading the data on Spark %s ...%n",
                spark.context().master());
            stdout.flush();
          }
          target = Targets.build(targetConfig, new Targets.DataBackend() {
            @Override
            public org.poevi.target.RowData rows(org.poevi.target.SyntheticLogisticData data) {
              return cache(SparkRowData.generate(spark.context(), data, partitions));
            }

            @Override
            public org.poevi.target.RowData rows(org.poevi.target.DataFile file) {
              return cache(SparkRowData.read(spark.context(), file, partitions));
            }

            private SparkRowData cache(SparkRowData rows) {
              cached.add(rows);
              if (rows.blasImplementations().size() > 1) {
                stdout.println("warning: executors use different BLAS implementations "
                    + rows.blasImplementations() + ": sums may differ in the last bits between"
                    + " runs (install the same BLAS everywhere)");
              }
              return rows;
            }
          });
          stdout.printf("poevi fit: target %s (D = %d%s), %s, Spark %s, %d partitions%n",
              target.name(), target.dim(), rowsNote(target), methodLabel(baseline, settings),
              spark.context().master(), partitions);
          stdout.flush();
          // A posterior over data is evaluated a batch at a time over its cached rows (the rows
          // never move); other targets have their points spread over the executors.
          ScoreEvaluator evaluator = target instanceof BatchTarget
              ? new LocalScoreEvaluator(target, settings.threads())
              : new SparkScoreEvaluator(spark.context(), target, partitions);
          fitted = run(baseline, fitConfig, target, settings, evaluator, stdout);
        } finally {
          cached.forEach(SparkRowData::close);
        }
      }
    }

    if (fitted instanceof GaussianBaselines.Result gaussian) {
      BaselineOutput.write(dir, fitConfig, target, settings, baseline, gaussian, stdout);
      return Main.EXIT_OK;
    }
    FitResult result = (FitResult) fitted;
    LogMeanEstimate logC = result.normalizer().chosenEstimate();
    PoeModel model = new PoeModel(result.parameterNames(), result.family(),
        new PoeModel.LogNormalizer(logC.estimate(), logC.standardError(), logC.draws()));
    Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
    files.put(dir.resolve("model.json"), JsonOutput.content(ModelJson.toJson(model)));
    files.put(dir.resolve("draws.csv"), DrawsCsv.content(result.parameterNames(),
        result.draws().draws(), target.dim()));
    files.put(dir.resolve("trace.csv"), traceCsv(result.trace()));
    files.put(dir.resolve("summary.json"), JsonOutput.content(summary(fitConfig, target,
        settings, result)));
    if (fitConfig.outputPlots()) {
      files.putAll(plots(dir.resolve("plots"), target, result));
    }
    AtomicFiles.writeAll(files);
    stdout.printf("stopped: %s after %d iterations; %d of %d experts active, nu = %.3g%n",
        result.stop().label(), result.trace().size(), result.family().numActive(),
        result.family().numExperts(), result.family().dof());
    stdout.printf("log-normaliser %.4f ± %.4f (%s); PSIS k-hat %.2f; %d score evaluations;"
        + " %.1f s%n", logC.estimate(), logC.standardError(), result.normalizer().chosen()
        .label(), result.psisKhat(), result.scoreEvaluations(), result.seconds());
    for (String w : result.warnings()) {
      stdout.println("warning: " + w);
    }
    stdout.println("wrote " + dir.resolve("model.json") + ", draws.csv, trace.csv and"
        + " summary.json");
    stdout.flush();
    return Main.EXIT_OK;
  }

  /** "objective under-p" for the product of experts, "method bam" for a baseline. */
  private static String methodLabel(GaussianBaselines.Method baseline, FitSettings settings) {
    return baseline == null ? "objective " + settings.objective().label()
        : "method " + baseline.label();
  }

  /** The product-of-experts fit, or a Gaussian baseline (fit.method). */
  private static Object run(GaussianBaselines.Method baseline, FitConfig fitConfig, Target target,
      FitSettings settings, org.poevi.fit.ScoreEvaluator evaluator, PrintWriter stdout) {
    if (baseline == null) {
      return PoeFitter.fit(target, settings, evaluator, ActiveSetQpSolver.create(),
          new ConsoleProgress(stdout));
    }
    stdout.printf("  %s ...%n", baseline.label());
    stdout.flush();
    return switch (baseline) {
      case BAM -> GaussianBaselines.bam(target, fitConfig.bamIterations(),
          fitConfig.bamBatchSize(), settings.seed(), evaluator);
      case ADVI_FULLRANK, ADVI_MEANFIELD -> GaussianBaselines.advi(target,
          baseline == GaussianBaselines.Method.ADVI_MEANFIELD, fitConfig.adviSettings(),
          settings.seed(), evaluator);
    };
  }

  /**
   * The fit's pictures ({@link FitPlots}): the trace, the marginals and α, and for D = 2 the
   * contours of log q and log p over the draws (log p evaluated here, in batches).
   */
  private static Map<Path, AtomicFiles.Content> plots(Path dir, Target target, FitResult result) {
    Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
    double[] draws = result.draws().draws();
    files.put(dir.resolve("trace.png"), AtomicFiles.Content.bytes(FitPlots.trace(
        result.trace())));
    files.put(dir.resolve("marginals.png"), AtomicFiles.Content.bytes(FitPlots.marginals(draws,
        target.dim(), result.parameterNames(), null)));
    files.put(dir.resolve("alpha.png"), AtomicFiles.Content.bytes(FitPlots.alpha(
        result.family().alpha(), result.kinds())));
    if (target.dim() == 2) {
      files.put(dir.resolve("contours.png"), AtomicFiles.Content.bytes(FitPlots.contours(
          result.family(), (points, n, out) -> logDensities(target, points, n, out), draws,
          result.parameterNames())));
    }
    return files;
  }

  /**
   * log p̃ at n points for a picture: a batch target in one pass over its rows, others point by
   * point; a point the target cannot evaluate is left blank (NaN), not an error.
   */
  private static void logDensities(Target target, double[] points, int n, double[] out) {
    if (target instanceof BatchTarget batch) {
      try {
        batch.logDensities(points, n, out, new double[n * target.dim()]);
      } catch (RuntimeException e) {
        java.util.Arrays.fill(out, Double.NaN);
      }
      return;
    }
    double[] z = new double[target.dim()];
    for (int i = 0; i < n; i++) {
      System.arraycopy(points, i * z.length, z, 0, z.length);
      try {
        out[i] = target.logDensity(z);
      } catch (RuntimeException e) {
        out[i] = Double.NaN;
      }
    }
  }

  /** A number, or an empty CSV field for NaN (a quantity that does not apply). */
  private static String optional(double v) {
    return Double.isNaN(v) ? "" : String.valueOf(v);
  }

  private static AtomicFiles.Content traceCsv(List<TraceRow> trace) {
    return AtomicFiles.Content.text(writer -> {
      writer.write(String.join(",", TraceRow.COLUMNS));
      writer.write('\n');
      for (TraceRow r : trace) {
        writer.write(r.iteration() + "," + r.fisher() + "," + r.deltaAlpha() + ","
            + r.objectiveChange() + ","
            + r.activeExperts() + "," + r.alphaSum() + "," + r.nu() + "," + r.ess() + ","
            + r.essFraction()
            + "," + r.tempering() + ","
            + optional(r.acceptance()) + "," + optional(r.unmovedFraction()) + ","
            + r.logNormalizer() + "," + r.qpStatus() + ","
            + r.qpMillis() + "," + r.eta() + "," + r.scoreEvaluations() + "," + r.seconds()
            + "\n");
      }
    });
  }

  /** ", N rows" for a posterior over data. */
  private static String rowsNote(Target target) {
    return target instanceof RegressionTarget t ? ", " + t.data().rows() + " rows" : "";
  }

  private ObjectNode summary(FitConfig fitConfig, Target target, FitSettings settings,
      FitResult result) {
    ObjectNode root = JsonOutput.object();
    root.put("command", "fit");
    root.put("target", target.name());
    root.put("dimension", target.dim());
    ObjectNode fit = root.putObject("fit");
    fit.put("method", "poe");
    fit.put("objective", settings.objective().label());
    fit.put("stopReason", result.stop().label());
    fit.put("converged", result.converged());
    fit.put("iterations", result.trace().size());
    fit.put("scoreEvaluations", result.scoreEvaluations());
    fit.put("wallTimeSeconds", result.seconds());
    ObjectNode pool = root.putObject("experts");
    pool.put("pool", result.family().numExperts());
    pool.put("active", result.family().numActive());
    pool.put("modes", result.modes());
    ObjectNode byKind = pool.putObject("activeByKind");
    int[] active = result.family().activeExperts();
    for (int k : active) {
      String kind = result.kinds().get(k);
      byKind.put(kind, byKind.path(kind).asInt(0) + 1);
    }
    JsonOutput.putNumber(root, "alphaSum", result.family().alphaSum());
    JsonOutput.putNumber(root, "dof", result.family().dof());
    JsonOutput.putNumber(root, "psisKhat", result.psisKhat());
    JsonOutput.putDrawsAndNormalizer(root, result.draws(), result.normalizer(),
        result.parameterNames());
    JsonOutput.putConstrained(root, target, result.draws().draws());
    if (target instanceof RegressionTarget t) {
      ObjectNode data = root.putObject("data");
      data.put("rows", t.data().rows());
      ObjectNode priors = data.putObject("priors");
      for (int d = 0; d < t.dim(); d++) {
        priors.put(t.parameterNames().get(d), t.priors().get(d).toString());
      }
      t.truth().ifPresent(truth -> {
        ObjectNode values = data.putObject("trueCoefficients");
        for (int d = 0; d < truth.length; d++) {
          values.put(t.parameterNames().get(d), truth[d]);
        }
      });
    }
    ArrayNode w = root.putArray("warnings");
    result.warnings().forEach(w::add);
    try {
      root.set("config", JsonOutput.MAPPER.readTree(fitConfig.renderJson()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("resolved configuration is not JSON", e);
    }
    return root;
  }

  /** One compact line per iteration and per phase, for people watching a fit. */
  private static final class ConsoleProgress implements PoeFitter.Progress {
    private final PrintWriter out;

    ConsoleProgress(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void phase(String description) {
      out.println("  " + description + " ...");
      out.flush();
    }

    @Override
    public void iteration(TraceRow r) {
      out.printf("  iter %3d  fisher %.3e  |dalpha| %.2e  dF %.1e  active %3d  nu %.3g"
          + "  ESS %.2f%s  logC %.3f  %.1f s%n", r.iteration(), r.fisher(), r.deltaAlpha(),
          r.objectiveChange(), r.activeExperts(), r.nu(), r.essFraction(),
          Double.isNaN(r.acceptance()) ? "" : String.format("  accept %.2f", r.acceptance()),
          r.logNormalizer(), r.seconds());
      out.flush();
    }
  }
}
