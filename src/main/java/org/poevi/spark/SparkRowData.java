package org.poevi.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.SparkThrowable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.poevi.InvalidInputException;
import org.poevi.math.DyadicSum;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.RowBlock;
import org.poevi.targets.glm.RowData;
import org.poevi.targets.glm.RowLikelihood;
import org.poevi.targets.glm.RowSums;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * Rows cached on Spark executors (SPEC §6, data-parallel). A batch of points is broadcast (n·D
 * numbers), every partition folds Σ_rows log lik and its gradient over its blocks into a partial
 * {@link DyadicSum} (a contiguous run of blocks ships O(log blocks) vectors of n·(D + 1)), and
 * {@code treeReduce} merges them; traffic per batch is O(n·D) whatever the number of rows. The
 * fixed summation tree makes the sums bit-identical for any partitioning, and to
 * {@link org.poevi.targets.glm.InMemoryRowData} on the same blocks.
 *
 * <p>Synthetic rows are generated inside the executors from their row indices and cached
 * (memory, spilling to disk); a lost executor's blocks are rebuilt identically.
 */
public final class SparkRowData implements RowData, AutoCloseable {
  private static final org.apache.logging.log4j.Logger LOG =
      org.apache.logging.log4j.LogManager.getLogger(SparkRowData.class);
  private final JavaSparkContext sc;
  private final JavaRDD<RowBlock> blocks;
  private final int numBlocks;
  private final long rows;
  private final int columns;
  private final double weightSum;
  private final List<String> blas;
  private volatile String stage = "";

  SparkRowData(JavaSparkContext sc, JavaRDD<RowBlock> blocks, int numBlocks, long rows,
      int columns, double weightSum, List<String> blas) {
    this.weightSum = weightSum;
    this.blas = blas;
    this.sc = sc;
    this.blocks = blocks;
    this.numBlocks = numBlocks;
    this.rows = rows;
    this.columns = columns;
  }

  /**
   * The rows an estimator evaluates on the driver rather than the executors, at most: 2²⁰
   * values (rows × columns, 8 MiB), spark.driver-values' default. Below it every batch of a fit
   * would cost a Spark job whose overhead far exceeds its arithmetic (docs/benchmarks.md,
   * "Small data").
   */
  public static final long DRIVER_VALUES = 1L << 20;

  /**
   * These rows for a fit: brought to this JVM ({@link InMemoryRowData}, the same sums bit for
   * bit) when there are at most {@code driverValues} values (rows × columns); else these cached
   * rows, evaluated on the executors.
   */
  public RowData forFit(long driverValues, int threads) {
    if ((double) rows * columns > driverValues) {
      return this;
    }
    List<RowBlock> local = new ArrayList<>(blocks.collect());
    local.sort(java.util.Comparator.comparingInt(RowBlock::index));
    return new InMemoryRowData(local, threads);
  }

  /**
   * Generates the synthetic data set on the executors, over {@code partitions} partitions of
   * contiguous blocks, and caches it (one job, run here).
   */
  public static SparkRowData generate(JavaSparkContext sc, SyntheticLogisticData data,
      int partitions) {
    return generate(sc, data, partitions, LOG::warn);
  }

