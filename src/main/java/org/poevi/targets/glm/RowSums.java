package org.poevi.targets.glm;

import java.util.Iterator;
import org.poevi.math.DyadicSum;

/** The per-block sums of a {@link RowData}, folded in the fixed order of {@link DyadicSum}. */
public final class RowSums {
  private RowSums() {}

  /**
   * The likelihood sums of some of the data set's blocks (a thread's or a partition's share),
   * as a partial {@link DyadicSum} over all {@code numBlocks} blocks.
   *
   * @param workspace the likelihood's scratch, reused for every block
   */
  public static DyadicSum<double[]> partial(Iterator<RowBlock> blocks, int numBlocks,
      RowLikelihood likelihood, RowLikelihood.Workspace workspace, double[] points, int n,
      int dim) {
    DyadicSum<double[]> sum = DyadicSum.vectors(numBlocks);
    while (blocks.hasNext()) {
      RowBlock block = blocks.next();
      double[] out = new double[likelihood.outputLength(n, dim)];
      likelihood.add(block, points, n, out, workspace);
      sum.add(block.index(), out);
    }
    return sum;
  }
}
