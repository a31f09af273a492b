package org.poevi.math;

import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.Quantile;
import org.apache.commons.statistics.descriptive.StandardDeviation;

/**
 * Mean, standard deviation (n − 1 denominator) and the 5%, 50% and 95% quantiles of one column of
 * draws. Quantiles use Hyndman–Fan type 7 (linear interpolation; R's and NumPy's default), so they
 * match the posteriordb reference summaries.
 */
public record ColumnSummary(double mean, double sd, double q05, double q50, double q95) {
  private static final Quantile QUANTILE = Quantile.withDefaults()
      .with(Quantile.EstimationMethod.HF7);

  /** Summaries of each of the D columns of n×D row-major draws. */
  public static ColumnSummary[] of(double[] rows, int dim) {
    int n = rows.length / dim;
    ColumnSummary[] out = new ColumnSummary[dim];
    double[] column = new double[n];
    for (int d = 0; d < dim; d++) {
      for (int i = 0; i < n; i++) {
        column[i] = rows[i * dim + d];
      }
      double mean = Mean.of(column).getAsDouble();
      double sd = StandardDeviation.of(column).getAsDouble();
      double[] q = QUANTILE.evaluate(column, 0.05, 0.5, 0.95);
      out[d] = new ColumnSummary(mean, sd, q[0], q[1], q[2]);
    }
    return out;
  }

  /**
   * The Monte Carlo standard error of the mean, sd/√ess, for draws whose effective sample size
   * is {@code ess} (their number when they are independent).
   */
  public double mcse(double ess) {
    return sd / Math.sqrt(ess);
  }
}
