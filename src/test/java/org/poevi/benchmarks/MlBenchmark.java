package org.poevi.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.poevi.ml.BayesianLogisticRegression;
import org.poevi.ml.BayesianLogisticRegressionModel;
import org.poevi.spark.FrameRows;
import org.poevi.spark.SparkRowData;
import org.poevi.targets.glm.DataFile;

/**
 * poevi's BayesianLogisticRegression against MLlib's LogisticRegression on the same cached
 * DataFrame (issue #16): the time to bring the DataFrame into poevi's row blocks, poevi's whole
 * fit (conversion included), and MLlib's fit (a point estimate by L-BFGS, its defaults), with
 * MLlib's time per pass over the data (its total over its iterations plus the one pass of its
 * summarizer). poevi is fitted before MLlib and again after it; {@code --mllib-first true} runs
 * MLlib once more before poevi's first fit.
 *
 * <pre>
 *   jobs/bench-ml [--master local[2]] [--rows 1e6] [--predictors 19] [--partitions 8]
 *                 [--spark-partitions 0] [--mllib-first false]
 *                 [--config HOCON] [--standardization true|false]
 * </pre>
 * The rows: x_j ~ N(0, 1) from Spark's randn (one seed per column), y ~ Bernoulli(sigmoid(−0.5 +
 * Σ_j x_j·(−1)^j·0.3)). D = predictors + 1. Output: "key: value" lines.
 */
public final class MlBenchmark {
  /** The 10⁷-row example's settings (conf/examples/logistic-regression-1e7.conf). */
  static final String LIGHT = "init { mode-starts = 1, gaussian-rounds = 0, gaussian-draws ="
      + " 1024 }\nexperts { count = 16 }\nfit { batch-size = 256, under-p { proposal-dof = 20,"
      + " proposal-scale = 1.2 } }\noutput { draws = 2000 }";

  private MlBenchmark() {}

  public static void main(String[] args) throws Exception {
    String master = "local[2]";
    long rows = 1_000_000;
    int predictors = 19;
    int partitions = 8;
    // spark.partitions: 0 (the Estimator's default) keeps the blocks where the DataFrame's rows
    // are; N > 0 moves every block into N contiguous runs (a shuffle of all rows).
    int sparkPartitions = 0;
    String config = LIGHT;
    boolean standardization = true;
    boolean mllibFirst = false;
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--master" -> master = v;
        case "--rows" -> rows = (long) Double.parseDouble(v);
        case "--predictors" -> predictors = Integer.parseInt(v);
        case "--partitions" -> partitions = Integer.parseInt(v);
        case "--spark-partitions" -> sparkPartitions = Integer.parseInt(v);
        case "--config" -> config = v;
        case "--standardization" -> standardization = Boolean.parseBoolean(v);
        case "--mllib-first" -> mllibFirst = Boolean.parseBoolean(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf("rows N: %d%ncolumns D: %d%nmaster: %s%npartitions: %d%n"
        + "spark.partitions: %d%nconfig: %s%nstandardization: %s%n", rows, predictors + 1,
        master, partitions, sparkPartitions,
        config.replace("\n", "; "), standardization);
    SparkSession spark = SparkSession.builder().master(master).appName("poevi ml benchmark")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      Dataset<Row> frame = frame(spark, rows, predictors, partitions);
      long t0 = System.nanoTime();
      frame.count();
      System.out.printf("DataFrame generated and cached: %.1f s%n", seconds(t0));
      run(spark, frame, sparkPartitions, config, standardization, mllibFirst);
    } finally {
      spark.stop();
    }
  }

  static Dataset<Row> frame(SparkSession spark, long rows, int predictors, int partitions) {
    String[] names = new String[predictors];
    Dataset<Row> frame = spark.range(0, rows, 1, partitions).toDF();
    Column eta = functions.lit(-0.5);
    for (int j = 0; j < predictors; j++) {
      names[j] = "x" + (j + 1);
      frame = frame.withColumn(names[j], functions.randn(100 + j));
      eta = eta.plus(functions.col(names[j]).multiply((j % 2 == 0 ? 1 : -1) * 0.3));
    }
    Column p = functions.lit(1.0).divide(functions.lit(1.0).plus(functions.exp(eta.multiply(-1))));
    frame = frame.withColumn("label", functions.when(functions.rand(7).lt(p), 1.0)
        .otherwise(0.0));
    return new VectorAssembler().setInputCols(names).setOutputCol("features").transform(frame)
        .select("label", "features").cache();
  }

