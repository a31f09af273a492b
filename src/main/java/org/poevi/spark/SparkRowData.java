package org.poevi.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.poevi.math.DyadicSum;
import org.poevi.target.RowBlock;
import org.poevi.target.RowData;
import org.poevi.target.RowLikelihood;
import org.poevi.target.RowSums;
import org.poevi.target.SyntheticLogisticData;

/**
 * Rows cached on Spark executors (SPEC §6, data-parallel). A batch of points is broadcast (n·D
 * numbers), every partition folds Σ_rows log lik and its gradient over its blocks into a partial
 * {@link DyadicSum} (a contiguous run of blocks ships O(log blocks) vectors of n·(D + 1)), and
 * {@code treeReduce} merges them; traffic per batch is O(n·D) whatever the number of rows. The
 * fixed summation tree makes the sums bit-identical for any partitioning, and to
 * {@link org.poevi.target.InMemoryRowData} on the same blocks.
 *
 * <p>Synthetic rows are generated inside the executors from their row indices and cached
 * (memory, spilling to disk); a lost executor's blocks are rebuilt identically.
 */
public final class SparkRowData implements RowData, AutoCloseable {
  private final JavaSparkContext sc;
  private final JavaRDD<RowBlock> blocks;
  private final int numBlocks;
  private final long rows;
  private final int columns;
  private final List<String> blas;
  private volatile String stage = "";

  private SparkRowData(JavaSparkContext sc, JavaRDD<RowBlock> blocks, int numBlocks, long rows,
      int columns, List<String> blas) {
    this.blas = blas;
    this.sc = sc;
    this.blocks = blocks;
    this.numBlocks = numBlocks;
    this.rows = rows;
    this.columns = columns;
  }

  /**
   * Generates the synthetic data set on the executors, over {@code partitions} partitions of
   * contiguous blocks, and caches it (one job, run here).
   */
  public static SparkRowData generate(JavaSparkContext sc, SyntheticLogisticData data,
      int partitions) {
    int numBlocks = data.numBlocks();
    List<Integer> indices = new ArrayList<>(numBlocks);
    for (int b = 0; b < numBlocks; b++) {
      indices.add(b);
    }
    // parallelize slices the list into contiguous runs, which keeps the partial sums small.
    JavaRDD<RowBlock> rdd = sc.parallelize(indices, Math.min(partitions, numBlocks))
        .map(data::block).persist(StorageLevel.MEMORY_AND_DISK());
    rdd.setName("poevi synthetic logistic data (" + data.rows() + " rows, " + data.columns()
        + " columns)");
    sc.setJobDescription("poevi: generating " + data.rows() + " rows of synthetic data");
    List<String> blas;
    try {
      // Generates and caches every block; each task also names the BLAS its executor uses.
      blas = rdd.mapPartitions(blocks -> {
        while (blocks.hasNext()) {
          blocks.next();
        }
        return List.of(dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getName())
            .iterator();
      }).distinct().collect();
    } catch (Exception e) {
      rdd.unpersist(false);
      throw SparkScoreEvaluator.unwrap(e);
    } finally {
      sc.setJobDescription(null);
    }
    return new SparkRowData(sc, rdd, numBlocks, data.rows(), data.columns(), List.copyOf(blas));
  }

  /**
   * The BLAS implementations the executors use (netlib's class names). The sums are bit-identical
   * across partitionings only on executors with the same BLAS (and CPU family): native OpenBLAS and
   * the Java fallbacks round differently.
   */
  public List<String> blasImplementations() {
    return blas;
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
  public double[] sums(RowLikelihood likelihood, double[] points, int n) {
    int total = numBlocks;
    int dim = columns;
    Broadcast<double[]> shared = sc.broadcast(java.util.Arrays.copyOf(points, n * dim));
    sc.setJobDescription("poevi " + stage + ": likelihood of " + rows + " rows at " + n
        + " points");
    try {
      DyadicSum sum = blocks.mapPartitions(it -> List.of(RowSums.partial(it, total, likelihood,
          likelihood.workspace(), shared.value(), n, dim)).iterator())
          .treeReduce(DyadicSum::merge);
      return sum.total();
    } catch (Exception e) {
      throw SparkScoreEvaluator.unwrap(e);
    } finally {
      shared.destroy();
      sc.setJobDescription(null);
    }
  }

  @Override
  public void stage(String description) {
    stage = description;
  }

  /** Frees the cached rows. */
  @Override
  public void close() {
    blocks.unpersist(false);
  }
}
