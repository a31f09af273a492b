package org.poevi.targets.glm;

import java.io.Serializable;

/**
 * A likelihood that is a sum over data rows, evaluated for a whole batch of parameter points at
 * once with matrix–matrix products over blocks of rows (SPEC §6, data-parallel): the kernel that
 * data partitions run. Implementations are immutable and serializable (they are shipped to Spark
 * executors).
 */
public interface RowLikelihood extends Serializable {
  /** Scratch for {@link #add}: allocated once per thread or task, reused for every block. */
  interface Workspace {}

  /** A workspace for batches of any size. */
  Workspace workspace();

  /**
   * Adds Σ_rows log lik(row | z_b) and its gradient over the rows of {@code block}, for every
   * point b of the batch, into {@code out}: {@code out[b]} the log likelihood, and
   * {@code out[n + b·D + d]} its derivative in z_d.
   *
   * @param points n×D row-major
   * @param out length n·(D + 1), added into
   */
  void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace);

  /**
   * The length of {@link #add}'s output for n points of dimension dim: n·(dim + 1) (values and
   * gradients) unless the kernel sums something else, e.g. a Hessian per point.
   */
  default int outputLength(int n, int dim) {
    return n * (dim + 1);
  }
}
