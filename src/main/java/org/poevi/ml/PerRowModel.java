package org.poevi.ml;

import org.poevi.targets.glm.RowBlock;

/**
 * A {@link RowModel} written one row at a time: {@link #logLikelihood} gives the log likelihood
 * of one row and its gradient, and this class loops over the block's points and rows, weighting
 * each row by its weight (a row of weight 0 is skipped). Simpler than the blocked {@link
 * RowModel#add}, which a model can still override for speed (e.g. with matrix products over the
 * whole block).
 */
public abstract class PerRowModel implements RowModel {
  private static final long serialVersionUID = 1L;

  /**
   * log lik(y, x | z) of one row, its gradient in z added into {@code gradient}.
   *
   * @param y the row's label
   * @param x the row's features (a scratch array: read it, do not keep it)
   * @param offset the row's offset, 0 when {@code offsetCol} is unset
   * @param z the D parameters (do not change them)
   * @param gradient length D, zero on entry
   */
  public abstract double logLikelihood(double y, double[] x, double offset, double[] z,
      double[] gradient);

  @Override
  public final void add(RowBlock block, double[] points, int n, double[] out,
      Workspace workspace) {
    if (n == 0) {
      return;
    }
    int rows = block.rows();
    int features = block.columns();
    int dim = out.length / n - 1;
    double[] x = new double[features];
    double[] z = new double[dim];
    double[] gradient = new double[dim];
    double[] weight = block.weight();
    double[] offset = block.offset();
    for (int i = 0; i < rows; i++) {
      double w = weight == null ? 1 : weight[i];
      if (w == 0) {
        continue;
      }
      for (int j = 0; j < features; j++) {
        x[j] = block.x()[i + j * rows];
      }
      for (int b = 0; b < n; b++) {
        System.arraycopy(points, b * dim, z, 0, dim);
        java.util.Arrays.fill(gradient, 0);
        out[b] += w * logLikelihood(block.y()[i], x, offset == null ? 0 : offset[i], z,
            gradient);
        for (int d = 0; d < dim; d++) {
          out[n + b * dim + d] += w * gradient[d];
        }
      }
    }
  }
}
