package org.poevi.fit;

import java.util.Arrays;
import java.util.Locale;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.AffineMap;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.Lbfgs;

/**
 * {@code fit.under-p.affine-calibration}: after the fit, the fitted q moved by the affine map
 * z → A z + b (A upper triangular) that maximises the mean of log q over draws of p, the MALA
 * population's chains. That mean is −KL(p; q) up to a constant, the divergence the benchmarks
 * report, and the product of t's is closed under affine maps ({@link AffineMap}): the moved q is
 * exactly normalised (log C + log|det A|) and exactly sampled (its draws are the old ones moved).
 *
 * <p>Why: the orbit of a fitted q can hold much better q's than the Fisher fit found. Fitted by
 * maximum likelihood to 1,000 of posteriordb's NUTS draws of gp_pois_regr, a triangular map
 * lowered Neg-LLH on 5,000 others from 2.50 to 1.89 (the fitted q is up to 28% too narrow); on
 * the funnel 20,000 exact draws would lower KL(p; q) by 1.4 nats (of 3.39), on sinh-arcsinh
 * D = 10 and the banana by 0.010 and 0.005 (docs/benchmarks.md). Without exact draws the gain is
 * what the chains can see.
 *
 * <p>The map is fitted (L-BFGS) on the first half of the chains and judged on the other half, so
 * that the gain is not the fit's own optimism. It is kept when two independent witnesses say q
 * moved is closer to p, each by {@value #MIN_GAIN_SE} standard errors: the held-out chains' mean
 * of log q_moved − log q, and the same mean by importance sampling from both q's draws pooled
 * ({@link AxisChoice#drawsGain}); and when
 * {@link AxisChoice#verdict}'s guards hold: the ELBO not lower by more than max(0.5 nats, 3
 * standard errors), draws and normaliser as usable. There is no PSIS k̂ guard: that guard
 * distrusts an importance estimate from heavier-tailed weights, which the chains' gain is not.
 * On sinh-arcsinh D = 50 the map that took the KL ratio from 0.754 to 0.667 raised k̂ from 1.00
 * to 1.20 with the same ELBO (53.65 against 53.64); the chains said 0.34 ± 0.02, the draws
 * 0.14 ± 0.07.
 *
 * <p>Why two witnesses: the chains are only as good as the population, and where it has not
 * reached p the map follows it. On the centred eight schools (the chains miss the funnel's neck)
 * the held-out chains said 1.02 ± 0.07 and the ELBO rose by 0.65, but Neg-LLH on the NUTS draws
 * went from 26.67 to 27.54; the draws said −0.08 ± 0.15. On the funnel the maps would take the
 * KL ratio from 0.78 to 0.80 and from 1.38 to 1.61 (chains 0.73 and 1.75; draws −0.38 and
 * −0.53). On gp_pois_regr the population itself is about 20% too narrow in log ρ (burn-in does
 * not widen it quickly), and the map changes Neg-LLH by under 0.001 (draws 0.005 ± 0.03).
 *
 * <p>A is triangular when the fitted chains number at least {@value #CHAINS_PER_PARAMETER} per
 * parameter, else diagonal: a maximum-likelihood fit of P parameters to n points is optimistic by
 * about P/(2n) nats in sample, at most 0.1 there (the held-out half judges the map anyway).
 */
public final class AffineCalibration {
  /**
   * Each witness's gain must exceed this many of its standard errors: a one-sided test at about
   * 2%. Kept on a positive mean alone, the centred eight schools' map (draws 0.07 ± 0.12) took
   * Neg-LLH from 26.67 to 27.72 (docs/benchmarks.md).
   */
  static final int MIN_GAIN_SE = 2;
  /** A triangular map needs this many fitted chains per parameter (D + D(D+1)/2 of them). */
  static final int CHAINS_PER_PARAMETER = 5;
  /** L-BFGS iterations at most. */
  static final int MAX_ITERATIONS = 500;

  private AffineCalibration() {}

