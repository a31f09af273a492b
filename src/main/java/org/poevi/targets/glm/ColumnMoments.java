package org.poevi.targets.glm;

/**
 * The column sums Σy, Σy², Σx_d and Σx_d² of a data set, computed by the same reduction as the
 * likelihoods ({@link RowData#sums}, bit-identical for any partitioning), so that default priors
 * scaled by the data (rstanarm's autoscaling) are the same on every backend. It is a
 * {@link RowLikelihood} only to reuse that reduction: it ignores the points, and is evaluated
 * with n = 2 "points", whose n·(D + 1) = 2D + 2 outputs hold the sums.
 */
public final class ColumnMoments implements RowLikelihood {
  private static final long serialVersionUID = 1L;
  /** The batch size that gives room for the 2D + 2 sums. */
  static final int POINTS = 2;

  private final int dim;

  ColumnMoments(int dim) {
    this.dim = dim;
  }

  @Override
  public Workspace workspace() {
    return new Workspace() {};
  }

  @Override
  public void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace) {
    int rows = block.rows();
    double[] x = block.x();
    double[] y = block.y();
    double sy = 0;
    double syy = 0;
    for (int i = 0; i < rows; i++) {
      sy += y[i];
      syy += y[i] * y[i];
    }
    out[0] += sy;
    out[1] += syy;
    for (int d = 0; d < dim; d++) {
      double s = 0;
      double ss = 0;
      for (int i = 0; i < rows; i++) {
        double v = x[d * rows + i];
        s += v;
        ss += v * v;
      }
      out[2 + d] += s;
      out[2 + dim + d] += ss;
    }
  }

  /** Means and standard deviations (divisor N − 1; 0 for one row) of the columns. */
  public record Summary(long rows, double meanY, double sdY, double[] meanX, double[] sdX) {}

  /** One pass over the rows. */
  public static Summary of(RowData data) {
    int dim = data.columns();
    double[] sums = data.sums(new ColumnMoments(dim), new double[POINTS * dim], POINTS);
    long n = data.rows();
    double[] meanX = new double[dim];
    double[] sdX = new double[dim];
    for (int d = 0; d < dim; d++) {
      meanX[d] = sums[2 + d] / n;
      sdX[d] = sd(sums[2 + d], sums[2 + dim + d], n);
    }
    return new Summary(n, sums[0] / n, sd(sums[0], sums[1], n), meanX, sdX);
  }

  private static double sd(double sum, double squares, long n) {
    if (n < 2) {
      return 0;
    }
    double mean = sum / n;
    return Math.sqrt(Math.max(0, (squares - n * mean * mean) / (n - 1)));
  }
}
