package org.poevi.math;

/**
 * A Monte Carlo estimate of log E[V] from draws log v_1..log v_n of a positive quantity, with its
 * delta-method standard error se(log V̄) = sd(v)/(√n · V̄), the Pareto k̂ of the v's (its
 * reliability) and their Kish effective sample size.
 *
 * @param estimate log of the sample mean
 * @param standardError delta-method standard error of {@code estimate}
 * @param draws n
 * @param khat Pareto k̂ of the v's; NaN when too few draws to fit a tail
 *     ({@link ParetoTail#khat}), −∞ when they do not vary
 * @param ess (Σv)²/Σv²
 */
public record LogMeanEstimate(double estimate, double standardError, long draws, double khat,
    double ess) {

  /** Estimate from {@code logValues[from, to)}; −∞ entries count as zeros. */
  public static LogMeanEstimate of(double[] logValues, int from, int to) {
    int n = to - from;
    if (n < 2) {
      throw new IllegalArgumentException("need at least 2 draws for a standard error, got " + n);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = from; i < to; i++) {
      max = Math.max(max, logValues[i]);
    }
    if (!(max > Double.NEGATIVE_INFINITY) || max == Double.POSITIVE_INFINITY) {
      return new LogMeanEstimate(max, Double.NaN, n, Double.NaN, 0);
    }
    // Two passes over the shifted values: the mean, then the centred sum of squares.
    double sum = 0;
    double sumSq = 0;
    for (int i = from; i < to; i++) {
      double v = Math.exp(logValues[i] - max);
      sum += v;
      sumSq += v * v;
    }
    double mean = sum / n;
    double centred = 0;
    for (int i = from; i < to; i++) {
      double d = Math.exp(logValues[i] - max) - mean;
      centred += d * d;
    }
    double variance = centred / (n - 1);
    double se = Math.sqrt(variance / n) / mean;
    return new LogMeanEstimate(max + Math.log(mean), se, n, ParetoTail.khat(logValues, from, to),
        sum * sum / sumSq);
  }

  public static LogMeanEstimate of(double[] logValues) {
    return of(logValues, 0, logValues.length);
  }

  /**
   * True when k̂ says the estimate can be trusted: k̂ ≤ 0.7, or −∞ (weights with no tail at all),
   * and the standard error is a number. A NaN k̂ means the tail could not be checked, which is no
   * evidence of reliability, so it counts as unreliable.
   */
  public boolean isReliable() {
    return khat <= ParetoTail.RELIABLE_KHAT && !Double.isNaN(standardError);
  }
}
