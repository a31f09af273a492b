package org.poevi.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.storage.StorageLevel;
import org.poevi.InvalidInputException;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.RowBlock;
import org.poevi.targets.glm.SyntheticLogisticData;
import scala.Tuple2;

/**
 * A regression's rows from a DataFrame's columns into blocks cached on the executors, never
 * through the driver: the label, the predictors (numeric columns, or one ML vector column) and,
 * when named, the rows' weights and offsets. Rows keep the frame's order (row i in block
 * i / {@value SyntheticLogisticData#BLOCK_ROWS}), so the sums do not depend on how Spark splits
 * the work. One pass checks every row and counts them; every problem is one line naming the
 * column (by its key or Param) and the row (counted from 1): a missing column or one of the wrong
 * type, a null, NaN or infinite value, a vector of another length, a response the likelihood
 * does not accept, a negative weight, an empty frame. {@link LocalRows} builds the same blocks in
 * the driver (a fit without Spark).
 */
public final class FrameRows {
  private static final Logger LOG = LogManager.getLogger(FrameRows.class);
  private FrameRows() {}

  /** A column of the frame and the key or Param that names it in errors. */
  public record Column(String name, String key) implements java.io.Serializable {}

  /**
   * Where a regression's rows are in a frame.
   *
   * @param source names the data in errors (a path, a table, "the DataFrame")
   * @param sourceKey the key that names the whole source in errors about its rows (e.g.
   *     target.data.path), or null to name the row's column by its own key
   * @param label the response
   * @param predictors numeric predictor columns, in order (empty with {@code features})
   * @param features an ML vector column of predictors, or null
   * @param weight a column of row weights (finite, ≥ 0), or null
   * @param offset a column of offsets added to the linear predictor, or null
   * @param intercept whether the design gets a leading column of ones
   * @param kind the responses the likelihood accepts
   */
  public record Spec(String source, String sourceKey, Column label, List<Column> predictors,
      Column features, Column weight, Column offset, boolean intercept,
      DataFile.ResponseKind kind) implements java.io.Serializable {
    public Spec {
      predictors = List.copyOf(predictors);
    }

    /** The spec of a data source's columns (target.data: a file or a table). */
    static Spec of(DataFile file) {
      List<Column> predictors = new ArrayList<>();
      for (String p : file.predictors()) {
        predictors.add(new Column(p, "target.data.predictors"));
      }
      return new Spec(file.source(), file.sourceKey(), new Column(file.response(),
          "target.data.response"), predictors, null, null, null, file.intercept(), file.kind());
    }

    /** The key an error about a row of {@code column} starts with. */
    String rowKey(Column column) {
      return sourceKey != null ? sourceKey : column.key();
    }

    /** The numbers a cached row holds with {@code width} predictors: design, label, weight, offset. */
    int values(int width) {
      return width + (intercept ? 1 : 0) + 1 + (weight != null ? 1 : 0)
          + (offset != null ? 1 : 0);
    }

    /** The columns to select, in the order the rows are read: label, predictors, weight, offset. */
    List<Column> selected() {
      List<Column> all = new ArrayList<>();
      all.add(label);
      all.addAll(predictors);
      if (features != null) {
        all.add(features);
      }
      if (weight != null) {
        all.add(weight);
      }
      if (offset != null) {
        all.add(offset);
      }
      return all;
    }
  }

  /**
   * The frame's rows as cached blocks over {@code partitions} partitions of contiguous blocks.
   *
   * @throws InvalidInputException one line naming the column and the row
   */
  public static SparkRowData cache(JavaSparkContext sc, Dataset<Row> frame, Spec spec,
      int partitions) {
    return cache(sc, frame, spec, partitions, LOG::warn);
  }

  /** As above; {@code warnings} gets, first, any warning of {@link CacheEstimate}. */
  public static SparkRowData cache(JavaSparkContext sc, Dataset<Row> frame, Spec spec,
      int partitions, Consumer<String> warnings) {
    requireRows(frame, spec);
    requireColumns(frame, spec);
    int width = width(frame, spec);
    CacheEstimate.warn(CacheEstimate.warning(sc, frame, spec.values(width), partitions,
        spec.source()), warnings);
    JavaRDD<Row> rows = selected(frame, spec).javaRDD();
    return cachedBlocks(sc, rows, spec, width, partitions);
  }

  /** The predictors' number: the numeric columns, or the length of the features' vectors. */
  static int width(Dataset<Row> frame, Spec spec) {
    return spec.features() == null ? spec.predictors().size()
        : vectorSize(frame, spec.features(), spec.source());
  }

  /** The frame's columns in {@link Spec#selected} order. */
  static Dataset<Row> selected(Dataset<Row> frame, Spec spec) {
    return frame.select(spec.selected().stream()
        .map(c -> org.apache.spark.sql.functions.col(c.name()))
        .toArray(org.apache.spark.sql.Column[]::new));
  }

