package org.poevi.targets.glm;

import org.poevi.math.ExactSum;

/**
 * The column sums Σ(y − c_y), Σ(y − c_y)², Σ(x_d − c_d) and Σ(x_d − c_d)² of a data set about
 * shifts c (each row counted its weight times: a weight of 2 is a duplicated row), computed by the
 * same reduction as the likelihoods ({@link RowData#sums}, bit-identical for any partitioning), so
 * that default priors scaled by the data (rstanarm's autoscaling) and standardisation are the same
 * on every backend. It is a {@link RowLikelihood} only to reuse that reduction: it is evaluated
 * with n = 2 "points", whose n·(D + 1) = 2D + 2 outputs hold the sums, and whose first D + 1
 * coordinates carry the shifts (c_1..c_D, then c_y).
 *
 * <p>{@link #of} makes two passes: the means (shifts 0), then the sums about the means, so that
 * the means lose the first pass's rounding and the variance is the corrected two-pass formula
 * (Σ(v − m)² − (Σ(v − m))²/N)/(N − 1) of Chan, Golub and LeVeque. One pass (Σv² − N·m²) cancels
 * catastrophically for an uncentred column: for a timestamp near 1.7·10⁹ with sd 1, Σv² and N·m²
 * agree in all of a double's digits.
 */
public final class ColumnMoments implements ExactKernel {
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
    double shiftY = points[dim];
    out[0] += sum(y, 0, rows, shiftY, w, false);
    out[1] += sum(y, 0, rows, shiftY, w, true);
    for (int d = 0; d < dim; d++) {
      out[2 + d] += sum(block.x(), d * rows, rows, points[d], w, false);
      out[2 + dim + d] += sum(block.x(), d * rows, rows, points[d], w, true);
    }
  }

  /**
   * The same sums, each w_i·(v_i − c) and w_i·(v_i − c)² taken exactly
   * ({@link GlmLikelihood#weighted}) and added by {@link ExactSum#addAll} ({@link ExactRowData}).
   */
  @Override
  public void addExact(RowBlock block, double[] points, int n, double[] out,
      Workspace workspace) {
    int rows = block.rows();
    int chunk = GlmLikelihood.CHUNK;
    double[] terms = new double[2 * chunk];
    for (int r0 = 0; r0 < rows; r0 += chunk) {
      int m = Math.min(chunk, rows - r0);
      for (int column = 0; column <= dim; column++) {
        // column dim is y (outputs 0 and 1), the others x_d (outputs 2 + d and 2 + D + d).
        double[] v = column == dim ? block.y() : block.x();
        int from = column == dim ? 0 : column * rows;
        double shift = points[column];
        for (int squares = 0; squares < 2; squares++) {
          for (int i = 0; i < m; i++) {
            double value = v[from + r0 + i] - shift;
            GlmLikelihood.weighted(terms, i, m, block.weight(), r0 + i,
                squares == 1 ? value * value : value);
          }
          int output = column == dim ? squares : 2 + column + squares * dim;
          int count = GlmLikelihood.termCount(block.weight(), m);
          ExactSum.addAll(out, output * ExactSum.CHUNKS, terms, count);
          ExactSum.normalise(out, output * ExactSum.CHUNKS);
        }
      }
    }
  }

  /**
   * Σ w_i (v_i − c) (or Σ w_i (v_i − c)²) over v[from, from + rows); w null: every weight 1. A
   * shift of 0 gives the plain sums' bits (v − 0 is v).
   */
  private static double sum(double[] v, int from, int rows, double c, double[] w,
      boolean squares) {
    double s = 0;
    for (int i = 0; i < rows; i++) {
      double value = v[from + i] - c;
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

  /** Two passes over the rows: the means, then the sums about them (the class comment). */
  public static Summary of(RowData data) {
    int dim = data.columns();
    ColumnMoments moments = new ColumnMoments(dim);
    double[] shifts = new double[POINTS * dim];
    double[] sums = data.sums(moments, shifts, POINTS);
    double n = data.weightSum();
    double[] meanX = new double[dim];
    for (int d = 0; d < dim; d++) {
      meanX[d] = sums[2 + d] / n;
      shifts[d] = meanX[d];
    }
    double meanY = sums[0] / n;
    shifts[dim] = meanY;
    double[] about = data.sums(moments, shifts, POINTS);
    double[] sdX = new double[dim];
    for (int d = 0; d < dim; d++) {
      sdX[d] = sd(about[2 + d], about[2 + dim + d], n);
      meanX[d] = corrected(meanX[d], about[2 + d], n);
    }
    return new Summary(n, corrected(meanY, about[0], n), sd(about[0], about[1], n), meanX, sdX);
  }

  /**
   * The mean m + Σ(v − m)/n: the first pass's rounding (up to N ulps of the sum) taken out. A
   * column of one value keeps it exactly (Σ(v − m) is 0).
   */
  private static double corrected(double m, double sum, double n) {
    return n > 0 ? m + sum / n : m;
  }

  /** The sd from sums about a shift near the mean: Σ(v − m) and Σ(v − m)², weight sum n. */
  private static double sd(double sum, double squares, double n) {
    if (!(n > 1)) {
      return 0;
    }
    return Math.sqrt(Math.max(0, (squares - sum * sum / n) / (n - 1)));
  }
}
