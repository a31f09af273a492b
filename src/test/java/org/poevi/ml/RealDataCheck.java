package org.poevi.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.poevi.config.TargetReader;
import org.poevi.family.FittedModel;
import org.poevi.family.ModelJson;
import org.poevi.io.ReferenceDraws;
import org.poevi.results.Evaluate;
import org.poevi.results.JsonOutput;
import org.poevi.spark.SparkRowData;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.Prior;
import org.poevi.targets.glm.RegressionTarget;
import org.poevi.targets.glm.RowData;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * The real-data check of issue #16 ({@code jobs/real-data-check}), as a Spark user runs it: a
 * CSV read with Spark, its raw columns through {@code VectorAssembler} into
 * {@link BayesianLogisticRegression} with explicit priors, {@code write().save(dir)}; then the
 * saved {@code <dir>/model.json} scored by {@link Evaluate} against independent reference draws
 * (NUTS). Also checks that poevi's log density and the reference's differ by a constant at the
 * reference draws (the same model and priors). Not a unit test: a program with a main.
 *
 * <pre>
 * RealDataCheck --data CSV --response Y --predictors A,B,.. --intercept-prior P
 *     --coefficient-prior P --reference DRAWS.csv[.gz] --model-dir DIR --out CHECK.json
 *     [--standardization true|false] [--config HOCON] [--seed S] [--eval-seed S]
 * </pre>
 */
