package org.poevi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.poevi.io.AtomicFiles;
import org.poevi.results.JsonOutput;

/**
 * {@code poevi benchmark sensitivity} (issue #19, item 6b): how much the fit of a heavy-tailed,
 * skewed target (sinh-arcsinh, D = 10, tail 0.7) depends on its expert pool. Groups of
 * fits, everything else at the defaults and fit.seed = 1: the pool's own seed
 * ({@code experts.seed} 1–5, its random locations alone), its size ({@code experts.count} 8 to
 * 128 bulk centres) and its placement (the paper's {@code modes} heuristic, seeds 1–3, against
 * the default {@code bulk} of the first group); and, as the yardstick, the fit's seed 1–5 with
 * the pool held fixed. Each fit is scored by {@code evaluate} on 100,000
 * exact draws: KL(p; q) and its ratio to the oracle Gaussian's. Writes DIR/results.csv, and
 * DIR/results.md with every fit and each group's mean, sd and range.
 */
final class SensitivityBenchmark {
  static final String CONFIG = "conf/examples/sinh-arcsinh-10.conf";

  /** A group of fits and each fit's overrides. */
  record Group(String name, Map<String, List<String>> fits) {}

  static List<Group> groups() {
    Map<String, List<String>> seeds = new LinkedHashMap<>();
    for (int s = 1; s <= 5; s++) {
      seeds.put("bulk, experts.seed = " + s, List.of("experts.seed=" + s));
    }
    Map<String, List<String>> sizes = new LinkedHashMap<>();
    for (int count : new int[] {8, 16, 32, 64, 128}) {
      sizes.put("bulk, experts.count = " + count, List.of("experts.count=" + count));
    }
    Map<String, List<String>> modes = new LinkedHashMap<>();
    for (int s = 1; s <= 3; s++) {
      modes.put("modes, experts.seed = " + s, List.of("experts.placement=modes",
          "experts.seed=" + s));
    }
    // The rest of the fit's randomness (batches, sampler) with the pool held fixed: the yardstick
    // for the pool seed's spread.
    Map<String, List<String>> fitSeeds = new LinkedHashMap<>();
    for (int s = 1; s <= 5; s++) {
      fitSeeds.put("bulk, experts.seed = 1, fit.seed = " + s, List.of("experts.seed=1",
          "fit.seed=" + s));
    }
    return List.of(new Group("pool seed", seeds), new Group("fit seed, same pool", fitSeeds),
        new Group("pool size", sizes), new Group("placement", modes));
  }

  private SensitivityBenchmark() {}

  static void run(Path out, PrintWriter stdout) {
    AtomicFiles.prepareDirectory(out, "--out");
    StringBuilder csv = new StringBuilder("group,fit,kl,kl_se,kl_ratio,score_evaluations\n");
    StringBuilder md = new StringBuilder("| group | fit | KL(p; q) | ratio to the oracle Gaussian"
        + " | score evaluations |\n|---|---|---:|---:|---:|\n");
    StringBuilder summary = new StringBuilder("| group | fits | mean ratio | sd | min | max |\n"
        + "|---|---:|---:|---:|---:|---:|\n");
    int index = 0;
    for (Group g : groups()) {
      List<Double> ratios = new ArrayList<>();
      for (Map.Entry<String, List<String>> f : g.fits().entrySet()) {
        Path dir = out.resolve("fit-" + (++index));
        BenchmarkCommand.Case c = new BenchmarkCommand.Case(f.getKey(), CONFIG, f.getValue(),
            Map.of(), List.of("--reference-draws", "100000", "--draws", "20000"));
        BenchmarkCommand.fit(c, "poe", dir);
        List<String> evaluate = new ArrayList<>(List.of("evaluate", "--model",
            dir.resolve("model.json").toString(), CONFIG, "--out",
            dir.resolve("eval.json").toString()));
        evaluate.addAll(c.evaluate());
        BenchmarkCommand.run(evaluate, f.getKey() + ": evaluate");
        double[] r = read(dir);
        ratios.add(r[2]);
        csv.append(String.format(Locale.ROOT, "%s,%s,%.6g,%.3g,%.6g,%d%n", g.name(), f.getKey(),
            r[0], r[1], r[2], (long) r[3]));
        md.append(String.format(Locale.ROOT, "| %s | %s | %.4f ± %.4f | %.3f | %d |%n", g.name(),
            f.getKey(), r[0], r[1], r[2], (long) r[3]));
        stdout.printf(Locale.ROOT, "%s, %s: KL ratio %.3f%n", g.name(), f.getKey(), r[2]);
        stdout.flush();
      }
      double mean = ratios.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double var = ratios.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum()
          / Math.max(1, ratios.size() - 1);
      summary.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.3f |%n",
          g.name(), ratios.size(), mean, Math.sqrt(var),
          ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
          ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)));
    }
    String csvText = csv.toString();
    String mdText = md + "\n" + summary;
    AtomicFiles.writeAll(Map.of(out.resolve("results.csv"),
        AtomicFiles.Content.text(w -> w.write(csvText)), out.resolve("results.md"),
        AtomicFiles.Content.text(w -> w.write(mdText))));
    stdout.println("wrote " + out.resolve("results.csv") + " and results.md");
    stdout.flush();
  }

  /** {KL, its se, KL ratio, score evaluations} of the fit in dir. */
  private static double[] read(Path dir) {
    try {
      JsonNode e = JsonOutput.MAPPER.readTree(dir.resolve("eval.json").toFile());
      JsonNode s = JsonOutput.MAPPER.readTree(dir.resolve("summary.json").toFile());
      return new double[] {e.at("/model/kl/value").asDouble(),
          e.at("/model/kl/standardError").asDouble(), e.get("klRatio").asDouble(),
          s.at("/fit/scoreEvaluations").asDouble()};
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