  static void run(SparkSession spark, Dataset<Row> frame, int partitions, String config,
      boolean standardization, boolean mllibFirst) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    FrameRows.Spec spec = new FrameRows.Spec("the DataFrame", null,
        new FrameRows.Column("label", "labelCol"), List.of(),
        new FrameRows.Column("features", "featuresCol"), null, null, true,
        DataFile.ResponseKind.BINARY);
    List<Double> conversions = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long t = System.nanoTime();
      try (SparkRowData rows = FrameRows.cache(sc, frame, spec, partitions)) {
        conversions.add(seconds(t));
      }
    }
    System.out.printf("conversion into poevi's blocks (3 runs): %s s%n", conversions);

    // poevi, then MLlib, then poevi again (--mllib-first: MLlib before poevi's first fit, so its
    // Vector API BLAS runs before poevi's kernels are compiled; docs/benchmarks.md).
    if (mllibFirst) {
      long t0 = System.nanoTime();
      new LogisticRegression().fit(frame);
      System.out.printf("MLlib LogisticRegression (before poevi's first fit): %.1f s%n",
          seconds(t0));
    }
    double poeviSeconds = poevi(frame, partitions, config, standardization, "first");
    long t = System.nanoTime();
    LogisticRegressionModel mllib = new LogisticRegression().fit(frame);
    double mllibSeconds = seconds(t);
    int iterations = mllib.summary().totalIterations();
    System.out.printf("MLlib LogisticRegression: %.1f s, %d iterations, %.2f s per pass%n",
        mllibSeconds, iterations, mllibSeconds / (iterations + 1));
    t = System.nanoTime();
    BayesianLogisticRegressionModel poevi = fit(frame, partitions, config, standardization);
    double afterSeconds = seconds(t);
    report(poevi, afterSeconds, "after MLlib in the same JVM");
    System.out.printf("ratio poevi / MLlib: %.2f (poevi after MLlib: %.2f)%n",
        poeviSeconds / mllibSeconds, afterSeconds / mllibSeconds);
    System.out.printf("ratio conversion (median) / MLlib pass: %.2f%n",
        conversions.stream().sorted().toList().get(1) / (mllibSeconds / (iterations + 1)));
    double maxDiff = 0;
    for (int j = 0; j < mllib.coefficients().size(); j++) {
      String name = poevi.fittedModel().parameters().get(j + 1);
      double sd = poevi.summary().path("parameters").path(name).path("sd").asDouble(Double.NaN);
      maxDiff = Math.max(maxDiff, Math.abs(poevi.coefficients().apply(j)
          - mllib.coefficients().apply(j)) / sd);
    }
    System.out.printf("max |poevi mean − MLlib MLE| / posterior sd: %.3f%n", maxDiff);
  }

  private static double poevi(Dataset<Row> frame, int partitions, String config,
      boolean standardization, String label) {
    long t = System.nanoTime();
    BayesianLogisticRegressionModel model = fit(frame, partitions, config, standardization);
    double seconds = seconds(t);
    report(model, seconds, label);
    return seconds;
  }

  private static BayesianLogisticRegressionModel fit(Dataset<Row> frame, int partitions,
      String config, boolean standardization) {
    return new BayesianLogisticRegression().setSeed(1).setStandardization(standardization)
        .setConfig(config + "\nspark.partitions = " + partitions).fit(frame);
  }

  private static void report(BayesianLogisticRegressionModel poevi, double seconds,
      String label) {
    JsonNode fit = poevi.summary().path("fit");
    System.out.printf("poevi BayesianLogisticRegression (whole fit, %s): %.1f s, %s after %d"
        + " iterations, %d score evaluations (%.1f s in the fit itself), k-hat %.2f%n", label,
        seconds, fit.path("stopReason").asText(), fit.path("iterations").asInt(),
        fit.path("scoreEvaluations").asLong(), fit.path("wallTimeSeconds").asDouble(),
        poevi.summary().path("psisKhat").asDouble());
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
