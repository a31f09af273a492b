package org.poevi.targets.glm;

import org.poevi.InvalidInputException;
import org.poevi.math.ExactSum;

/**
 * A {@link RowData} whose sums are exact, rounded once ({@code target.exact-sums}, the Estimators'
 * {@code exactSums}): every row's term is computed on its own and added into an
 * {@link ExactSum} accumulator, so the sums depend only on the multiset of rows. A row of weight
 * 2 then gives the same bits as the row twice, in any order and any blocks, and so does every fit
 * on them. The cost: the rows' products run as scalar fused multiply-adds instead of dgemm, and
 * every term is split into the accumulator (docs/benchmarks.md measures the factor); each block's
 * result is {@value ExactSum#CHUNKS} numbers per output.
 *
 * <p>Only the built-in kernels ({@link ExactKernel}: the regressions' likelihoods, Hessians and
 * column moments) have exact sums.
 */
public final class ExactRowData implements RowData {
  private final RowData rows;
  private double weightSum = Double.NaN;

  private ExactRowData(RowData rows) {
    this.rows = rows;
  }

  /**
   * Columns at most: a Hessian's exact sums take D²·{@value ExactSum#CHUNKS} numbers per point
   * and block (35 MB at D = 256).
   */
  public static final int MAX_COLUMNS = 256;

  /**
   * {@code rows} with exact sums.
   *
   * @throws InvalidInputException when the rows have more than {@link #MAX_COLUMNS} columns
   */
  public static RowData over(RowData rows) {
    if (rows.columns() > MAX_COLUMNS) {
      throw new InvalidInputException("exact sums (target.exact-sums, exactSums) are for at most "
          + MAX_COLUMNS + " columns, and the design has " + rows.columns() + ": each block's"
          + " exact Hessian would take " + rows.columns() + "² × " + ExactSum.CHUNKS
          + " numbers");
    }
    return rows instanceof ExactRowData ? rows : new ExactRowData(rows);
  }

  @Override
  public long rows() {
    return rows.rows();
  }

  @Override
  public int columns() {
    return rows.columns();
  }

  @Override
  public boolean exact() {
    return true;
  }

  /** Σ of the weights, exactly (rounded once). */
  @Override
  public synchronized double weightSum() {
    if (Double.isNaN(weightSum)) {
      weightSum = sums(new WeightSum(), new double[columns()], 1, columns())[0];
    }
    return weightSum;
  }

  @Override
  public double[] sums(RowLikelihood likelihood, double[] points, int n, int dim) {
    if (!(likelihood instanceof ExactKernel kernel)) {
      throw new IllegalArgumentException("exact sums are for the built-in regressions, not "
          + likelihood.getClass().getName());
    }
    double[] acc = rows.sums(new Encoded(kernel), points, n, dim);
    double[] out = new double[likelihood.outputLength(n, dim)];
    long[] digits = new long[ExactSum.SPECIAL];
    for (int k = 0; k < out.length; k++) {
      out[k] = ExactSum.round(acc, k * ExactSum.CHUNKS, digits);
    }
    return out;
  }

  @Override
  public void stage(String description) {
    rows.stage(description);
  }

  /** A kernel's exact sums as the plain row likelihood the backends sum (element by element). */
  private static final class Encoded implements RowLikelihood {
    private static final long serialVersionUID = 1L;
    private final ExactKernel kernel;

    Encoded(ExactKernel kernel) {
      this.kernel = kernel;
    }

    @Override
    public Workspace workspace() {
      return kernel.workspace();
    }

    @Override
    public int outputLength(int n, int dim) {
      return Math.multiplyExact(kernel.outputLength(n, dim), ExactSum.CHUNKS);
    }

    @Override
    public void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace) {
      kernel.addExact(block, points, n, out, workspace);
    }
  }

  /** Σ_i w_i (the number of rows when unweighted), one output. */
  private static final class WeightSum implements ExactKernel {
    private static final long serialVersionUID = 1L;

    @Override
    public Workspace workspace() {
      return new Workspace() {};
    }

    @Override
    public int outputLength(int n, int dim) {
      return 1;
    }

    @Override
    public void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace) {
      out[0] += block.weightSum();
    }

    @Override
    public void addExact(RowBlock block, double[] points, int n, double[] out,
        Workspace workspace) {
      double[] w = block.weight();
      for (int i = 0; i < block.rows(); i++) {
        ExactSum.add(out, 0, w == null ? 1 : w[i]);
        if ((i + 1) % ExactSum.ROWS_BEFORE_NORMALISE == 0) {
          ExactSum.normalise(out, 0);
        }
      }
      ExactSum.normalise(out, 0);
    }
  }
}
