package org.poevi.targets.glm;

/**
 * The linear model's noise scale σ = e^u ({@link RegressionTarget}, log lik = e^{−2u}·S(β) − N·u):
 * its value, gradient and Hessians from the unit-scale Gaussian sums, for points of dimension
 * D = columns + 1 (the coefficients, then u).
 */
final class NoiseScale {
  private NoiseScale() {}

  /**
   * Turns the unit-scale Gaussian sums (S_b = −Σr²/2 and Xᵀr, m×columns) into the likelihood's
   * value and gradient at (β, u), laid out for m×D points: log lik = e^{−2u}·S − N·u,
   * gradient e^{−2u}·Xᵀr and −2e^{−2u}·S − N, with N the rows' weight sum (their number when
   * unweighted).
   */
  static double[] apply(double[] points, int m, double[] sums, int columns, double n) {
    int dim = columns + 1;
    double[] out = new double[m * (dim + 1)];
    for (int b = 0; b < m; b++) {
      double u = points[b * dim + columns];
      double precision = Math.exp(-2 * u);
      double s = sums[b];
      out[b] = precision * s - n * u;
      for (int d = 0; d < columns; d++) {
        out[m + b * dim + d] = precision * sums[m + b * columns + d];
      }
      out[m + b * dim + columns] = -2 * precision * s - n;
    }
    return out;
  }

  /**
   * The likelihood Hessians at m points (from {@code from} in {@code out}): −e^{−2u}·XᵀWX (the
   * {@code gram}, the same at every point), ∂²/∂β∂u = −2e^{−2u}·Xᵀr and ∂²/∂u² = 4e^{−2u}·S.
   */
  static void hessians(double[] points, int m, double[] sums, double[] gram, double[] out,
      int from, int columns) {
    int dim = columns + 1;
    for (int b = 0; b < m; b++) {
      double precision = Math.exp(-2 * points[b * dim + columns]);
      int off = (from + b) * dim * dim;
      for (int i = 0; i < columns; i++) {
        for (int j = 0; j < columns; j++) {
          out[off + i * dim + j] = precision * gram[i * columns + j];
        }
        double cross = -2 * precision * sums[m + b * columns + i];
        out[off + i * dim + columns] = cross;
        out[off + columns * dim + i] = cross;
      }
      out[off + columns * dim + columns] = 4 * precision * sums[b];
    }
  }
}
