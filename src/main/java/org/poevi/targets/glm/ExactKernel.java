package org.poevi.targets.glm;

/**
 * A row likelihood whose sums can also be taken exactly ({@link ExactRowData}): each row's terms
 * are computed without regard to the row's place in its block, and added into one
 * {@link org.poevi.math.ExactSum} accumulator per output, weighted exactly.
 */
interface ExactKernel extends RowLikelihood {
  /**
   * As {@link #add}, with output k the accumulator at {@code out[k·ExactSum.CHUNKS]}: each row's
   * contribution v (its weight's product w·v taken exactly) added into it, every accumulator
   * normalised on return.
   */
  void addExact(RowBlock block, double[] points, int n, double[] out, Workspace workspace);
}
