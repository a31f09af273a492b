package org.poevi.math;

/** Mean and covariance of n equally weighted points (row-major n×D), and of n numbers. */
public final class SampleMoments {
  private SampleMoments() {}

  /** Column d of n×dim row-major rows (n = rows.length / dim), as a new array. */
  public static double[] column(double[] rows, int dim, int d) {
    int n = rows.length / dim;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = rows[i * dim + d];
    }
    return out;
  }

  public static double[] mean(double[] z, int n, int dim) {
    double[] mean = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        mean[d] += z[i * dim + d];
      }
    }
    for (int d = 0; d < dim; d++) {
      mean[d] /= n;
    }
    return mean;
  }

  /** The unbiased (n − 1) covariance about {@code mean}, row-major D×D, exactly symmetric. */
  public static double[] covariance(double[] z, int n, double[] mean, int dim) {
    double[] cov = new double[dim * dim];
    double[] e = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        e[d] = z[i * dim + d] - mean[d];
      }
      for (int a = 0; a < dim; a++) {
        for (int b = 0; b <= a; b++) {
          cov[a * dim + b] += e[a] * e[b] / (n - 1);
        }
      }
    }
    for (int a = 0; a < dim; a++) {
      for (int b = 0; b < a; b++) {
        cov[b * dim + a] = cov[a * dim + b];
      }
    }
    return cov;
  }

  /** {mean, sd} of the values, the sd with n − 1. */
  public static double[] meanAndSd(double[] v) {
    double mean = 0;
    for (double x : v) {
      mean += x / v.length;
    }
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    return new double[] {mean, Math.sqrt(ss / (v.length - 1))};
  }

  /** {mean, standard error of the mean} of the values: sd/√n, the sd with n − 1. */
  public static double[] meanAndStandardError(double[] v) {
    double[] ms = meanAndSd(v);
    return new double[] {ms[0], ms[1] / Math.sqrt(v.length)};
  }
}
