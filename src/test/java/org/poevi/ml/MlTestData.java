package org.poevi.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.poevi.spark.SparkTestContext;

/** Rows with a fixed seed, as a DataFrame (a features vector without attributes) and a CSV. */
public final class MlTestData {
  private MlTestData() {}

  static SparkSession session() {
    return SparkSession.builder().sparkContext(SparkTestContext.get().sc()).getOrCreate();
  }

  /** Fit settings that keep a test's fit to about a second (the defaults otherwise). */
  static final String QUICK = "init { mode-starts = 4, gaussian-rounds = 2, gaussian-draws = 2000"
      + " }\nfit { iterations = 4, batch-size = 512 }\noutput.draws = 2000";

  /**
   * Fit settings for a test that compares posteriors: the default fit's iterations with a
   * lighter start (fewer mode searches and preliminary draws) and fewer output draws.
   */
  static final String LIGHT = "init { mode-starts = 4, gaussian-rounds = 4, gaussian-draws ="
      + " 5000 }\noutput.draws = 2000";

  /** n rows of (y, x1, ..., xp): y from the family's model with the given coefficients. */
  public static double[][] rows(String family, int n, double intercept, double[] beta, long seed) {
    Random rng = new Random(seed);
    double[][] rows = new double[n][beta.length + 1];
    for (int i = 0; i < n; i++) {
      double eta = intercept;
      for (int j = 0; j < beta.length; j++) {
        rows[i][j + 1] = rng.nextGaussian();
        eta += beta[j] * rows[i][j + 1];
      }
      rows[i][0] = switch (family) {
        case "logistic" -> rng.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
        case "poisson" -> poisson(rng, Math.exp(eta));
        default -> eta + rng.nextGaussian();
      };
    }
    return rows;
  }

  private static double poisson(Random rng, double mean) {
    double limit = Math.exp(-mean);
    double product = rng.nextDouble();
    int k = 0;
    while (product > limit) {
      product *= rng.nextDouble();
      k++;
    }
    return k;
  }

  /** The rows as (label, features) with a plain vector column, in order in {@code partitions}. */
  static Dataset<Row> frame(double[][] rows, int partitions) {
    return frame(session(), rows, partitions);
  }

  /** As above, on {@code session}. */
  public static Dataset<Row> frame(SparkSession session, double[][] rows, int partitions) {
    StructType schema = new StructType().add("label", DataTypes.DoubleType)
        .add("features", SQLDataTypes.VectorType());
    List<Row> list = new ArrayList<>();
    for (double[] r : rows) {
      list.add(RowFactory.create(r[0], Vectors.dense(java.util.Arrays.copyOfRange(r, 1,
          r.length))));
    }
    // parallelize keeps the rows' order (repartition would shuffle them).
    return session.createDataFrame(JavaSparkContext.fromSparkContext(session.sparkContext())
        .parallelize(list, partitions), schema);
  }

  /** The rows as a CSV file y, x1, ..., xp. */
  static Path csv(double[][] rows, Path dir) {
    StringBuilder text = new StringBuilder("y");
    for (int j = 1; j < rows[0].length; j++) {
      text.append(",x").append(j);
    }
    text.append('\n');
    for (double[] r : rows) {
      for (int j = 0; j < r.length; j++) {
        text.append(j == 0 ? "" : ",").append(r[j]);
      }
      text.append('\n');
    }
    Path file = dir.resolve("rows.csv");
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