public final class RealDataCheck {
  private RealDataCheck() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> a = options(args);
    List<String> predictors = Arrays.asList(a.get("predictors").split(","));
    SparkSession spark = SparkSession.builder().master(a.getOrDefault("master", "local[2]"))
        .appName("poevi real-data check").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    try {
      ObjectNode out = JsonOutput.object();
      Path dir = Path.of(a.get("model-dir")).toAbsolutePath();
      out.put("fitSeconds", fitAndSave(spark, a, predictors, dir));
      out.put("modelDir", dir.toString());
      Path modelFile = dir.resolve("model.json");
      FittedModel model = ModelJson.readAny(modelFile);
      try (SparkRowData rows = rows(spark, a, predictors)) {
        RegressionTarget target = target(a, predictors, rows, model.parameters());
        Path reference = Path.of(a.get("reference"));
        out.put("maxLogDensityDeviation", logDensityDeviation(target, reference));
        long start = System.nanoTime();
        Evaluate.Report report = Evaluate.against(model, target, reference, 0,
            Integer.parseInt(a.getOrDefault("eval-draws", "100000")),
            Long.parseLong(a.getOrDefault("eval-seed", "7")), modelFile.toString());
        out.put("evaluateSeconds", (System.nanoTime() - start) / 1e9);
        out.set("evaluation", report.json());
        System.out.print(report.text());
      }
      JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
      if (summary.has("psisKhat")) {
        out.set("psisKhat", summary.get("psisKhat"));
      }
      out.set("summary", summary);
      Files.writeString(Path.of(a.get("out")), JsonOutput.text(out));
    } finally {
      spark.stop();
    }
  }

  /** Read, assemble, fit, save; the fit's wall time in seconds. */
  private static double fitAndSave(SparkSession spark, Map<String, String> a,
      List<String> predictors, Path dir) throws IOException {
    Dataset<Row> raw = spark.read().option("header", "true").option("inferSchema", "true")
        .csv(a.get("data"));
    Dataset<Row> frame = new VectorAssembler().setInputCols(predictors.toArray(String[]::new))
        .setOutputCol("features").transform(raw).cache();
    frame.count();
    BayesianLogisticRegression estimator = new BayesianLogisticRegression()
        .setLabelCol(a.get("response")).setFeaturesCol("features")
        .setInterceptPrior(a.get("intercept-prior"))
        .setCoefficientPrior(a.get("coefficient-prior"))
        .setSeed(Long.parseLong(a.getOrDefault("seed", "1")));
    if (a.containsKey("standardization")) {
      estimator.setStandardization(Boolean.parseBoolean(a.get("standardization")));
    }
    if (a.containsKey("config")) {
      estimator.setConfig(a.get("config"));
    }
    long start = System.nanoTime();
    BayesianLogisticRegressionModel model = estimator.fit(frame);
    double seconds = (System.nanoTime() - start) / 1e9;
    model.write().overwrite().save(dir.toString());
    frame.unpersist();
    System.out.printf("fit %s (standardization %s%s) in %.1f s; saved %s%n",
        a.get("data"), estimator.getStandardization(),
        a.containsKey("config") ? ", config: " + a.get("config") : "", seconds, dir);
    return seconds;
  }

  /** The rows again, through poevi's own file reader (the path of {@code target.data}). */
  private static SparkRowData rows(SparkSession spark, Map<String, String> a,
      List<String> predictors) {
    DataFile file = new DataFile(a.get("data"), a.get("response"), predictors, true,
        RegressionTarget.Family.LOGISTIC.response());
    return SparkRowData.read(JavaSparkContext.fromSparkContext(spark.sparkContext()), file, 2);
  }

  /**
   * The posterior as poevi's logistic-regression target (priors parsed from the same strings
   * by the HOCON reader), its parameters named as the model's: intercept, then the columns.
   */
  private static RegressionTarget target(Map<String, String> a, List<String> predictors,
      SparkRowData rows, List<String> names) {
    List<String> expected = new java.util.ArrayList<>(List.of("intercept"));
    expected.addAll(predictors);
    if (!names.equals(expected)) {
      throw new IllegalStateException("model.json names " + names + ", expected " + expected);
    }
    String hocon = "type = logistic-regression\nprior { intercept = \""
        + a.get("intercept-prior") + "\", coefficients = \"" + a.get("coefficient-prior")
        + "\" }\ndata { path = \"" + a.get("data") + "\", response = \"" + a.get("response")
        + "\", predictors = [" + String.join(", ", predictors.stream().map(p -> "\"" + p
        + "\"").toList()) + "] }";
    RegressionTarget read = (RegressionTarget) TargetReader.build(ConfigFactory.parseString(
        hocon), new TargetReader.DataBackend() {
          @Override
          public RowData rows(SyntheticLogisticData data) {
            throw new IllegalStateException("no synthetic data here");
          }

          @Override
          public RowData rows(DataFile file) {
            return rows;
          }
        });
    return new RegressionTarget(read.family(), read.data(), true,
        read.priors().toArray(Prior[]::new), null, names);
  }

  /**
   * The largest |(log p̃ − lp__) − its mean| over the first 1000 reference draws: poevi's log
   * density and the reference sampler's (column lp__) must differ by a constant.
   */
  private static double logDensityDeviation(RegressionTarget target, Path reference) {
    double[] draws = ReferenceDraws.read(reference, target.parameterNames());
    double[] lp = ReferenceDraws.read(reference, List.of("lp__"));
    int dim = target.dim();
    int n = Math.min(1000, lp.length);
    double[] diff = new double[n];
    double mean = 0;
    for (int i = 0; i < n; i++) {
      diff[i] = target.logDensity(Arrays.copyOfRange(draws, i * dim, (i + 1) * dim)) - lp[i];
      mean += diff[i] / n;
    }
    double max = 0;
    for (double d : diff) {
      max = Math.max(max, Math.abs(d - mean));
    }
    System.out.printf("log density: poevi - reference lp__ = %.6f, constant within %.2e over %d"
        + " draws%n", mean, max, n);
    return max;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      a.put(args[i].substring(2), args[i + 1]);
    }
    for (String key : List.of("data", "response", "predictors", "intercept-prior",
        "coefficient-prior", "reference", "model-dir", "out")) {
      if (!a.containsKey(key)) {
        throw new IllegalArgumentException("missing --" + key);
      }
    }
    return a;
  }
}
