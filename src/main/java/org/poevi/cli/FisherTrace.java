package org.poevi.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.GaussianModel;
import org.poevi.family.ProductOfExperts;
import org.poevi.fit.FitResult;
import org.poevi.fit.GaussianResult;
import org.poevi.fit.PoeResult;
import org.poevi.io.AtomicFiles;
import org.poevi.io.ReferenceDraws;
import org.poevi.math.BlockParallel;
import org.poevi.math.RandomStreams;
import org.poevi.plot.FitPlots;
import org.poevi.targets.ExactTarget;
import org.poevi.targets.Target;

/**
 * Fisher(p; q) = E_p‖∇log q − ∇log p‖² along a fit, against the score evaluations spent so far
 * ({@code poevi benchmark --trace}): for the product of experts at every iteration's α (and at
 * its first q, when a population superseded it), for ADVI
 * at every ELBO evaluation (the averaged iterate), for BaM at every iteration. It needs no
 * normaliser, so every point costs only scores at p's draws: 5000 exact draws of a synthetic
 * target, or the reference draws of a posteriordb posterior.
 */
final class FisherTrace {
  private static final int DRAWS = 5000;

  private FisherTrace() {}

  /** {evaluations[], fisher[]} along a fit's path ({@code result}) of {@code target}. */
  static double[][] of(BenchmarkCommand.Case c, Target target, FitResult result) {
    int threads = BlockParallel.defaultThreads();
    double[] p = pDraws(c, target, threads);
    int n = p.length / target.dim();
    double[] scores = new double[p.length];
    new LocalScoreEvaluator(target, threads).evaluate(p, n, new double[n], scores);
    List<double[]> points = result.match(poe -> poePoints(poe, p, scores, target.dim()),
        gaussian -> gaussianPoints(gaussian, p, scores, target));
    double[][] out = new double[2][points.size()];
    for (int i = 0; i < points.size(); i++) {
      out[0][i] = points.get(i)[0];
      out[1][i] = points.get(i)[1];
    }
    return out;
  }

  /** Fisher(p; q) at every iteration's α, with the evaluations so far. */
  private static List<double[]> poePoints(PoeResult r, double[] p, double[] scores, int dim) {
    List<double[]> points = new ArrayList<>();
    // The q a population fit had before its population, on its own pool.
    r.firstQ().ifPresent(first -> points.add(new double[] {first.row().scoreEvaluations(),
        fisher(p, scores, dim, first.family()::score)}));
    List<org.poevi.family.Expert> experts = r.family().experts();
    for (int t = 0; t < r.trace().size(); t++) {
      ProductOfExperts q = ProductOfExperts.of(experts, r.alphaPath().get(t));
      points.add(new double[] {r.trace().get(t).scoreEvaluations(),
          fisher(p, scores, dim, framed(q::score, r.frame()))});
    }
    return points;
  }

  /**
   * A score of experts in a frame z = A z̃ + b (model.json's "frame") as one in z:
   * ∇_z = A⁻ᵀ ∇_z̃ at z̃ = A⁻¹(z − b); {@code score} itself without a frame.
   */
  private static Score framed(Score score, org.poevi.family.AffineMap frame) {
    return frame == null ? score : (z, out) -> {
      score.at(frame.pullIn(z, 1), out);
      frame.pushForward(out, 1);
    };
  }

  /** Fisher(p; q) at every Gaussian of the baseline's path, with the evaluations so far. */
  private static List<double[]> gaussianPoints(GaussianResult r, double[] p, double[] scores,
      Target target) {
    List<double[]> points = new ArrayList<>();
    for (GaussianResult.Snapshot s : r.path()) {
      GaussianModel.Density q = new GaussianModel(target.parameterNames(), s.mean(),
          s.covariance()).density();
      points.add(new double[] {s.scoreEvaluations(), fisher(p, scores, target.dim(),
          (z, out) -> q.logDensity(z, out))});
    }
    return points;
  }

  private static double[] pDraws(BenchmarkCommand.Case c, Target target, int threads) {
    int at = c.evaluate().indexOf("--reference");
    if (at >= 0) {
      return ReferenceDraws.read(Path.of(c.evaluate().get(at + 1)), target.parameterNames());
    }
    return org.poevi.results.Evaluate.exactDraws((ExactTarget) target, DRAWS, RandomStreams.of(1),
        threads);
  }

  /** A q's score at z into out. */
  @FunctionalInterface
  private interface Score {
    void at(double[] z, double[] out);
  }

  private static double fisher(double[] p, double[] scores, int dim, Score q) {
    int n = p.length / dim;
    double[] z = new double[dim];
    double[] g = new double[dim];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      System.arraycopy(p, i * dim, z, 0, dim);
      q.at(z, g);
      for (int d = 0; d < dim; d++) {
        double diff = g[d] - scores[i * dim + d];
        sum += diff * diff;
      }
    }
    return sum / n;
  }

  /** DIR/fisher-trace.csv (method, evaluations, fisher) and DIR/fisher-vs-evaluations.png. */
  static void write(Path dir, String target, Map<String, double[][]> traces) {
    Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
    files.put(dir.resolve("fisher-trace.csv"), AtomicFiles.Content.text(writer -> {
      writer.write("method,score_evaluations,fisher\n");
      for (Map.Entry<String, double[][]> e : traces.entrySet()) {
        for (int i = 0; i < e.getValue()[0].length; i++) {
          writer.write(e.getKey() + "," + (long) e.getValue()[0][i] + "," + e.getValue()[1][i]
              + "\n");
        }
      }
    }));
    files.put(dir.resolve("fisher-vs-evaluations.png"), AtomicFiles.Content.bytes(
        FitPlots.png(FitPlots.againstEvaluations(target + ": Fisher(p; q) against score"
            + " evaluations", "Fisher(p; q)", traces))));
    AtomicFiles.writeAll(files);
  }
}
