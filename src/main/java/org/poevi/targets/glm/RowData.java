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
   * Σ_rows log lik(row | z_b) and its gradient for every point of the batch, with D the design's
   * columns (a GLM's coefficients).
   *
   * @param points n×D row-major
   * @return length n·(D + 1): the n log likelihoods, then the n×D gradients (row-major)
   */
  default double[] sums(RowLikelihood likelihood, double[] points, int n) {
    return sums(likelihood, points, n, columns());
  }

  /**
   * As {@link #sums(RowLikelihood, double[], int)} for points of any dimension {@code dim} (a
   * user's model over these rows, whose parameters need not be one per column).
   *
   * @param points n×dim row-major
   * @return length n·(dim + 1): the n log likelihoods, then the n×dim gradients (row-major);
   *     for a likelihood that sums something else, {@link RowLikelihood#outputLength} numbers
   */
  double[] sums(RowLikelihood likelihood, double[] points, int n, int dim);

  /**
   * Whether the sums are exact, rounded once ({@link ExactRowData}): then they depend only on the
   * multiset of rows, and each output takes {@link org.poevi.math.ExactSum#CHUNKS} numbers per
   * block on the way.
   */
  default boolean exact() {
    return false;
  }

  /** What the fit is doing, for naming distributed jobs (e.g. "iteration 3"); no-op here. */
  default void stage(String description) {}
}