  /**
   * What the calibration did.
   *
   * @param kept whether the moved q was kept
   * @param reason "closer to p", or the first test it failed
   * @param triangular whether A was triangular (else diagonal)
   * @param logAbsDet log|det A|
   * @param gain the held-out chains' mean of log q_moved − log q (KL(p; q) lowered by it)
   * @param gainSe its standard error
   * @param drawsGain the same mean under p by importance sampling from both q's draws pooled
   *     ({@link AxisChoice#drawsGain})
   * @param drawsGainSe its standard error
   * @param fitted chains the map was fitted on
   * @param heldOut chains it was judged on
   * @param without the fitted q's estimates ({@link AxisChoice.Estimates})
   * @param with the moved q's
   */
  public record Outcome(boolean kept, String reason, boolean triangular, double logAbsDet,
      double gain, double gainSe, double drawsGain, double drawsGainSe, int fitted, int heldOut,
      AxisChoice.Estimates without, AxisChoice.Estimates with) {
    /** One line for the console. */
    public String describe() {
      return String.format(Locale.ROOT, "affine calibration (%s, log|det A| %.3g) %s (%s): over"
          + " %d held-out chains it lowers KL(p; q) by %.4g ± %.2g, over both q's draws"
          + " (importance-weighted) by %.4g ± %.2g; ELBO %.4g against %.4g; PSIS k-hat %.2f"
          + " against %.2f", triangular ? "triangular" : "diagonal", logAbsDet,
          kept ? "kept" : "dropped", reason, heldOut, gain, gainSe, drawsGain, drawsGainSe,
          with.elbo(), without.elbo(), with.khat(), without.khat());
    }
  }

  /**
   * {@code fit}, calibrated on {@code population}'s chains when there is one (said on
   * {@code progress}).
   */
  static PoeResult after(PoeResult fit, java.util.Optional<Population> population,
      ScoreEvaluator evaluator, int threads, java.util.function.Consumer<String> stage,
      Progress progress) {
    if (population.isEmpty()) {
      return fit;
    }
    stage.accept("affine calibration on the population's chains");
    PoeResult r = calibrate(fit, population.get().chains(), evaluator, threads);
    if (r == null) {
      return fit;
    }
    progress.phase(r.calibration().orElseThrow().describe());
    return r;
  }

  /**
   * {@code fit} or the moved q, whichever {@link AxisChoice#verdict} keeps, carrying the
   * outcome; null when there are too few chains to split (fewer than 4).
   */
  static PoeResult calibrate(PoeResult fit, Chains chains, ScoreEvaluator evaluator,
      int threads) {
    long start = System.nanoTime();
    int n = chains.size();
    int dim = chains.dim();
    if (n < 4) {
      return null;
    }
    int nFit = n / 2;
    double[] z = Arrays.copyOf(chains.z(), nFit * dim);
    boolean triangular = nFit >= CHAINS_PER_PARAMETER * (dim + dim * (dim + 1) / 2);
    AffineMap map = fitMap(fit.family(), z, nFit, triangular, threads);
    Chains held = new Chains(Arrays.copyOfRange(chains.z(), nFit * dim, n * dim),
        Arrays.copyOfRange(chains.logP(), nFit, n),
        Arrays.copyOfRange(chains.scores(), nFit * dim, n * dim), dim);
    PoeResult with = fit.moved(map, evaluator);
    if (with.frame() != null) {
      // The moved experts could not be carried over exactly (see PoeResult.mapped): the fit's
      // later steps need its family in the fit's own coordinates.
      return null;
    }
    AxisChoice.Estimates a = AxisChoice.estimates(fit.finish());
    AxisChoice.Estimates b = AxisChoice.estimates(with.finish());
    double[] gain = AxisChoice.chainGain(fit, with, held, threads);
    double[] drawsGain = AxisChoice.drawsGain(fit, with, threads);
    String reason = AxisChoice.verdict(gain, a, b, with, fit, false);
    if (reason == null && !(gain[0] > MIN_GAIN_SE * gain[1])) {
      reason = "not closer to p over the held-out chains by " + MIN_GAIN_SE
          + " standard errors";
    }
    if (reason == null && !(drawsGain[0] > MIN_GAIN_SE * drawsGain[1])) {
      reason = "not closer to p over both q's draws by " + MIN_GAIN_SE + " standard errors";
    }
    boolean kept = reason == null;
    Outcome outcome = new Outcome(kept, kept ? "closer to p" : reason, triangular,
        map.logAbsDet(), gain[0], gain[1], drawsGain[0], drawsGain[1], nFit, n - nFit, a, b);
    return (kept ? with : fit).calibrated(outcome, with.scoreEvaluations(),
        (System.nanoTime() - start) * 1e-9);
  }

