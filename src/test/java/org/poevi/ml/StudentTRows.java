package org.poevi.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.RowBlock;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * Rows of y = a + x₁b₁ + x₂b₂ + o + σ·ε with ε ~ t_dof (seeded), x ~ N(0, 1), as columns
 * (y, x1, x2, w, o) and a features vector, in order: the same rows as a DataFrame (in order over
 * any number of partitions) and as in-memory blocks laid out as {@code FrameRows} lays them out.
 */
final class StudentTRows {
  static final double INTERCEPT = 1;
  static final double[] B = {0.5, -1};
  static final double SIGMA = 0.7;
  static final double DOF = 4;

  private StudentTRows() {}

  /**
   * n rows {y, x1, x2, weight, offset}; without {@code weighted}, weights 1 and offsets 0 (and
   * y without offsets).
   */
  static double[][] rows(int n, boolean weighted, long seed) {
    Random rng = new Random(seed);
    double[][] rows = new double[n][5];
    for (int i = 0; i < n; i++) {
      double x1 = rng.nextGaussian();
      double x2 = rng.nextGaussian();
      double chi2 = 0;
      for (int k = 0; k < DOF; k++) {
        double e = rng.nextGaussian();
        chi2 += e * e;
      }
      double t = rng.nextGaussian() / Math.sqrt(chi2 / DOF);
      double w = weighted ? 0.5 + rng.nextDouble() : 1;
      double o = weighted ? 0.2 * rng.nextGaussian() : 0;
      rows[i] = new double[] {INTERCEPT + B[0] * x1 + B[1] * x2 + o + SIGMA * t, x1, x2, w, o};
    }
    return rows;
  }

  /** Columns y, x1, x2, w, o and features = [x1, x2] (no ML attributes), in order. */
  static Dataset<Row> frame(double[][] rows, int partitions) {
    SparkSession session = MlTestData.session();
    StructType schema = new StructType().add("y", DataTypes.DoubleType)
        .add("x1", DataTypes.DoubleType).add("x2", DataTypes.DoubleType)
        .add("w", DataTypes.DoubleType).add("o", DataTypes.DoubleType)
        .add("features", SQLDataTypes.VectorType());
    List<Row> list = new ArrayList<>();
    for (double[] r : rows) {
      list.add(RowFactory.create(r[0], r[1], r[2], r[3], r[4], Vectors.dense(r[1], r[2])));
    }
    // parallelize keeps the rows' order (repartition would shuffle them).
    return session.createDataFrame(JavaSparkContext.fromSparkContext(session.sparkContext())
        .parallelize(list, partitions), schema);
  }

  /** The rows in blocks of {@value SyntheticLogisticData#BLOCK_ROWS}, in memory. */
  static InMemoryRowData blocks(double[][] rows, boolean weighted) {
    int size = SyntheticLogisticData.BLOCK_ROWS;
    List<RowBlock> blocks = new ArrayList<>();
    for (int b = 0; b * size < rows.length; b++) {
      int first = b * size;
      int n = Math.min(size, rows.length - first);
      double[] x = new double[2 * n];
      double[] y = new double[n];
      double[] w = new double[n];
      double[] o = new double[n];
      for (int i = 0; i < n; i++) {
        double[] r = rows[first + i];
        y[i] = r[0];
        x[i] = r[1];
        x[i + n] = r[2];
        w[i] = r[3];
        o[i] = r[4];
      }
      blocks.add(weighted ? new RowBlock(b, first, n, 2, x, y, w, o)
          : new RowBlock(b, first, n, 2, x, y));
    }
    return new InMemoryRowData(blocks, 2);
  }
}
