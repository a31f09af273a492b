package org.poevi.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.poevi.config.FitConfig;
import org.poevi.fit.PoeResult;
import org.poevi.fit.TraceRow;
import org.poevi.io.AtomicFiles;
import org.poevi.plot.FitPlots;
import org.poevi.results.FitOutcome;
import org.poevi.results.JsonOutput;
import org.poevi.spark.Poevi;

/**
 * {@code poevi benchmark convergence} (issue #19, item 6a; the paper's first experiment): on
 * realisable targets, a product of t's whose experts are in the pool with known α* (one bimodal,
 * one unimodal), Algorithm 1 ({@code fit.objective = under-q}) from equal weights, for several
 * proximal steps η. The pool is the target's experts plus two that p does not use (α* = 0 there).
 * Writes DIR/convergence.csv (every iteration's ‖α_t − α*‖ and sample Fisher divergence),
 * DIR/results.md (the geometric rate of each, fitted by least squares on the log scale over
 * its geometric phase) and DIR/&lt;target&gt;-convergence.png.
 */
final class ConvergenceBenchmark {
  /** The proximal steps tried (fit.eta, relative). */
  static final double[] ETAS = {1, 10, 100, 1000};
  static final int ITERATIONS = 30;

  /** A realisable target: its experts (location, Λ row-major, α*) in D dimensions. */
  record Realisable(String name, int dim, double[][] locations, double[][] lambdas,
      double[] alphas) {}

  static List<Realisable> targets() {
    return List.of(
        // conf/examples/bimodal-2d.json: two narrow experts at ±2 and a broad one between.
        new Realisable("bimodal-2d", 2, new double[][] {{-2, 0}, {2, 0.5}, {0, 0}},
            new double[][] {{4, 0, 0, 0.5}, {4, 1, 1, 0.8}, {0.05, 0, 0, 0.05}},
            new double[] {1.5, 1.5, 2}),
        new Realisable("unimodal-3d", 3, new double[][] {{0, 0, 0}, {1, -1, 0.5}},
            new double[][] {{1, 0.3, 0, 0.3, 2, 0, 0, 0, 1}, {0.5, 0, 0.2, 0, 0.5, 0, 0.2, 0,
                3}}, new double[] {2.5, 1.5}));
  }

  private ConvergenceBenchmark() {}

  static void run(Path out, PrintWriter stdout) {
    AtomicFiles.prepareDirectory(out, "--out");
    Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
    StringBuilder csv = new StringBuilder("target,eta,iteration,alpha_error,fisher\n");
    StringBuilder md = new StringBuilder("| target | eta | iterations | rate of ‖α − α*‖"
        + " | rate of Fisher | first ‖α − α*‖ | last ‖α − α*‖ | last Fisher |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Realisable t : targets()) {
      Path dir = out.resolve(t.name());
      Path target = dir.resolve("target.json");
      Path pool = dir.resolve("pool.json");
      AtomicFiles.writeAll(Map.of(target, text(model(t, false)), pool, text(model(t, true))));
      Map<String, double[][]> errors = new LinkedHashMap<>();
      for (double eta : ETAS) {
        double[][] path = path(t, target, pool, eta);
        String label = String.format(Locale.ROOT, "eta = %.0f", eta);
        errors.put(label, new double[][] {path[0], path[1]});
        for (int i = 0; i < path[0].length; i++) {
          csv.append(String.format(Locale.ROOT, "%s,%.0f,%d,%.6e,%.6e%n", t.name(), eta,
              (int) path[0][i], path[1][i], path[2][i]));
        }
        int n = path[0].length;
        md.append(String.format(Locale.ROOT, "| %s | %.0f | %d | %.3f | %.3f | %.3g | %.3g | %.3g |%n",
            t.name(), eta, n, rate(path[1]), rate(path[2]), path[1][0], path[1][n - 1],
            path[2][n - 1]));
        stdout.printf(Locale.ROOT, "%s eta %.0f: rate %.3f per iteration, |alpha - alpha*| %.3g"
            + " after %d iterations%n", t.name(), eta, rate(path[1]), path[1][n - 1], n);
        stdout.flush();
      }
      files.put(out.resolve(t.name() + "-convergence.png"), AtomicFiles.Content.bytes(
          FitPlots.png(FitPlots.series(t.name() + ": |alpha_t - alpha*| under Algorithm 1",
              "iteration", false, "|alpha - alpha*|", errors))));
    }
    files.put(out.resolve("convergence.csv"), text(csv.toString()));
    files.put(out.resolve("results.md"), text(md.toString()));
    AtomicFiles.writeAll(files);
    stdout.println("wrote " + out.resolve("convergence.csv") + ", results.md and the plots");
    stdout.flush();
  }

