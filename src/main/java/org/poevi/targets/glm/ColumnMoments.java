package org.poevi.targets.glm;

/**
 * The column sums Σy, Σy², Σx_d and Σx_d² of a data set (each row counted its weight times: a
 * weight of 2 is a duplicated row), computed by the same reduction as the
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
    double[] w = block.weight();
    double[] y = block.y();
    out[0] += sum(y, 0, rows, w, false);
    out[1] += sum(y, 0, rows, w, true);
    for (int d = 0; d < dim; d++) {
      out[2 + d] += sum(block.x(), d * rows, rows, w, false);
      out[2 + dim + d] += sum(block.x(), d * rows, rows, w, true);
    }
  }

  /** Σ w_i v_i (or Σ w_i v_i²) over v[from, from + rows); w null: every weight 1. */
  private static double sum(double[] v, int from, int rows, double[] w, boolean squares) {
    double s = 0;
    for (int i = 0; i < rows; i++) {
      double value = v[from + i];
      double term = squares ? value * value : value;
      s += w == null ? term : w[i] * term;
    }
    return s;
  }

  /**
   * Means and standard deviations of the columns, weighted as frequency weights: N = Σ w_i, the
   * divisor N − 1 (sd 0 when N ≤ 1).
   */
  public record Summary(double rows, double meanY, double sdY, double[] meanX, double[] sdX) {}

  /** One pass over the rows. */
  public static Summary of(RowData data) {
    int dim = data.columns();
    double[] sums = data.sums(new ColumnMoments(dim), new double[POINTS * dim], POINTS);
    double n = data.weightSum();
    double[] meanX = new double[dim];
    double[] sdX = new double[dim];
    for (int d = 0; d < dim; d++) {
      meanX[d] = sums[2 + d] / n;
      sdX[d] = sd(sums[2 + d], sums[2 + dim + d], n);
    }
    return new Summary(n, sums[0] / n, sd(sums[0], sums[1], n), meanX, sdX);
  }

  private static double sd(double sum, double squares, double n) {
    if (!(n > 1)) {
      return 0;
    }
    double mean = sum / n;
    return Math.sqrt(Math.max(0, (squares - n * mean * mean) / (n - 1)));
  }
}