  /**
   * The map z = A u + β with u = c + B(z − c − s), B = A⁻¹ upper triangular (or diagonal), that
   * maximises the mean over the n points of log q(u) + log|det B|, c the points' mean.
   */
  static AffineMap fitMap(ProductOfExperts q, double[] z, int n, boolean triangular,
      int threads) {
    int dim = q.dim();
    double[] c = new double[dim];
    for (int p = 0; p < n; p++) {
      for (int d = 0; d < dim; d++) {
        c[d] += z[p * dim + d] / n;
      }
    }
    Parameters layout = new Parameters(dim, triangular);
    Lbfgs.Result r = Lbfgs.of(MAX_ITERATIONS, 10, 1e-8, 1e-12).minimize(
        objective(q, z, n, c, layout, threads), new double[layout.size()]);
    double[] x = r.x();
    double[] bMatrix = new double[dim * dim];
    layout.matrix(x, bMatrix);
    double[] a = upperInverse(bMatrix, dim);
    double[] beta = new double[dim];
    for (int i = 0; i < dim; i++) {
      double ac = 0;
      for (int j = i; j < dim; j++) {
        ac += a[i * dim + j] * c[j];
      }
      beta[i] = c[i] + x[i] - ac;
    }
    return new AffineMap(a, beta);
  }

  /**
   * −(mean of log q(u) over the n points) − log|det B| and its gradient, in the parameters
   * {@code layout} lays out; q's normaliser is left out (a constant).
   */
  static Lbfgs.Objective objective(ProductOfExperts q, double[] z, int n, double[] c,
      Parameters layout, int threads) {
    int dim = q.dim();
    double[] u = new double[n * dim];
    double[] y = new double[n * dim];
    double[] bMatrix = new double[dim * dim];
    return (x, gradient) -> {
      layout.matrix(x, bMatrix);
      double logDet = 0;
      for (int i = 0; i < dim; i++) {
        logDet += x[layout.diagonal(i)];
      }
      for (int p = 0; p < n; p++) {
        for (int j = 0; j < dim; j++) {
          y[p * dim + j] = z[p * dim + j] - c[j] - x[j];
        }
        for (int i = 0; i < dim; i++) {
          double s = c[i];
          for (int j = i; j < layout.end(i); j++) {
            s += bMatrix[i * dim + j] * y[p * dim + j];
          }
          u[p * dim + i] = s;
        }
      }
      double[] logQ = q.logDensities(u, 0, threads);
      double[] scores = q.scores(u, threads);
      double value = 0;
      for (int p = 0; p < n; p++) {
        value -= logQ[p] / n;
      }
      Arrays.fill(gradient, 0);
      for (int p = 0; p < n; p++) {
        for (int i = 0; i < dim; i++) {
          double s = scores[p * dim + i] / n;
          for (int j = i; j < layout.end(i); j++) {
            // d/ds_j of −log q(u) = (Bᵀ score)_j; d/dB_ij = −score_i y_j.
            gradient[j] += bMatrix[i * dim + j] * s;
            int k = layout.index(i, j);
            if (k >= 0) {
              gradient[k] -= s * y[p * dim + j] * (i == j ? bMatrix[i * dim + i] : 1);
            }
          }
        }
      }
      for (int i = 0; i < dim; i++) {
        gradient[layout.diagonal(i)] -= 1;
      }
      return value - logDet;
    };
  }

  /** The inverse of an upper triangular D×D matrix (row-major), by back substitution. */
  static double[] upperInverse(double[] b, int dim) {
    double[] a = new double[dim * dim];
    for (int col = 0; col < dim; col++) {
      for (int i = col; i >= 0; i--) {
        double s = i == col ? 1 : 0;
        for (int j = i + 1; j <= col; j++) {
          s -= b[i * dim + j] * a[j * dim + col];
        }
        a[i * dim + col] = s / b[i * dim + i];
      }
    }
    return a;
  }

  /**
   * Where the parameters sit: the shift s (D), then B's upper triangle row by row (or its
   * diagonal), each diagonal entry as its log.
   */
  record Parameters(int dim, boolean triangular) {
    int size() {
      return dim + (triangular ? dim * (dim + 1) / 2 : dim);
    }

    /** The index of B_ij (i ≤ j), or −1 when B has no such free entry. */
    int index(int i, int j) {
      if (!triangular) {
        return i == j ? dim + i : -1;
      }
      return dim + i * dim - i * (i - 1) / 2 + (j - i);
    }

    /** One past the last column of row i that B may hold (i + 1 when B is diagonal). */
    int end(int i) {
      return triangular ? dim : i + 1;
    }

    int diagonal(int i) {
      return index(i, i);
    }

    void matrix(double[] x, double[] b) {
      Arrays.fill(b, 0);
      for (int i = 0; i < dim; i++) {
        for (int j = i; j < dim; j++) {
          int k = index(i, j);
          if (k >= 0) {
            b[i * dim + j] = i == j ? Math.exp(x[k]) : x[k];
          }
        }
      }
    }
  }
}
