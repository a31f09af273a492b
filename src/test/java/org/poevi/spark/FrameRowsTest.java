package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.LogisticLikelihood;
import org.poevi.targets.glm.RowBlock;

/**
 * A DataFrame's columns into cached row blocks: an ML vector column of features gives the same
 * blocks, bit for bit, as numeric columns (the file path); weights and offsets reach the blocks;
 * bad rows are one line naming the column's Param and the row.
 */
class FrameRowsTest {
  /**
   * Three blocks of 8192, the last partial: in 2 source partitions the second holds two chunks
   * whose rows the third block takes from both (the chunks are cut across their bounds).
   */
  private static final int ROWS = 2 * 8192 + 3 * 1024 + 17;

  private static SparkSession session() {
    return SparkSession.builder().sparkContext(SparkTestContext.get().sc()).getOrCreate();
  }

  /** Rows y, x1, x2, w, o with a fixed seed. */
  private static Dataset<Row> frame() {
    StructType schema = new StructType().add("y", DataTypes.DoubleType)
        .add("x1", DataTypes.DoubleType).add("x2", DataTypes.DoubleType)
        .add("w", DataTypes.DoubleType).add("o", DataTypes.DoubleType);
    Random rng = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(RowFactory.create((double) rng.nextInt(2), rng.nextGaussian(),
          rng.nextGaussian(), 0.5 + rng.nextDouble(), 0.1 * rng.nextGaussian()));
    }
    return session().createDataFrame(rows, schema).repartition(1);
  }

  private static FrameRows.Spec vectorSpec(boolean weighted) {
    return new FrameRows.Spec("the DataFrame", null, new FrameRows.Column("y", "labelCol"),
        List.of(), new FrameRows.Column("features", "featuresCol"),
        weighted ? new FrameRows.Column("w", "weightCol") : null,
        weighted ? new FrameRows.Column("o", "offsetCol") : null, true,
        DataFile.ResponseKind.BINARY);
  }

  private static Dataset<Row> assembled(Dataset<Row> frame) {
    return new VectorAssembler().setInputCols(new String[] {"x1", "x2"})
        .setOutputCol("features").transform(frame);
  }

  private static double[] points() {
    double[] z = new double[7 * 3];
    Random rng = new Random(3);
    for (int i = 0; i < z.length; i++) {
      z[i] = 0.4 * rng.nextGaussian();
    }
    return z;
  }

  @Test
  void aVectorColumnGivesTheNumericColumnsBlocks() {
    Dataset<Row> frame = frame().cache();
    FrameRows.Spec numeric = new FrameRows.Spec("the DataFrame", null,
        new FrameRows.Column("y", "labelCol"), List.of(new FrameRows.Column("x1", "x"),
        new FrameRows.Column("x2", "x")), null, null, null, true, DataFile.ResponseKind.BINARY);
    LogisticLikelihood lik = new LogisticLikelihood(3);
    double[] z = points();
    for (int partitions : new int[] {1, 3}) {
      try (SparkRowData columns = FrameRows.cache(SparkTestContext.get(), frame, numeric,
          partitions);
          SparkRowData vector = FrameRows.cache(SparkTestContext.get(), assembled(frame),
              vectorSpec(false), partitions)) {
        assertEquals(ROWS, vector.rows());
        assertEquals(3, vector.columns());
        assertArrayEquals(columns.sums(lik, z, 7), vector.sums(lik, z, 7), 0.0);
      }
    }
    frame.unpersist();
  }

  /**
   * Weights and offsets reach the blocks, and the blocks do not depend on how the rows are
   * partitioned: the sums equal in-memory blocks built by hand, bit for bit.
   */
  @Test
  void weightsAndOffsetsReachTheBlocks() {
    Dataset<Row> frame = frame();
    List<Row> rows = frame.collectAsList();
    int block = org.poevi.targets.glm.SyntheticLogisticData.BLOCK_ROWS;
    List<RowBlock> blocks = new ArrayList<>();
    double weightSum = 0;
    for (int b = 0; b * block < ROWS; b++) {
      int n = Math.min(block, ROWS - b * block);
      double[] x = new double[n * 3];
      double[] y = new double[n];
      double[] w = new double[n];
      double[] o = new double[n];
      for (int i = 0; i < n; i++) {
        Row r = rows.get(b * block + i);
        y[i] = r.getDouble(0);
        x[i] = 1;
        x[i + n] = r.getDouble(1);
        x[i + 2 * n] = r.getDouble(2);
        w[i] = r.getDouble(3);
        o[i] = r.getDouble(4);
      }
      RowBlock rb = new RowBlock(b, (long) b * block, n, 3, x, y, w, o);
      weightSum += rb.weightSum();
      blocks.add(rb);
    }
    InMemoryRowData expected = new InMemoryRowData(blocks, 2);
    LogisticLikelihood lik = new LogisticLikelihood(3);
    double[] z = points();
    // The same rows in 1, 2, 4 or 5 source partitions (their order kept), cached where they
    // are (0: whole blocks stay, split ones are joined) or moved into 3 partitions.
    for (int sources : new int[] {1, 2, 4, 5}) {
      Dataset<Row> split = session().createDataFrame(SparkTestContext.get().parallelize(rows,
          sources), frame.schema());
      for (int partitions : new int[] {0, 3}) {
        try (SparkRowData data = FrameRows.cache(SparkTestContext.get(), assembled(split),
            vectorSpec(true), partitions)) {
          String what = sources + " source partitions, " + partitions;
          assertArrayEquals(expected.sums(lik, z, 7), data.sums(lik, z, 7), 0.0, what);
          assertEquals(weightSum, data.weightSum(), 0.0, what);
          assertEquals(ROWS, data.rows(), what);
        }
      }
    }
    assertTrue(weightSum != ROWS, "weighted");
  }

  private static void assertError(Dataset<Row> frame, FrameRows.Spec spec, String message) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> FrameRows.cache(SparkTestContext.get(), frame, spec, 2));
    assertEquals(message, e.getMessage());
  }

  /** One bad value in an otherwise good frame (row 3, counted from 1). */
  private static Dataset<Row> withRow(Row bad) {
    StructType schema = new StructType().add("y", DataTypes.DoubleType)
        .add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType())
        .add("w", DataTypes.DoubleType).add("o", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>(Arrays.asList(
        RowFactory.create(1.0, Vectors.dense(0.5, 1), 1.0, 0.0),
        RowFactory.create(0.0, Vectors.dense(0.1, 2), 1.0, 0.0), bad,
        RowFactory.create(1.0, Vectors.dense(0.3, 4), 1.0, 0.0)));
    return session().createDataFrame(rows, schema).repartition(1);
  }

  @Test
  void badRowsAreOneLineErrorsNamingTheParamAndTheRow() {
    FrameRows.Spec spec = vectorSpec(true);
    assertError(withRow(RowFactory.create(null, Vectors.dense(0.2, 3), 1.0, 0.0)), spec,
        "labelCol: row 3 of the DataFrame: column \"y\" is empty (null)");
    assertError(withRow(RowFactory.create(2.0, Vectors.dense(0.2, 3), 1.0, 0.0)), spec,
        "labelCol: row 3 of the DataFrame: response \"y\" is 2.0, but must be 0 or 1");
    assertError(withRow(RowFactory.create(1.0, Vectors.dense(Double.NaN, 3), 1.0, 0.0)), spec,
        "featuresCol: row 3 of the DataFrame: column \"features\"[0] is NaN");
    assertError(withRow(RowFactory.create(1.0, Vectors.dense(0.2), 1.0, 0.0)), spec,
        "featuresCol: row 3 of the DataFrame: column \"features\" has 1 values where the"
            + " features have 2");
    assertError(withRow(RowFactory.create(1.0, Vectors.dense(0.2, 3), -1.0, 0.0)), spec,
        "weightCol: row 3 of the DataFrame: weight \"w\" is -1.0, but must be >= 0");
    assertError(withRow(RowFactory.create(1.0, Vectors.dense(0.2, 3), 1.0,
        Double.POSITIVE_INFINITY)), spec,
        "offsetCol: row 3 of the DataFrame: column \"o\" is Infinity");
    assertError(frame(), spec, "featuresCol: no column \"features\" in the DataFrame (columns:"
        + " y, x1, x2, w, o)");
    assertError(frame().withColumn("features", org.apache.spark.sql.functions.col("x1")), spec,
        "featuresCol: column \"features\" of the DataFrame is not an ML vector (double)");
    assertError(assembled(frame()).limit(0), spec, "labelCol: the DataFrame has no rows");
  }
}