  /**
   * Throws when the frame has no rows; a data source that fails in this first pass over it (a
   * corrupt file, say) is a one-line error naming its key.
   */
  static void requireRows(Dataset<Row> frame, Spec spec) {
    boolean empty;
    try {
      // First, as the column types of an empty CSV are not inferred (all strings).
      empty = frame.isEmpty();
    } catch (Exception e) {
      RuntimeException unwrapped = SparkScoreEvaluator.unwrap(e);
      if (spec.sourceKey() != null && !(unwrapped instanceof InvalidInputException)) {
        throw new InvalidInputException(spec.sourceKey() + ": cannot read " + spec.source()
            + ": " + SparkRowData.firstLine(e));
      }
      throw unwrapped;
    }
    if (empty) {
      throw new InvalidInputException(spec.rowKey(spec.label()) + ": " + spec.source()
          + " has no rows");
    }
  }

  /** Throws unless every column exists, numeric (or an ML vector for the features). */
  static void requireColumns(Dataset<Row> frame, Spec spec) {
    List<String> available = List.of(frame.columns());
    for (Column column : spec.selected()) {
      if (!available.contains(column.name())) {
        throw new InvalidInputException(column.key() + ": no column \"" + column.name()
            + "\" in " + spec.source() + " (columns: " + String.join(", ", available.size() > 20
            ? available.subList(0, 20) : available) + (available.size() > 20 ? ", ..." : "")
            + ")");
      }
      DataType type = frame.schema().apply(column.name()).dataType();
      boolean vector = column == spec.features();
      if (vector ? !type.equals(SQLDataTypes.VectorType()) : !(type instanceof NumericType)) {
        throw new InvalidInputException(column.key() + ": column \"" + column.name() + "\" of "
            + spec.source() + " is not " + (vector ? "an ML vector" : "numeric") + " ("
            + type.simpleString() + ")");
      }
    }
  }

  /** The features' length: from the column's ML attributes, else from the first row. */
  private static int vectorSize(Dataset<Row> frame, Column features, String source) {
    AttributeGroup group = AttributeGroup.fromStructField(frame.schema().apply(features.name()));
    if (group.size() > 0) {
      return group.size();
    }
    Row first = frame.select(features.name()).first();
    if (first.isNullAt(0)) {
      throw new InvalidInputException(features.key() + ": row 1 of " + source + ": column \""
          + features.name() + "\" is empty (null)");
    }
    return ((Vector) first.get(0)).size();
  }

  /**
   * The rows of each partition, after a pass that finds the first row that cannot be used (in
   * the frame's order): run only when the one pass that makes the chunks found a bad row.
   *
   * @throws InvalidInputException one line naming the column's key and the row
   */
  private static long[] checkedCounts(JavaSparkContext sc, JavaRDD<Row> rows, Spec spec,
      int width) {
    sc.setJobDescription("poevi: checking " + spec.source());
    List<Tally> tallies;
    try {
      tallies = rows.mapPartitionsWithIndex((p, it) -> List.of(Tally.of(p, it, spec, width))
          .iterator(), true).collect();
    } catch (Exception e) {
      throw SparkScoreEvaluator.unwrap(e);
    } finally {
      sc.setJobDescription(null);
    }
    long[] counts = new long[tallies.size()];
    long total = 0;
    for (Tally t : tallies) {
      counts[t.partition()] = t.rows();
    }
    for (int p = 0; p < counts.length; p++) {
      Tally t = tallies.get(p);
      if (t.badRow() >= 0) {
        throw new InvalidInputException(t.key() + ": row " + (total + t.badRow() + 1) + " of "
            + spec.source() + ": " + t.problem());
      }
      total += counts[p];
    }
    return counts;
  }

  /** Throws when {@code total} rows make more blocks than an int numbers. */
  private static void requireBlockable(long total, Spec spec) {
    int blockRows = SyntheticLogisticData.BLOCK_ROWS;
    if (total > (long) Integer.MAX_VALUE * blockRows) {
      throw new InvalidInputException(spec.source() + " has " + total + " rows, more than "
          + (long) Integer.MAX_VALUE * blockRows);
    }
  }

  /** A partition's rows and its first one that cannot be used (−1: none), with its key. */
  private record Tally(int partition, long rows, long badRow, String key, String problem)
      implements java.io.Serializable {
    static Tally of(int partition, java.util.Iterator<Row> rows, Spec spec, int width) {
      long n = 0;
      List<Column> columns = spec.selected();
      while (rows.hasNext()) {
        String[] problem = FrameRows.problem(rows.next(), spec, columns, width);
        if (problem != null) {
          return new Tally(partition, n + 1, n, problem[0], problem[1]);
        }
        n++;
      }
      return new Tally(partition, n, -1, null, null);
    }
  }

