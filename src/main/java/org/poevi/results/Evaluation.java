package org.poevi.results;

import java.util.Arrays;
import org.poevi.family.PoeModel;
import org.poevi.family.ProductOfExperts;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.math.BlockParallel;
import org.poevi.math.SampleMoments;
import org.poevi.targets.Target;

/**
 * The metrics of SPEC §8 for a fitted q against draws of p (exact draws of a synthetic target, or
 * reference draws of a posterior), each a Monte Carlo average with its standard error:
 *
 * <ul>
 *   <li>Neg-LLH = −E_p[log q];
 *   <li>KL(p; q) = E_p[log p − log q], when p's normaliser is known;
 *   <li>Fisher(p; q) = E_p ‖∇log q − ∇log p‖²;
 *   <li>per coordinate: |mean_q − mean_p|/sd_p, |log(sd_q/sd_p)| and the 1-D Wasserstein-1
 *       distance W₁/sd_p between q's draws and p's draws (quantile coupling of the two empirical
 *       distributions, interpolated to a common grid).
 * </ul>
 */
public final class Evaluation {
  private Evaluation() {}

  /** A Monte Carlo mean with its standard error. */
  public record Estimate(double value, double standardError) {}

  /**
   * @param negLogLikelihood −E_p log q
   * @param kl KL(p; q), or NaN when p's normaliser is unknown
   * @param fisher E_p ‖∇log q − ∇log p‖²
   * @param meanError per coordinate |mean_q − mean_p|/sd_p
   * @param logSdRatio per coordinate |log(sd_q/sd_p)|
   * @param wasserstein per coordinate W₁/sd_p
   */
  public record Metrics(Estimate negLogLikelihood, Estimate kl, Estimate fisher,
      double[] meanError, double[] logSdRatio, double[] wasserstein, int referenceDraws,
      int modelDraws) {

    public double maxMeanError() {
      return Arrays.stream(meanError).max().orElse(Double.NaN);
    }

    public double maxLogSdRatio() {
      return Arrays.stream(logSdRatio).max().orElse(Double.NaN);
    }

    public double meanWasserstein() {
      return Arrays.stream(wasserstein).average().orElse(Double.NaN);
    }
  }

  /**
   * @param family the fitted q (unnormalised), with {@code logNormalizer} its log C_α
   * @param qDraws draws of q, m×D row-major
   * @param target p, evaluated at the reference draws for scores (and log p for KL)
   * @param pDraws draws of p, n×D row-major
   * @param logZ log of p's normaliser, or NaN when unknown (then KL is NaN)
   * @param evaluator evaluates the target at the reference draws
   */
  public static Metrics of(ProductOfExperts family, double logNormalizer, double[] qDraws,
      Target target, double[] pDraws, double logZ, ScoreEvaluator evaluator) {
    if (family.expert(family.activeExperts()[0]).isStructured()) {
      // Structured experts (issue #20): log q and its score for all reference draws in blocks.
      int threads = BlockParallel.defaultThreads();
      double[] logQ = family.logDensities(pDraws, logNormalizer, threads);
      double[] qScores = family.scores(pDraws, threads);
      return of(logQ, qScores, family.dim(), qDraws, pDraws, logZ, target, evaluator);
    }
    return of(() -> (z, score) -> {
      family.score(z, score);
      return family.logDensityUnnormalized(z) - logNormalizer;
    }, family.dim(), qDraws, target, pDraws, logZ, evaluator);
  }

  /**
   * As {@link #of(ProductOfExperts, double, double[], Target, double[], double, ScoreEvaluator)}
   * for a model whose experts may be in a frame ({@link PoeModel#frame}): log q and its score at
   * the reference draws through the frame, in blocks.
   */
  public static Metrics of(PoeModel model, double logNormalizer, double[] qDraws,
      Target target, double[] pDraws, double logZ, ScoreEvaluator evaluator) {
    if (model.frame() == null) {
      return of(model.family(), logNormalizer, qDraws, target, pDraws, logZ, evaluator);
    }
    int threads = BlockParallel.defaultThreads();
    return of(model.logDensities(pDraws, logNormalizer, threads), model.scores(pDraws, threads),
        model.dim(), qDraws, pDraws, logZ, target, evaluator);
  }

  /** A normalised log q with its score, for one thread. */
  @FunctionalInterface
  public interface Density {
    /** log q(z), writing ∇log q(z) into {@code score}. */
    double logDensity(double[] z, double[] score);
  }

