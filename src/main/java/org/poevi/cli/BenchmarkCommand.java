package org.poevi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.poevi.InvalidInputException;
import org.poevi.results.FitOutcome;
import org.poevi.spark.Poevi;
import org.poevi.io.AtomicFiles;
import org.poevi.results.JsonOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code poevi benchmark SUITE}: every method (poe and the Gaussian baselines) on every target of
 * a suite, each fitted with {@code fit --master none} and scored with {@code evaluate} (exact
 * draws of a synthetic target, or posteriordb's reference draws), into {@code DIR/results.csv}
 * and {@code DIR/results.md}: KL(p; q) when p's normaliser is known, Fisher(p; q), Neg-LLH,
 * the per-coordinate errors, score evaluations and wall time. Each run's own outputs stay in
 * {@code DIR/<target>/<method>/}.
 *
 * <p>Suites: {@code smoke} (banana with small settings, every method; for CI),
 * {@code paper-synthetic} (the paper's 2-D targets and sinh-arcsinh at D = 50),
 * {@code posteriordb} (the six reference posteriors of conf/posteriordb), {@code convergence}
 * (Algorithm 1 on realisable targets, {@link ConvergenceBenchmark}) and {@code sensitivity} (the
 * pool's seed, size and placement, {@link SensitivityBenchmark}). Paths are relative to the
 * project directory.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
    description = "Fit every method to every target of a suite and tabulate the SPEC §8 metrics.")
final class BenchmarkCommand implements Callable<Integer> {
  static final List<String> METHODS = List.of("poe", "advi-fullrank", "advi-meanfield", "bam");

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SUITE",
      description = "smoke, paper-synthetic, posteriordb, convergence or sensitivity")
  String suite;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
  Path out;

  @Option(names = "--trace", description = "also record Fisher(p; q) against score evaluations"
      + " along every method's fit (DIR/<target>/fisher-trace.csv and"
      + " fisher-vs-evaluations.png)")
  boolean trace;

  /**
   * A target of a suite: its configuration, overrides for every method and for each method
   * alone (a key of another method is an error), and how evaluate scores it.
   */
  record Case(String name, String config, List<String> common,
      Map<String, List<String>> byMethod, List<String> evaluate) {
    Case(String name, String config, List<String> evaluate) {
      this(name, config, List.of(), Map.of(), evaluate);
    }

    /** The overrides of a fit by {@code method}. */
    List<String> overrides(String method) {
      List<String> all = new ArrayList<>(common);
      all.addAll(byMethod.getOrDefault(method, List.of()));
      return all;
    }
  }

  static List<Case> cases(String suite) {
    List<String> exact = List.of("--reference-draws", "100000", "--draws", "20000");
    return switch (suite) {
      case "smoke" -> List.of(new Case("banana", "conf/examples/banana.conf",
          List.of("output.draws=2000"), Map.of(
              "poe", List.of("experts.count=8", "init.gaussian-rounds=2",
                  "init.gaussian-draws=2000", "init.mode-starts=4", "fit.iterations=3",
                  "fit.batch-size=600"),
              "advi-fullrank", List.of("fit.advi.iterations=500"),
              "advi-meanfield", List.of("fit.advi.iterations=500"),
              "bam", List.of("fit.bam.iterations=30")),
          List.of("--reference-draws", "5000", "--draws", "5000")));
      case "paper-synthetic" -> List.of(
          new Case("gaussian-mixture", "conf/examples/gaussian-mixture.conf", exact),
          new Case("product-of-t", "conf/examples/product-of-t.conf", exact),
          new Case("banana", "conf/examples/banana.conf", exact),
          new Case("funnel", "conf/examples/funnel.conf", exact),
          new Case("sinh-arcsinh-50", "conf/examples/sinh-arcsinh-50.conf",
              List.of("--reference-draws", "20000", "--draws", "20000")));
      case "posteriordb" -> {
        List<Case> all = new ArrayList<>();
        for (Map.Entry<String, String> e : Map.of(
            "eight_schools-eight_schools_noncentered", "eight-schools-noncentered",
            "eight_schools-eight_schools_centered", "eight-schools-centered",
            "garch-garch11", "garch11", "arK-arK", "ar",
            "gp_pois_regr-gp_pois_regr", "gp-poisson",
            "low_dim_gauss_mix-low_dim_gauss_mix", "normal-mixture").entrySet().stream()
            .sorted(Map.Entry.comparingByKey()).toList()) {
          all.add(new Case(e.getKey(), "conf/examples/posteriordb/" + e.getValue() + ".conf",
              List.of("--reference", "conf/posteriordb/" + e.getKey()
                  + "/draws_unconstrained.csv.gz", "--draws", "100000", "--seed", "7")));
        }
        yield all;
      }
      default -> throw new InvalidInputException("SUITE must be smoke, paper-synthetic,"
          + " posteriordb, convergence or sensitivity, got \"" + suite + "\"");
    };
  }

  @Override
  public Integer call() {
    if (suite.equals("convergence")) {
      ConvergenceBenchmark.run(out, spec.commandLine().getOut());
      return Main.EXIT_OK;
    }
    if (suite.equals("sensitivity")) {
      SensitivityBenchmark.run(out, spec.commandLine().getOut());
      return Main.EXIT_OK;
    }
    List<Case> cases = cases(suite);
    org.poevi.io.AtomicFiles.prepareDirectory(out, "--out");
    PrintWriter stdout = spec.commandLine().getOut();
    List<String[]> rows = new ArrayList<>();
    for (Case c : cases) {
      Map<String, double[][]> traces = new java.util.LinkedHashMap<>();
      for (String method : METHODS) {
        Path dir = out.resolve(c.name()).resolve(method);
        // One fit per method, in this JVM without Spark (as fit --master none): its outputs,
        // and with --trace its path, which the Fisher trace reads.
        FitOutcome fit = fit(c, method, dir);
        Path eval = dir.resolve("eval.json");
        List<String> evaluate = new ArrayList<>(List.of("evaluate", "--model",
            dir.resolve("model.json").toString(), c.config(), "--out", eval.toString()));
        evaluate.addAll(c.evaluate());
        run(evaluate, c.name() + " " + method + ": evaluate");
        rows.add(row(c.name(), method, dir));
        if (trace) {
          traces.put(method, FisherTrace.of(c, fit.target(), fit.result()));
        }
        stdout.printf("%s %s: Neg-LLH %s, KL %s%n", c.name(), method, rows.get(rows.size() - 1)[4],
            rows.get(rows.size() - 1)[2]);
        stdout.flush();
      }
      if (trace) {
        FisherTrace.write(out.resolve(c.name()), c.name(), traces);
      }
    }
    String[] header = {"target", "method", "kl", "kl_se", "neg_llh", "neg_llh_se", "fisher",
        "max_mean_error", "max_log_sd_ratio", "mean_w1", "score_evaluations", "wall_seconds"};
    AtomicFiles.writeAll(Map.of(out.resolve("results.csv"), AtomicFiles.Content.text(writer -> {
      writer.write(String.join(",", header) + "\n");
      for (String[] r : rows) {
        writer.write(String.join(",", r) + "\n");
      }
    }), out.resolve("results.md"), AtomicFiles.Content.text(writer -> {
      writer.write("| " + String.join(" | ", header) + " |\n");
      writer.write("|---|---|" + "---:|".repeat(header.length - 2) + "\n");
      for (String[] r : rows) {
        writer.write("| " + String.join(" | ", r) + " |\n");
      }
    })));
    stdout.println("wrote " + out.resolve("results.csv") + " and results.md");
    stdout.flush();
    return Main.EXIT_OK;
  }

  /** {@code c} fitted by {@code method} on this JVM's threads, its outputs saved in dir. */
  static FitOutcome fit(Case c, String method, Path dir) {
    List<String> overrides = new ArrayList<>(c.overrides(method));
    overrides.add("fit.method=" + method);
    org.poevi.config.FitConfig config = org.poevi.config.FitConfig.load(Path.of(c.config()),
        overrides);
    try (Poevi poevi = Poevi.local().quiet()) {
      FitOutcome fit = poevi.fit(config);
      fit.save(dir);
      return fit;
    } catch (InvalidInputException e) {
      throw new InvalidInputException(c.name() + " " + method + ": fit failed: "
          + e.getMessage());
    }
  }

  /** Runs a poevi command in this JVM; its failure is this command's, with its one line. */
  static void run(List<String> args, String what) {
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(err)).execute(args.toArray(new String[0]));
    if (code != Main.EXIT_OK) {
      throw new InvalidInputException(what + " failed: " + err.toString().strip().lines()
          .findFirst().orElse("exit code " + code));
    }
  }

  private static String[] row(String target, String method, Path dir) {
    try {
      JsonNode s = JsonOutput.MAPPER.readTree(dir.resolve("summary.json").toFile());
      JsonNode e = JsonOutput.MAPPER.readTree(dir.resolve("eval.json").toFile());
      JsonNode m = e.get("model");
      return new String[] {target, method, number(m.at("/kl/value")),
          number(m.at("/kl/standardError")), number(m.at("/negLogLikelihood/value")),
          number(m.at("/negLogLikelihood/standardError")), number(m.at("/fisher/value")),
          number(m.get("maxMeanError")), number(m.get("maxLogSdRatio")),
          number(m.get("meanWasserstein")), s.at("/fit/scoreEvaluations").asText(),
          number(s.at("/fit/wallTimeSeconds"))};
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** A JSON number to 4 significant digits; empty for null (not applicable). */
  private static String number(JsonNode v) {
    return v == null || v.isNull() || v.isMissingNode() ? "" : String.format("%.4g",
        v.asDouble());
  }
}
