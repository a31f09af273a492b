package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.fit.PoeFitter;
import org.poevi.fit.PoeResult;
import org.poevi.fit.PoeSettings;
import org.poevi.fit.Progress;
import org.poevi.fit.UnderQSettings;
import org.poevi.ml.BayesianLogisticRegression;
import org.poevi.ml.BayesianLogisticRegressionModel;
import org.poevi.qp.OjAlgoQpSolver;
import org.poevi.results.JsonOutput;
import org.poevi.targets.BananaTarget;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * A fit whose target evaluations and score sums run in two executor JVMs
 * ({@code local-cluster[2,1,1024]}): everything sent to them is really serialized, which local
 * mode does not check. It must give the local fit's α and draws exactly, for a sample-parallel
 * target and for a data-parallel one (logistic regression over rows cached on the executors),
 * and the Estimator over a DataFrame the local Estimator's model.json and predictions.
 */
class LocalClusterTest {
  @Test
  void aFitOnTwoExecutorJvmsIsTheLocalFit() throws Exception {
    String sparkHome = System.getenv("SPARK_HOME");
    Files.createDirectories(Path.of(sparkHome, "jars"));
    BananaTarget target = BananaTarget.of(2);
    PoeSettings settings = PoeSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(2000)
        .modeStarts(4).locations(8).iterations(3).batchSize(600).outputDraws(1000).build();
    PoeResult local = new PoeFitter(settings, OjAlgoQpSolver.create()).fit(target, new LocalScoreEvaluator(target, 2), Progress.SILENT);
    // The one-job iterations: chains moved on the executors (population), draws of q made there.
    PoeSettings moving = PoeSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(2000)
        .modeStarts(4).locations(8).iterations(2).batchSize(600).outputDraws(1000)
        .population(org.poevi.fit.PopulationMode.ALWAYS).moveBurnIn(5).build();
    PoeSettings underQ = PoeSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(2000)
        .modeStarts(4).locations(8).iterations(2).batchSize(600).outputDraws(1000)
        .objective(UnderQSettings.defaults()).build();
    PoeResult movingLocal = new PoeFitter(moving, OjAlgoQpSolver.create()).fit(target, new LocalScoreEvaluator(target, 2), Progress.SILENT);
    PoeResult underQLocal = new PoeFitter(underQ, OjAlgoQpSolver.create()).fit(target, new LocalScoreEvaluator(target, 2), Progress.SILENT);
    SyntheticLogisticData data = new SyntheticLogisticData(
        2 * SyntheticLogisticData.BLOCK_ROWS + 500, 3, true, 4);
    PoeResult dataLocal = DataParallelFitTest.fit(InMemoryRowData.of(data, 2),
        DataParallelFitTest.smallSettings());
    // The Estimator over a DataFrame (rows from executors into cached blocks, the standardised
    // fit, the predictive UDF): the same model.json and predictions in two executor JVMs.
    double[][] mlRows = org.poevi.ml.MlTestData.rows("logistic", 700, 0.2, new double[] {1, -0.5},
        9);
    SparkSession localSession = SparkSession.builder().sparkContext(SparkTestContext.get().sc())
        .getOrCreate();
    Dataset<Row> localFrame = org.poevi.ml.MlTestData.frame(localSession, mlRows, 3);
    BayesianLogisticRegressionModel localModel = new BayesianLogisticRegression().setSeed(5)
        .fit(localFrame);
    String mlLocal = JsonOutput.text(localModel.fittedModel().toJson());
    List<Row> predictedLocal = localModel.setPredictiveDraws(200).transform(localFrame)
        .collectAsList();
    SparkTestContext.stop();
    SparkConf conf = SparkTestContext.conf("local-cluster[2,1,1024]", "poevi-local-cluster-test")
        // Each worker of local-cluster[2,1,1024] offers 1024 MB; Spark's default executor asks
        // for exactly that, which the master reports as more than any worker has.
        .set("spark.executor.memory", "512m")
        // Executors see this JVM's classpath (Spark's jars and ours; same machine).
        .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .set("spark.executor.extraJavaOptions", String.join(" ", SparkTestContext.OPENS));
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      PoeResult spark = new PoeFitter(settings, OjAlgoQpSolver.create()).fit(target, new SparkScoreEvaluator(sc, target, 4), Progress.SILENT);
      assertArrayEquals(local.family().alpha(), spark.family().alpha());
      assertArrayEquals(local.finish().draws().draws(), spark.finish().draws().draws());
      assertArrayEquals(movingLocal.family().alpha(), new PoeFitter(moving, OjAlgoQpSolver.create()).fit(target, new SparkScoreEvaluator(sc, target, 3), Progress.SILENT).family().alpha(), "population");
      assertArrayEquals(underQLocal.family().alpha(), new PoeFitter(underQ, OjAlgoQpSolver.create()).fit(target, new SparkScoreEvaluator(sc, target, 3), Progress.SILENT).family().alpha(), "under q");
      // Rows generated and cached in the executor JVMs. These run without the Vector API module
      // (their options are the --add-opens only), so their exp/log take the scalar path: equal
      // bits to this JVM's vector path are part of what is checked.
      try (SparkRowData rows = SparkRowData.generate(sc, data, 3)) {
        PoeResult dataSpark = DataParallelFitTest.fit(rows, DataParallelFitTest.smallSettings());
        assertArrayEquals(dataLocal.family().alpha(), dataSpark.family().alpha());
        assertArrayEquals(dataLocal.finish().draws().draws(), dataSpark.finish().draws().draws());
      }
      SparkSession session = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
      Dataset<Row> frame = org.poevi.ml.MlTestData.frame(session, mlRows, 3);
      // spark.partitions = 2: evaluated in the executors (a frame this small is otherwise
      // brought to the driver, as the local fit above was): the same bits.
      BayesianLogisticRegressionModel model = new BayesianLogisticRegression().setSeed(5)
          .setConfig("spark.partitions = 2").fit(frame);
      assertEquals(mlLocal, JsonOutput.text(model.fittedModel().toJson()), "estimator");
      assertEquals(predictedLocal, model.setPredictiveDraws(200).transform(frame)
          .collectAsList(), "transform");
      assertEquals(2, sc.sc().getExecutorMemoryStatus().size() - 1, "two executors");
    }
  }
}