  /** {iterations[], ‖α_t − α*‖[], Fisher[]} of Algorithm 1 at proximal step eta. */
  private static double[][] path(Realisable t, Path target, Path pool, double eta) {
    String conf = String.join("\n", "target { type = product-of-t, model = \""
        + target.toAbsolutePath() + "\" }", "experts.from = \"" + pool.toAbsolutePath() + "\"",
        "fit { objective = under-q, iterations = " + ITERATIONS + ", tolerance = 1e-15, eta = "
        + eta + " }", "output { draws = 1000, plots = false }");
    FitOutcome fit;
    try (Poevi poevi = Poevi.local().quiet()) {
      fit = poevi.fit(FitConfig.parse(conf, List.of()));
    }
    PoeResult r = fit.result().match(p -> p, g -> null);
    List<double[]> alphas = r.alphaPath();
    List<TraceRow> trace = r.trace();
    int n = alphas.size();
    double[][] out = new double[3][n];
    for (int i = 0; i < n; i++) {
      double[] a = alphas.get(i);
      double sum = 0;
      for (int k = 0; k < a.length; k++) {
        double star = k < t.alphas().length ? t.alphas()[k] : 0;
        sum += (a[k] - star) * (a[k] - star);
      }
      out[0][i] = i + 1;
      out[1][i] = Math.sqrt(sum);
      out[2][i] = trace.get(i).step().fisher();
    }
    return out;
  }

  /**
   * The geometric rate ρ of a falling series: exp of the least-squares slope of log y over its
   * geometric phase, the iterations before it comes within a factor 2 of its smallest value
   * (where it sits at the QP solver's accuracy or keeps falling), or, for a series that never
   * gets that far, up to its smallest value; NaN with fewer than 2 points.
   */
  static double rate(double[] y) {
    double min = Double.POSITIVE_INFINITY;
    int argmin = 0;
    for (int i = 0; i < y.length; i++) {
      if (y[i] > 0 && y[i] < min) {
        min = y[i];
        argmin = i;
      }
    }
    int end = 0;
    while (end < y.length && y[end] > 2 * min) {
      end++;
    }
    if (end < 2) {
      // Never within a factor 2 of its end: a slow fall, fitted up to its smallest value.
      end = argmin + 1;
    }
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    int m = 0;
    for (int i = 0; i < end; i++) {
      double ly = Math.log(y[i]);
      sx += i;
      sy += ly;
      sxx += (double) i * i;
      sxy += i * ly;
      m++;
    }
    return m < 2 ? Double.NaN : Math.exp((m * sxy - sx * sy) / (m * sxx - sx * sx));
  }

  /** The target's model.json, or the pool's: its experts plus two p does not use, α = 1 each. */
  private static String model(Realisable t, boolean pool) {
    ObjectNode root = JsonOutput.MAPPER.createObjectNode();
    root.put("format", "poevi-model").put("version", 1).put("family", "product-of-t")
        .put("dimension", t.dim());
    ArrayNode names = root.putArray("parameters");
    for (int d = 1; d <= t.dim(); d++) {
      names.add("x" + d);
    }
    ArrayNode experts = root.putArray("experts");
    int k = t.alphas().length;
    for (int e = 0; e < (pool ? k + 2 : k); e++) {
      ObjectNode x = experts.addObject();
      ArrayNode loc = x.putArray("location");
      ArrayNode lambda = x.putArray("lambda");
      for (int i = 0; i < t.dim(); i++) {
        // The two extra experts: at the first one's place shifted by 3 + e, half as wide.
        loc.add(e < k ? t.locations()[e][i] : t.locations()[0][i] + 3 + e);
        ArrayNode row = lambda.addArray();
        for (int j = 0; j < t.dim(); j++) {
          row.add(e < k ? t.lambdas()[e][i * t.dim() + j] : (i == j ? 2 : 0));
        }
      }
      x.put("alpha", pool ? 1 : t.alphas()[e]);
    }
    return root.toPrettyString();
  }

  private static AtomicFiles.Content text(String s) {
    return AtomicFiles.Content.text(writer -> writer.write(s));
  }
}
