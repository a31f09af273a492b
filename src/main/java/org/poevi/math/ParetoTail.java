package org.poevi.math;

import java.util.Arrays;

/**
 * The Pareto k̂ diagnostic of importance weights (Vehtari, Simpson, Gelman, Yao and Gabry,
 * "Pareto smoothed importance sampling", JMLR 2024).
 *
 * <p>A generalized Pareto distribution is fitted to the M = ⌈min(S/5, 3√S)⌉ largest of S weights,
 * as exceedances over the next-largest weight, with the profile-likelihood method of Zhang and
 * Stephens (Technometrics 2009) and the weakly informative prior that shrinks k towards 0.5 with
 * the weight of 10 observations. k̂ estimates the tail shape: the weights have (1/k̂) finite moments,
 * so the mean is reliable for k̂ ≤ 0.7 and unreliable above, where a Monte Carlo average can be far
 * off while its standard error looks small.
 */
public final class ParetoTail {
  /** k̂ above this means the importance-sampling estimate is not reliable (Vehtari et al.). */
  public static final double RELIABLE_KHAT = 0.7;

  private static final double PRIOR = 3;
  private static final int MIN_GRID_POINTS = 30;
  private static final int MIN_TAIL = 5;

  private ParetoTail() {}

  /**
   * k̂ of the weights exp(logWeights[from, to)). Returns −∞ when the tail has no spread (e.g. all
   * weights equal: nothing heavy about it), and NaN when there are too few weights to fit a tail.
   */
  public static double khat(double[] logWeights, int from, int to) {
    int s = to - from;
    int tail = (int) Math.ceil(Math.min(0.2 * s, 3 * Math.sqrt(s)));
    if (tail < MIN_TAIL || tail >= s) {
      return Double.NaN;
    }
    double[] sorted = Arrays.copyOfRange(logWeights, from, to);
    Arrays.sort(sorted);
    double max = sorted[s - 1];
    if (Double.isNaN(max) || max == Double.NEGATIVE_INFINITY) {
      return Double.NaN;
    }
    double cutoff = Math.exp(sorted[s - tail - 1] - max);
    double[] x = new double[tail];
    for (int i = 0; i < tail; i++) {
      x[i] = Math.exp(sorted[s - tail + i] - max) - cutoff;
    }
    if (!(x[tail - 1] > 0)) {
      return Double.NEGATIVE_INFINITY;
    }
    return fitShape(x);
  }

  public static double khat(double[] logWeights) {
    return khat(logWeights, 0, logWeights.length);
  }

  /** k̂ of the log weights a[i] − b[i] (PSIS: log p̃ − log q at draws of q). */
  public static double khatOfDifference(double[] a, double[] b) {
    double[] logWeights = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      logWeights[i] = a[i] - b[i];
    }
    return khat(logWeights);
  }

  /** Zhang–Stephens posterior-mean estimate of the GPD shape k for sorted exceedances x ≥ 0. */
  static double fitShape(double[] x) {
    int n = x.length;
    int m = MIN_GRID_POINTS + (int) Math.floor(Math.sqrt(n));
    double xStar = x[(int) Math.floor(n / 4.0 + 0.5) - 1];
    if (!(xStar > 0)) {
      // Ties at the cutoff put zeros in the lower quartile; use the smallest positive exceedance
      // as the scale of the grid instead.
      for (double v : x) {
        if (v > 0) {
          xStar = v;
          break;
        }
      }
    }
    double[] theta = new double[m];
    double[] logLik = new double[m];
    for (int j = 0; j < m; j++) {
      theta[j] = 1 / x[n - 1] + (1 - Math.sqrt(m / (j + 0.5))) / (PRIOR * xStar);
      double k = meanLog1p(theta[j], x);
      double value = n * (Math.log(-theta[j] / k) - k - 1);
      // theta = 0 exactly gives 0/0; such a grid point carries no likelihood.
      logLik[j] = Double.isNaN(value) ? Double.NEGATIVE_INFINITY : value;
    }
    double norm = LogSpace.logSumExp(logLik);
    double thetaHat = 0;
    for (int j = 0; j < m; j++) {
      thetaHat += theta[j] * Math.exp(logLik[j] - norm);
    }
    double k = meanLog1p(thetaHat, x);
    // Weakly informative prior: shrink towards 0.5 with the weight of 10 observations.
    return (k * n + 0.5 * 10) / (n + 10);
  }

  private static double meanLog1p(double theta, double[] x) {
    double sum = 0;
    for (double v : x) {
      sum += Math.log1p(-theta * v);
    }
    return sum / x.length;
  }
}