  /**
   * The same metrics for any q given as a normalised density (a supplier of per-thread
   * evaluators: e.g. a Gaussian baseline's {@link org.poevi.family.GaussianModel#density()}).
   */
  public static Metrics of(java.util.function.Supplier<Density> q, int dim, double[] qDraws,
      Target target, double[] pDraws, double logZ, ScoreEvaluator evaluator) {
    int n = pDraws.length / dim;
    double[] logQ = new double[n];
    double[] qScores = new double[n * dim];
    int block = 512;
    BlockParallel.forEach((n + block - 1) / block, BlockParallel.defaultThreads(),
        () -> new Object[] {new double[dim], new double[dim], q.get()}, (b, scratch) -> {
          double[] z = (double[]) scratch[0];
          double[] qScore = (double[]) scratch[1];
          Density density = (Density) scratch[2];
          for (int i = b * block; i < Math.min(n, (b + 1) * block); i++) {
            System.arraycopy(pDraws, i * dim, z, 0, dim);
            logQ[i] = density.logDensity(z, qScore);
            System.arraycopy(qScore, 0, qScores, i * dim, dim);
          }
        });
    return of(logQ, qScores, dim, qDraws, pDraws, logZ, target, evaluator);
  }

  /** The metrics from log q and its score at the reference draws. */
  private static Metrics of(double[] logQ, double[] qScores, int dim, double[] qDraws,
      double[] pDraws, double logZ, Target target, ScoreEvaluator evaluator) {
    int n = pDraws.length / dim;
    int m = qDraws.length / dim;
    double[] logP = new double[n];
    double[] scores = new double[n * dim];
    evaluator.evaluate(pDraws, n, logP, scores);
    double[] negLogQ = new double[n];
    double[] kl = new double[n];
    double[] fisher = new double[n];
    for (int i = 0; i < n; i++) {
      negLogQ[i] = -logQ[i];
      kl[i] = logP[i] - logZ - logQ[i];
      double f = 0;
      for (int d = 0; d < dim; d++) {
        double diff = qScores[i * dim + d] - scores[i * dim + d];
        f += diff * diff;
      }
      fisher[i] = f;
    }
    double[] meanError = new double[dim];
    double[] logSdRatio = new double[dim];
    double[] w1 = new double[dim];
    for (int d = 0; d < dim; d++) {
      double[] p = SampleMoments.column(pDraws, dim, d);
      double[] qColumn = SampleMoments.column(qDraws, dim, d);
      double[] pm = SampleMoments.meanAndSd(p);
      double[] qm = SampleMoments.meanAndSd(qColumn);
      meanError[d] = Math.abs(qm[0] - pm[0]) / pm[1];
      logSdRatio[d] = Math.abs(Math.log(qm[1] / pm[1]));
      w1[d] = wasserstein(p, qColumn) / pm[1];
    }
    return new Metrics(mean(negLogQ), Double.isNaN(logZ) ? new Estimate(Double.NaN, Double.NaN)
        : mean(kl), mean(fisher), meanError, logSdRatio, w1, n, m);
  }

  static Estimate mean(double[] v) {
    double[] ms = SampleMoments.meanAndStandardError(v);
    return new Estimate(ms[0], ms[1]);
  }

  /**
   * W₁ between two empirical distributions: ∫₀¹ |F⁻¹(u) − G⁻¹(u)| du, evaluated on the finer of
   * the two quantile grids with the other's quantile function linearly interpolated.
   */
  static double wasserstein(double[] a, double[] b) {
    double[] x = a.clone();
    double[] y = b.clone();
    Arrays.sort(x);
    Arrays.sort(y);
    double[] fine = x.length >= y.length ? x : y;
    double[] coarse = fine == x ? y : x;
    double sum = 0;
    int n = fine.length;
    for (int i = 0; i < n; i++) {
      double u = (i + 0.5) / n;
      sum += Math.abs(fine[i] - quantile(coarse, u));
    }
    return sum / n;
  }

  private static double quantile(double[] sorted, double u) {
    double pos = u * sorted.length - 0.5;
    if (pos <= 0) {
      return sorted[0];
    }
    if (pos >= sorted.length - 1) {
      return sorted[sorted.length - 1];
    }
    int lo = (int) Math.floor(pos);
    double f = pos - lo;
    return sorted[lo] * (1 - f) + sorted[lo + 1] * f;
  }
}
