package org.poevi.fit;

import java.util.List;
import org.poevi.family.Expert;
import org.poevi.family.QMatrixBlock;
import org.poevi.family.ScoreBasis;
import org.poevi.math.BlockParallel;
import org.poevi.math.DyadicSum;

/**
 * Folds a batch of weighted points into {@link ScoreSums}: blocks of points in parallel, each
 * block's Q stacked and reduced with BLAS-3 (dsyrk for QᵀQ), and the per-block sums combined over
 * the fixed tree of {@link ScoreSums#overBlocks}, so the result is bit-identical for any number of
 * threads, partitions or executors.
 */
public final class ScoreAccumulation {
  /** Q blocks are capped at about 2²⁰ numbers (8 MB) per thread. */
  private static final int MAX_BLOCK_ENTRIES = 1 << 20;

  private ScoreAccumulation() {}

  /** Points per block for D and K (the same split everywhere, so blocks can be keyed by index). */
  public static int blockSize(int dim, int numExperts) {
    return Math.max(8, Math.min(256, MAX_BLOCK_ENTRIES / (dim * numExperts)));
  }

  /** The sums of all n points (weights as logarithms), on {@code threads} threads. */
  public static ScoreSums accumulate(List<Expert> experts, double[] z, double[] scores,
      double[] logWeights, int n, int dim, int threads) {
    int k = experts.size();
    int block = blockSize(dim, k);
    int numBlocks = (n + block - 1) / block;
    if (numBlocks == 0) {
      return ScoreSums.empty(k);
    }
    DyadicSum<ScoreSums> total = ScoreSums.overBlocks(numBlocks);
    fold(total, experts, 0, numBlocks - 1, block, z, scores, logWeights, n, 0, threads);
    return total.total();
  }

  /**
   * Adds the sums of blocks first..last (of {@code block} points; n points in all) to
   * {@code acc}, the blocks on {@code threads} threads; z, scores and logWeights hold the points
   * from point {@code base} on. The blocks' sums enter {@code acc} by index, so the result is the
   * same for any split of the blocks between calls, threads or tasks.
   */
  public static void fold(DyadicSum<ScoreSums> acc, List<Expert> experts, int first, int last,
      int block, double[] z, double[] scores, double[] logWeights, int n, int base,
      int threads) {
    int count = last - first + 1;
    if (count <= 0) {
      return;
    }
    int k = experts.size();
    int dim = experts.get(0).dim();
    // Each block's sums enter the tree as soon as they are made (any order gives the same
    // bits), so at most about 2·log2(blocks) K×K nodes are pending at a time.
    BlockParallel.forEach(count, threads, () -> new Object[] {
        new QMatrixBlock(experts, block), new double[block * dim * k],
        new double[scratchSize(block, dim)]},
        (i, scratch) -> {
          ScoreSums sums = block(first + i, block, (QMatrixBlock) scratch[0], experts,
              (double[]) scratch[1], (double[]) scratch[2], z, scores, logWeights, n, dim, k,
              base);
          synchronized (acc) {
            acc.add(first + i, sums);
          }
        });
  }

  /** The numbers of scratch {@link #block} needs for blocks of {@code block} points. */
  public static int scratchSize(int block, int dim) {
    return 2 * block * dim;
  }

  /**
   * The sums of block {@code b} (points [b·block, min(n, (b+1)·block))), with scratch for
   * {@code block} points: a Q block, its (block·D)×K stack and {@link #scratchSize} numbers.
   * Scores and Q are measured in the experts' metric ({@link ScoreBasis}). z, scores and
   * logWeights hold the points from point {@code base} on (0: the whole batch).
   */
  public static ScoreSums block(int b, int block, QMatrixBlock q, List<Expert> experts,
      double[] stacked, double[] scratch, double[] z, double[] scores, double[] logWeights,
      int n, int dim, int k, int base) {
    int from = b * block;
    int nb = Math.min(block, n - from);
    int at = from - base;
    q.compute(z, at * dim, nb, stacked);
    // The block's scores in the metric, in the second half of the scratch.
    int half = block * dim;
    double[] transformed = scratch;
    ScoreBasis.transformScores(experts, scores, at, nb, transformed, half);
    ScoreSums sums = ScoreSums.empty(k);
    sums.addBlock(stacked, nb, dim, transformed, half / dim, logWeights, at, scratch);
    return sums;
  }
}
