package org.poevi.targets.glm;

/**
 * A data set of rows, wherever it lives (this JVM's memory or Spark executors), that evaluates a
 * row likelihood for a batch of points: Σ over all rows, reduced in a fixed order so that the sums
 * are bit-identical however the rows are spread ({@link org.poevi.math.DyadicSum} over block
 * indices).
 */
public interface RowData {
  /** Total number of rows. */
  long rows();

  /** Columns of the design matrix. */
  int columns();

  /**
   * Σ of the rows' weights, summed block by block in block order: the effective number of rows
   * (a Gaussian likelihood's normalising term counts it). The number of rows when the rows are
   * unweighted.
   */
  default double weightSum() {
    return rows();
  }

  /**
   * Σ_rows log lik(row | z_b) and its gradient for every point of the batch.
   *
   * @param points n×D row-major
   * @return length n·(D + 1): the n log likelihoods, then the n×D gradients (row-major)
   */
  double[] sums(RowLikelihood likelihood, double[] points, int n);

  /** What the fit is doing, for naming distributed jobs (e.g. "iteration 3"); no-op here. */
  default void stage(String description) {}
}