  /**
   * As above; {@code warnings} gets, first, a warning when the rows will not fit the executors'
   * memory ({@link CacheEstimate}).
   */
  public static SparkRowData generate(JavaSparkContext sc, SyntheticLogisticData data,
      int partitions, Consumer<String> warnings) {
    CacheEstimate.Storage storage = CacheEstimate.storage(sc);
    CacheEstimate.warn(storage == null ? null : CacheEstimate.message(new CacheEstimate.Rows(
        data.rows(), true), data.columns() + 1, partitions, storage, "the synthetic data"),
        warnings);
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
      blas = blasOf(rdd);
    } catch (Exception e) {
      rdd.unpersist(false);
      throw SparkScoreEvaluator.unwrap(e);
    } finally {
      sc.setJobDescription(null);
    }
    return new SparkRowData(sc, rdd, numBlocks, data.rows(), data.columns(), data.rows(),
        List.copyOf(blas));
  }

  /**
   * Reads a data source through Spark (a path with its format, or a catalog table:
   * {@link #open}), checks it, and caches its rows as blocks of
   * {@value SyntheticLogisticData#BLOCK_ROWS} in the source's order (row i in block
   * i / BLOCK_ROWS), so the sums do not depend on how Spark split the source. Every error is one
   * line naming the key, the column or the row (counted from 1, a CSV header not counted): a
   * missing file, table or column, an unknown format, a column that is not numeric, a null, NaN
   * or infinite value, a response the likelihood does not accept, an empty data set.
   */
  public static SparkRowData read(JavaSparkContext sc, DataFile file, int partitions) {
    return read(sc, file, partitions, LOG::warn);
  }

  /** As above, with {@code warnings} as in {@link FrameRows#cache}. */
  public static SparkRowData read(JavaSparkContext sc, DataFile file, int partitions,
      Consumer<String> warnings) {
    return FrameRows.cache(sc, open(sc, file), FrameRows.Spec.of(file), partitions, warnings);
  }

  /**
   * The data source as a data frame: {@code session.table} for a table; for a path, Spark's
   * reader of its format (given, or by the extension: .csv, .parquet, .json or .jsonl), a CSV
   * with a header and inferred column types unless the options say otherwise, and the reader
   * options on top.
   *
   * @throws InvalidInputException one line naming the key: an unknown format, a path that
   *     matches no file, a table that does not exist, a source Spark cannot read
   */
  static Dataset<Row> open(JavaSparkContext sc, DataFile file) {
    SparkSession session = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    if (file.table() != null) {
      return table(session, file);
    }
    String path = file.path();
    String format = file.format() != null ? file.format() : formatOf(path);
    requireExists(sc, path);
    DataFrameReader reader = session.read().format(format);
    if (format.equalsIgnoreCase("csv")) {
      reader = reader.option("header", true).option("inferSchema", true);
    }
    try {
      return reader.options(file.options()).load(path);
    } catch (Exception e) {
      if (isUnknownSource(e)) {
        throw new InvalidInputException("target.data.format: unknown data source \"" + format
            + "\" (Spark has csv, json, parquet, orc and text; others, such as avro or delta,"
            + " need their package on the class path)");
      }
      throw new InvalidInputException("target.data.path: cannot read " + path + " as " + format
          + ": " + firstLine(e));
    }
  }

  /** The format of a path by its extension, when target.data.format does not name it. */
  private static String formatOf(String path) {
    String lower = path.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".csv")) {
      return "csv";
    } else if (lower.endsWith(".parquet")) {
      return "parquet";
    } else if (lower.endsWith(".json") || lower.endsWith(".jsonl")) {
      return "json";
    }
    throw new InvalidInputException("target.data.path must end in .csv, .parquet, .json or"
        + " .jsonl, or target.data.format must name its format (e.g. orc), got " + path);
  }

  /** A catalog table or view, with the reader options. */
  private static Dataset<Row> table(SparkSession session, DataFile file) {
    try {
      return session.read().options(file.options()).table(file.table());
    } catch (Exception e) {
      if (e instanceof SparkThrowable t && "TABLE_OR_VIEW_NOT_FOUND".equals(t.getCondition())) {
        throw new InvalidInputException("target.data.table: no table or view \"" + file.table()
            + "\" in the Spark catalog");
      }
      throw new InvalidInputException("target.data.table: cannot read \"" + file.table()
          + "\": " + firstLine(e));
    }
  }

  /** Whether Spark failed to find the data source (the format) itself. */
  private static boolean isUnknownSource(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof SparkThrowable t && "DATA_SOURCE_NOT_FOUND".equals(t.getCondition())
          // avro and kafka: Spark's own sources, in packages of their own
          || String.valueOf(c.getMessage()).startsWith("Failed to find data source")) {
        return true;
      }
    }
    return false;
  }

  /** The first line of an exception's message (Spark's run over many lines). */
  static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  /** Throws unless the path matches at least one file. */
  private static void requireExists(JavaSparkContext sc, String path) {
    try {
      // Checked here: Spark logs a warning with a stack trace for a missing path.
      org.apache.hadoop.fs.Path hadoopPath = new org.apache.hadoop.fs.Path(path);
      org.apache.hadoop.fs.FileStatus[] found = hadoopPath.getFileSystem(sc.hadoopConfiguration())
          .globStatus(hadoopPath);
      if (found == null || found.length == 0) {
        throw new InvalidInputException("target.data.path: no such file: " + path);
      }
    } catch (InvalidInputException e) {
      throw e;
    } catch (java.io.IOException | IllegalArgumentException e) {
      // Hadoop wraps a malformed URI's reason as "java.net.URISyntaxException: reason: input".
      String reason = e.getCause() instanceof java.net.URISyntaxException u
          ? "not a valid path or URI (" + u.getReason() + ")" : e.getMessage();
      throw new InvalidInputException("target.data.path: cannot read " + path + ": " + reason);
    }
  }

  /** Blocks 0..B−1 over P partitions in contiguous runs (small partial sums, SPEC §6). */
  static final class ContiguousBlocks extends org.apache.spark.Partitioner {
    private static final long serialVersionUID = 1L;
    private final int blocks;
    private final int partitions;

    ContiguousBlocks(int blocks, int partitions) {
      this.blocks = blocks;
      this.partitions = Math.max(1, partitions);
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (int) ((long) (Integer) key * partitions / blocks);
    }
  }

  /** Materialises (and caches) the blocks; returns the BLAS implementations of the executors. */
  static List<String> blasOf(JavaRDD<RowBlock> rdd) {
    return rdd.mapPartitions(blocks -> {
      while (blocks.hasNext()) {
        blocks.next();
      }
      return List.of(dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getName()).iterator();
    }).distinct().collect();
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
  public double weightSum() {
    return weightSum;
  }

  @Override
  public double[] sums(RowLikelihood likelihood, double[] points, int n, int dim) {
    int total = numBlocks;
    Broadcast<double[]> shared = sc.broadcast(java.util.Arrays.copyOf(points, n * dim));
    sc.setJobDescription("poevi " + stage + ": likelihood of " + rows + " rows at " + n
        + " points");
    try {
      PartialSums task = new PartialSums(likelihood, shared, total, n, dim);
      DyadicSum<double[]> sum;
      if (direct(blocks.getNumPartitions(), total, likelihood.outputLength(n, dim))) {
        sum = DyadicSum.vectors(total);
        for (DyadicSum<double[]> part : PartitionJobs.run(blocks, task)) {
          sum.merge(part);
        }
      } else {
        sum = blocks.mapPartitions(it -> List.of(task.run(it)).iterator())
            .treeReduce(DyadicSum::merge);
      }
      return sum.total();
    } catch (Exception e) {
      throw SparkScoreEvaluator.unwrap(e);
    } finally {
      shared.destroy();
      sc.setJobDescription(null);
    }
  }

  /**
   * Whether a pass collects every partition's partial sum on the driver in one stage, rather than
   * through {@code treeReduce}: when they add up to at most {@link #directResultBytes} bytes
   * (a partial sum over a contiguous run of blocks holds at most log₂(blocks) + 1 vectors). The
   * tree's extra shuffle stage and its closures cost about 100 ms a pass on 8 partitions
   * (docs/benchmarks.md), which dominated a one-point pass of the mode search over 10⁶ rows; the
   * tree stays for many partitions or wide outputs, where it bounds the driver's share. Either
   * way the sum is the same fixed tree over blocks, bit for bit.
   */
  static boolean direct(int partitions, int blocks, int outputLength) {
    int nodes = 33 - Integer.numberOfLeadingZeros(Math.max(1, blocks - 1));
    return (double) partitions * nodes * outputLength * Double.BYTES <= directResultBytes;
  }

  /**
   * The largest total of partial sums {@link #direct} collects on the driver: 64 MiB (tests set
   * 0 to take the tree).
   */
  static volatile long directResultBytes = 64L << 20;

  /**
   * One partition's partial sum of {@link #sums}: a named task ({@link PartitionJobs}) on the
   * direct path, called from the tree path's partition function.
   */
  private static final class PartialSums implements PartitionJobs.Task<RowBlock,
      DyadicSum<double[]>> {
    private static final long serialVersionUID = 1L;
    private final RowLikelihood likelihood;
    private final Broadcast<double[]> points;
    private final int blocks;
    private final int n;
    private final int dim;

    PartialSums(RowLikelihood likelihood, Broadcast<double[]> points, int blocks, int n,
        int dim) {
      this.likelihood = likelihood;
      this.points = points;
      this.blocks = blocks;
      this.n = n;
      this.dim = dim;
    }

    @Override
    public DyadicSum<double[]> run(java.util.Iterator<RowBlock> it) {
      return RowSums.partial(it, blocks, likelihood, likelihood.workspace(), points.value(), n,
          dim);
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
