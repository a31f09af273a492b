package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.poevi.math.SampleMoments;

/**
 * Exact draws of a target as a reference for a population's per-coordinate means and variances.
 *
 * @param draws the reference draws, n×D row-major
 * @param n their number
 * @param dim D
 */
record ReferenceMoments(double[] draws, int n, int dim) {
  double[] mean() {
    return SampleMoments.mean(draws, n, dim);
  }

  double[] covariance() {
    return SampleMoments.covariance(draws, n, mean(), dim);
  }

  /**
   * The population's per-coordinate means and variances against the reference, each within
   * {@code bound} standard errors: √(var·(1/m + 1/n)) for a mean, √((κ−1)/m)·var for a variance
   * (κ each coordinate's kurtosis measured on the reference, m the population's size). Across
   * chains a population's draws are independent.
   */
  void assertMatched(double[] z, int m, double bound) {
    double[] refMean = mean();
    double[] refCov = covariance();
    double[] mean = SampleMoments.mean(z, m, dim);
    double[] cov = SampleMoments.covariance(z, m, mean, dim);
    for (int d = 0; d < dim; d++) {
      double var = refCov[d * dim + d];
      double m4 = 0;
      for (int i = 0; i < n; i++) {
        double e = draws[i * dim + d] - refMean[d];
        m4 += e * e * e * e / n;
      }
      double kurtosis = m4 / (var * var);
      assertEquals(refMean[d], mean[d], bound * Math.sqrt(var * (1.0 / m + 1.0 / n)),
          "mean of coordinate " + d);
      assertEquals(var, cov[d * dim + d], bound * Math.sqrt((kurtosis - 1) / m) * var,
          "variance of coordinate " + d);
    }
  }
}
