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

  /**
   * The ancestors of {@code draws} systematic-resampling tickets over exp(logWeights[0, n)), in
   * shuffled order (so that copies of one point are not adjacent), for callers that move several
   * arrays along with each point.
   */
  public static int[] shuffledAncestors(double[] logWeights, int n, int draws,
      UniformRandomProvider rng) {
    int[] counts = systematicCounts(logWeights, n, draws, rng);
    int[] order = new int[draws];
    int next = 0;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < counts[i]; c++) {
        order[next++] = i;
      }
    }
    for (int i = draws - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
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
