package org.poevi.targets.glm;

import java.util.List;
import org.poevi.math.BlockParallel;
import org.poevi.math.DyadicSum;

/**
 * Row blocks held in this JVM, evaluated on its threads. The sums are the same, bit for bit, as
 * those of the same blocks on Spark executors ({@link RowSums}).
 */
public final class InMemoryRowData implements RowData {
  private final List<RowBlock> blocks;
  private final int columns;
  private final long rows;
  private final double weightSum;
  private final int threads;

  /** @param blocks blocks 0..B−1, in order */
  public InMemoryRowData(List<RowBlock> blocks, int threads) {
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("no row blocks");
    }
    long n = 0;
    double weights = 0;
    for (int i = 0; i < blocks.size(); i++) {
      if (blocks.get(i).index() != i || blocks.get(i).columns() != blocks.get(0).columns()) {
        throw new IllegalArgumentException("block " + i + " is out of order or has "
            + blocks.get(i).columns() + " columns");
      }
      n += blocks.get(i).rows();
      weights += blocks.get(i).weightSum();
    }
    this.blocks = List.copyOf(blocks);
    this.columns = blocks.get(0).columns();
    this.rows = n;
    this.weightSum = weights;
    this.threads = threads;
  }

  @Override
  public double weightSum() {
    return weightSum;
  }

  /** The blocks, in order. */
  public List<RowBlock> blocks() {
    return blocks;
  }

  /** Every block of a synthetic data set, generated here. */
  public static InMemoryRowData of(SyntheticLogisticData data, int threads) {
    RowBlock[] blocks = new RowBlock[data.numBlocks()];
    BlockParallel.forEach(blocks.length, threads, () -> null,
        (b, unused) -> blocks[b] = data.block(b));
    return new InMemoryRowData(List.of(blocks), threads);
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public int columns() {
    return columns;
  }

  @Override
  public double[] sums(RowLikelihood likelihood, double[] points, int n, int dim) {
    int numBlocks = blocks.size();
    // Contiguous runs of blocks, a few per thread for balance: each run's partial sum keeps
    // O(log blocks) vectors (one per block would take blocks·n·(D + 1) numbers at once).
    int runs = Math.min(numBlocks, 4 * threads);
    @SuppressWarnings("unchecked")
    DyadicSum<double[]>[] parts = new DyadicSum[runs];
    BlockParallel.forEach(runs, threads, likelihood::workspace, (r, workspace) -> {
      int from = (int) ((long) numBlocks * r / runs);
      int to = (int) ((long) numBlocks * (r + 1) / runs);
      parts[r] = RowSums.partial(blocks.subList(from, to).iterator(), numBlocks, likelihood,
          workspace, points, n, dim);
    });
    DyadicSum<double[]> total = DyadicSum.vectors(numBlocks);
    for (DyadicSum<double[]> part : parts) {
      total.merge(part);
    }
    return total.total();
  }
}