  /** Why a row cannot be used, as {key, problem}, or null if it can. */
  static String[] problem(Row row, Spec spec, List<Column> columns, int width) {
    // Nothing is allocated unless the row has a problem: this runs for every row.
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      if (row.isNullAt(i)) {
        return new String[] {spec.rowKey(column), quoted(column) + " is empty (null)"};
      }
      if (column == spec.features()) {
        Vector v = (Vector) row.get(i);
        if (v.size() != width) {
          return new String[] {spec.rowKey(column), quoted(column) + " has " + v.size()
              + " values where the features have " + width};
        }
        for (int j = 0; j < width; j++) {
          if (!Double.isFinite(v.apply(j))) {
            return new String[] {spec.rowKey(column), quoted(column) + "[" + j + "] is "
                + v.apply(j)};
          }
        }
        continue;
      }
      double v = ((Number) row.get(i)).doubleValue();
      if (!Double.isFinite(v)) {
        return new String[] {spec.rowKey(column), quoted(column) + " is " + v};
      }
      if (column == spec.label() && !spec.kind().accepts(v)) {
        return new String[] {spec.rowKey(column), "response \"" + column.name() + "\" is " + v
            + ", but must be " + spec.kind().description()};
      }
      if (column == spec.weight() && v < 0) {
        return new String[] {spec.rowKey(column), "weight \"" + column.name() + "\" is " + v
            + ", but must be >= 0"};
      }
    }
    return null;
  }

  private static String quoted(Column column) {
    return "column \"" + column.name() + "\"";
  }

  /**
   * The rows as blocks in frame order, cached where they are or in {@code partitions}
   * contiguous runs ({@link BlockPieces}). One pass over the rows checks them and converts each
   * partition's into chunks of at most B rows (cached); with the partitions' counts known, the
   * chunks, not the rows, are cut at the blocks' bounds.
   */
  private static SparkRowData cachedBlocks(JavaSparkContext sc, JavaRDD<Row> rows, Spec spec,
      int width, int partitions) {
    int blockRows = SyntheticLogisticData.BLOCK_ROWS;
    JavaRDD<RowBlock> chunks = rows.mapPartitionsWithIndex((p, it) -> BlockPieces.chunks(p, it,
        spec, width, blockRows), true).persist(StorageLevel.MEMORY_AND_DISK());
    sc.setJobDescription("poevi: reading " + spec.source());
    long[] counts;
    try {
      counts = chunkCounts(chunks);
    } catch (Exception e) {
      chunks.unpersist(false);
      // A bad row, most likely: the message names the first one in the frame's order, which a
      // second pass finds (the first failed task's need not hold it). Anything else, that pass
      // meets too, or lets through.
      checkedCounts(sc, rows, spec, width);
      throw SparkScoreEvaluator.unwrap(e);
    } finally {
      sc.setJobDescription(null);
    }
    long[] offsets = new long[counts.length];
    long count = 0;
    for (int p = 0; p < counts.length; p++) {
      offsets[p] = count;
      count += counts[p];
    }
    long total = count;
    try {
      requireBlockable(total, spec);
    } catch (InvalidInputException e) {
      chunks.unpersist(false);
      throw e;
    }
    int numBlocks = (int) ((count + blockRows - 1) / blockRows);
    int columns = width + (spec.intercept() ? 1 : 0);
    JavaRDD<RowBlock> pieces = chunks.mapPartitionsWithIndex((p, it) -> BlockPieces.cut(it,
        offsets[p], counts[p], total, blockRows), true);
    JavaRDD<RowBlock> blocks = BlockPieces.blocks(pieces, total, blockRows, numBlocks,
        partitions);
    blocks.setName("poevi rows of " + spec.source());
    sc.setJobDescription("poevi: caching " + count + " rows of " + spec.source());
    List<String> blas;
    double weightSum = count;
    try {
      blas = SparkRowData.blasOf(blocks);
      if (spec.weight() != null) {
        weightSum = weightSum(blocks, numBlocks);
      }
    } catch (Exception e) {
      blocks.unpersist(false);
      throw SparkScoreEvaluator.unwrap(e);
    } finally {
      chunks.unpersist(false);
      sc.setJobDescription(null);
    }
    return new SparkRowData(sc, blocks, numBlocks, count, columns, weightSum, List.copyOf(blas));
  }

  /** The rows in each partition's chunks (one job: it makes and caches the chunks). */
  private static long[] chunkCounts(JavaRDD<RowBlock> chunks) {
    long[] counts = new long[chunks.getNumPartitions()];
    for (Tuple2<Integer, Long> t : chunks.mapPartitionsWithIndex((p, it) -> {
      long n = 0;
      while (it.hasNext()) {
        n += it.next().rows();
      }
      return List.of(new Tuple2<>(p, n)).iterator();
    }, true).collect()) {
      counts[t._1()] = t._2();
    }
    return counts;
  }

  /** Σ of the weights, block by block in block order (the same bits for any partitioning). */
  private static double weightSum(JavaRDD<RowBlock> blocks, int numBlocks) {
    double[] perBlock = new double[numBlocks];
    for (Tuple2<Integer, Double> t : blocks.mapToPair(b -> new Tuple2<>(b.index(),
        b.weightSum())).collect()) {
      perBlock[t._1()] = t._2();
    }
    double sum = 0;
    for (double w : perBlock) {
      sum += w;
    }
    return sum;
  }

  /**
   * Block {@code index} from its rows (in order, values in {@link Spec#selected} order), the
   * last of {@code total} rows.
   */
  static RowBlock block(int index, List<Row> rows, int blockRows, Spec spec, int width) {
    return BlockPieces.piece(index, (long) index * blockRows, rows.size(), rows.iterator(),
        spec, width);
  }
}
