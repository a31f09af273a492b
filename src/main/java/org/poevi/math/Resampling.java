package org.poevi.math;

import org.apache.commons.rng.UniformRandomProvider;

/**
 * Sampling-importance-resampling helpers: systematic resampling (one uniform, evenly spaced
 * tickets; the lowest-variance standard scheme) and a Fisher–Yates shuffle of rows, so that
 * copies of one resampled point are not adjacent in the output.
 */
public final class Resampling {
  private Resampling() {}

  /**
   * How many of {@code draws} tickets each of the weights exp(logWeights[0, n)) receives. Entries
   * of −∞ never do.
   */
  public static int[] systematicCounts(double[] logWeights, int n, int draws,
      UniformRandomProvider rng) {
    double max = Double.NEGATIVE_INFINITY;
    for (int m = 0; m < n; m++) {
      max = Math.max(max, logWeights[m]);
    }
    double total = 0;
    for (int m = 0; m < n; m++) {
      total += Math.exp(logWeights[m] - max);
    }
    int[] counts = new int[n];
    double step = total / draws;
    double next = rng.nextDouble() * step;
    double cumulative = 0;
    int taken = 0;
    for (int m = 0; m < n && taken < draws; m++) {
      cumulative += Math.exp(logWeights[m] - max);
      while (taken < draws && next < cumulative) {
        counts[m]++;
        taken++;
        next += step;
      }
    }
    // Rounding in the running sum can leave the last ticket just past the total.
    for (int m = n - 1; taken < draws; m--) {
      if (logWeights[m] > Double.NEGATIVE_INFINITY) {
        counts[m]++;
        taken++;
      }
    }
    return counts;
  }

  /** Fisher–Yates shuffle of the first n rows (of dim numbers each) of a row-major array. */
  public static void shuffleRows(double[] rows, int n, int dim, UniformRandomProvider rng) {
    double[] tmp = new double[dim];
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      System.arraycopy(rows, i * dim, tmp, 0, dim);
      System.arraycopy(rows, j * dim, rows, i * dim, dim);
      System.arraycopy(tmp, 0, rows, j * dim, dim);
    }
  }
}
