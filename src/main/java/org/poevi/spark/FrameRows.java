package org.poevi.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
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
    requireRows(frame, spec);
    requireColumns(frame, spec);
    int width = width(frame, spec);
    Dataset<Row> selected = selected(frame, spec);
    // Parsed once: the check and the blocks both read these cached rows.
    JavaPairRDD<Row, Long> indexed = selected.javaRDD().zipWithIndex()
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long count = checkedRowCount(sc, indexed, spec, width);
      return cachedBlocks(sc, indexed, count, spec, width, partitions);
    } finally {
      indexed.unpersist(false);
    }
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

  /** The number of rows, after one pass that finds the first row that cannot be used. */
  private static long checkedRowCount(JavaSparkContext sc, JavaPairRDD<Row, Long> indexed,
      Spec spec, int width) {
    sc.setJobDescription("poevi: checking " + spec.source());
    Check check;
    try {
      check = indexed.treeAggregate(new Check(), (c, t) -> c.add(t._2(), problem(t._1(), spec,
          width)), Check::merge);
    } catch (Exception e) {
      throw SparkScoreEvaluator.unwrap(e);
    } finally {
      sc.setJobDescription(null);
    }
    if (check.badRow >= 0) {
      throw new InvalidInputException(check.key + ": row " + (check.badRow + 1) + " of "
          + spec.source() + ": " + check.problem);
    }
    long count = check.rows;
    int blockRows = SyntheticLogisticData.BLOCK_ROWS;
    if (count > (long) Integer.MAX_VALUE * blockRows) {
      throw new InvalidInputException(spec.source() + " has " + count + " rows, more than "
          + (long) Integer.MAX_VALUE * blockRows);
    }
    return count;
  }

  /** Rows seen and the first one that cannot be used (−1: none), with its column's key. */
  private static final class Check implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    long rows;
    long badRow = -1;
    String key;
    String problem;

    Check add(long row, String[] rowProblem) {
      rows++;
      if (rowProblem != null && (badRow < 0 || row < badRow)) {
        badRow = row;
        key = rowProblem[0];
        problem = rowProblem[1];
      }
      return this;
    }

    Check merge(Check other) {
      rows += other.rows;
      if (other.badRow >= 0 && (badRow < 0 || other.badRow < badRow)) {
        badRow = other.badRow;
        key = other.key;
        problem = other.problem;
      }
      return this;
    }
  }

  /** Why a row cannot be used, as {key, problem}, or null if it can. */
  static String[] problem(Row row, Spec spec, int width) {
    List<Column> columns = spec.selected();
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      String quoted = "column \"" + column.name() + "\"";
      if (row.isNullAt(i)) {
        return new String[] {spec.rowKey(column), quoted + " is empty (null)"};
      }
      if (column == spec.features()) {
        Vector v = (Vector) row.get(i);
        if (v.size() != width) {
          return new String[] {spec.rowKey(column), quoted + " has " + v.size() + " values where"
              + " the features have " + width};
        }
        for (int j = 0; j < width; j++) {
          if (!Double.isFinite(v.apply(j))) {
            return new String[] {spec.rowKey(column), quoted + "[" + j + "] is " + v.apply(j)};
          }
        }
        continue;
      }
      double v = ((Number) row.get(i)).doubleValue();
      if (!Double.isFinite(v)) {
        return new String[] {spec.rowKey(column), quoted + " is " + v};
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

  /** The checked rows grouped into blocks in frame order and cached (one job, run here). */
  private static SparkRowData cachedBlocks(JavaSparkContext sc, JavaPairRDD<Row, Long> indexed,
      long count, Spec spec, int width, int partitions) {
    int blockRows = SyntheticLogisticData.BLOCK_ROWS;
    int numBlocks = (int) ((count + blockRows - 1) / blockRows);
    int columns = width + (spec.intercept() ? 1 : 0);
    JavaRDD<RowBlock> blocks = indexed
        .mapToPair(t -> new Tuple2<>((int) (t._2() / blockRows), new Tuple2<>(t._2(), t._1())))
        .groupByKey(new SparkRowData.ContiguousBlocks(numBlocks, Math.min(partitions,
            numBlocks)))
        .map(group -> block(group._1(), group._2(), blockRows, count, spec, width))
        .persist(StorageLevel.MEMORY_AND_DISK());
    blocks.setName("poevi rows of " + spec.source());
    sc.setJobDescription("poevi: reading " + count + " rows of " + spec.source());
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
      sc.setJobDescription(null);
    }
    return new SparkRowData(sc, blocks, numBlocks, count, columns, weightSum, List.copyOf(blas));
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

  /** Block {@code index} from its rows (global index, values in {@link Spec#selected} order). */
  static RowBlock block(int index, Iterable<Tuple2<Long, Row>> rows, int blockRows,
      long total, Spec spec, int width) {
    long first = (long) index * blockRows;
    int n = (int) Math.min(blockRows, total - first);
    int lead = spec.intercept() ? 1 : 0;
    int columns = width + lead;
    double[] x = new double[n * columns];
    double[] y = new double[n];
    double[] weight = spec.weight() == null ? null : new double[n];
    double[] offset = spec.offset() == null ? null : new double[n];
    for (Tuple2<Long, Row> r : rows) {
      int i = (int) (r._1() - first);
      Row row = r._2();
      y[i] = ((Number) row.get(0)).doubleValue();
      if (spec.intercept()) {
        x[i] = 1;
      }
      int at = 1;
      if (spec.features() == null) {
        for (int j = 0; j < width; j++) {
          x[i + (lead + j) * n] = ((Number) row.get(at++)).doubleValue();
        }
      } else {
        Vector v = (Vector) row.get(at++);
        for (int j = 0; j < width; j++) {
          x[i + (lead + j) * n] = v.apply(j);
        }
      }
      if (weight != null) {
        weight[i] = ((Number) row.get(at++)).doubleValue();
      }
      if (offset != null) {
        offset[i] = ((Number) row.get(at)).doubleValue();
      }
    }
    return new RowBlock(index, first, n, columns, x, y, weight, offset);
  }
}
