package org.poevi.math;

/** Sums and means of numbers held as logarithms, shifted by the maximum so nothing overflows. */
public final class LogSpace {
  private LogSpace() {}

  /**
   * log Σ exp(x_i) over {@code x[from, to)}. An empty range, or one whose entries are all −∞, gives
   * −∞. A NaN entry gives NaN; +∞ gives +∞.
   */
  public static double logSumExp(double[] x, int from, int to) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = from; i < to; i++) {
      if (Double.isNaN(x[i])) {
        return Double.NaN;
      }
      max = Math.max(max, x[i]);
    }
    if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += Math.exp(x[i] - max);
    }
    return max + Math.log(sum);
  }

  public static double logSumExp(double[] x) {
    return logSumExp(x, 0, x.length);
  }

  /** log of the mean of exp(x_i) over {@code x[from, to)}. */
  public static double logMeanExp(double[] x, int from, int to) {
    return logSumExp(x, from, to) - Math.log(to - from);
  }

  /** log(exp(a) + exp(b)). */
  public static double logAddExp(double a, double b) {
    double max = Math.max(a, b);
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    return max + Math.log1p(Math.exp(Math.min(a, b) - max));
  }

  /**
   * Kish's effective sample size (Σw)²/Σw² of weights given as logarithms; entries of −∞ are
   * zero weights. Returns 0 when every weight is zero.
   */
  public static double effectiveSampleSize(double[] logWeights, int from, int to) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = from; i < to; i++) {
      max = Math.max(max, logWeights[i]);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return 0;
    }
    double sum = 0;
    double sumSq = 0;
    for (int i = from; i < to; i++) {
      double w = Math.exp(logWeights[i] - max);
      sum += w;
      sumSq += w * w;
    }
    return sum * sum / sumSq;
  }
}
