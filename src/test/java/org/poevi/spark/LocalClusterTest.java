package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.poevi.fit.FitResult;
import org.poevi.fit.FitSettings;
import org.poevi.fit.LocalScoreEvaluator;
import org.poevi.fit.PoeFitter;
import org.poevi.qp.OjAlgoQpSolver;
import org.poevi.targets.BananaTarget;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * A fit whose target evaluations and score sums run in two executor JVMs
 * ({@code local-cluster[2,1,1024]}): everything sent to them is really serialized, which local
 * mode does not check. It must give the local fit's α and draws exactly, for a sample-parallel
 * target and for a data-parallel one (logistic regression over rows cached on the executors).
 */
class LocalClusterTest {
  @Test
  void aFitOnTwoExecutorJvmsIsTheLocalFit() throws Exception {
    String sparkHome = System.getenv("SPARK_HOME");
    Files.createDirectories(Path.of(sparkHome, "jars"));
    BananaTarget target = BananaTarget.of(2);
    FitSettings settings = FitSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(2000)
        .modeStarts(4).locations(8).iterations(3).batchSize(600).outputDraws(1000).build();
    FitResult local = PoeFitter.fit(target, settings, new LocalScoreEvaluator(target, 2),
        OjAlgoQpSolver.create(), PoeFitter.Progress.SILENT);
    // The one-job iterations: chains moved on the executors (population), draws of q made there.
    FitSettings moving = FitSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(2000)
        .modeStarts(4).locations(8).iterations(2).batchSize(600).outputDraws(1000)
        .population(org.poevi.fit.PopulationMode.ALWAYS).moveBurnIn(5).build();
    FitSettings underQ = FitSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(2000)
        .modeStarts(4).locations(8).iterations(2).batchSize(600).outputDraws(1000)
        .objective(org.poevi.fit.Objective.UNDER_Q).build();
    FitResult movingLocal = PoeFitter.fit(target, moving, new LocalScoreEvaluator(target, 2),
        OjAlgoQpSolver.create(), PoeFitter.Progress.SILENT);
    FitResult underQLocal = PoeFitter.fit(target, underQ, new LocalScoreEvaluator(target, 2),
        OjAlgoQpSolver.create(), PoeFitter.Progress.SILENT);
    SyntheticLogisticData data = new SyntheticLogisticData(
        2 * SyntheticLogisticData.BLOCK_ROWS + 500, 3, true, 4);
    FitResult dataLocal = DataParallelFitTest.fit(InMemoryRowData.of(data, 2),
        DataParallelFitTest.smallSettings());
    SparkTestContext.stop();
    SparkConf conf = SparkTestContext.conf("local-cluster[2,1,1024]", "poevi-local-cluster-test")
        // Each worker of local-cluster[2,1,1024] offers 1024 MB; Spark's default executor asks
        // for exactly that, which the master reports as more than any worker has.
        .set("spark.executor.memory", "512m")
        // Executors see this JVM's classpath (Spark's jars and ours; same machine).
        .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .set("spark.executor.extraJavaOptions", String.join(" ", SparkTestContext.OPENS));
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      FitResult spark = PoeFitter.fit(target, settings, new SparkScoreEvaluator(sc, target, 4),
          OjAlgoQpSolver.create(), PoeFitter.Progress.SILENT);
      assertArrayEquals(local.family().alpha(), spark.family().alpha());
      assertArrayEquals(local.draws().draws(), spark.draws().draws());
      assertArrayEquals(movingLocal.family().alpha(), PoeFitter.fit(target, moving,
          new SparkScoreEvaluator(sc, target, 3), OjAlgoQpSolver.create(),
          PoeFitter.Progress.SILENT).family().alpha(), "population");
      assertArrayEquals(underQLocal.family().alpha(), PoeFitter.fit(target, underQ,
          new SparkScoreEvaluator(sc, target, 3), OjAlgoQpSolver.create(),
          PoeFitter.Progress.SILENT).family().alpha(), "under q");
      // Rows generated and cached in the executor JVMs. These run without the Vector API module
      // (their options are the --add-opens only), so their exp/log take the scalar path: equal
      // bits to this JVM's vector path are part of what is checked.
      try (SparkRowData rows = SparkRowData.generate(sc, data, 3)) {
        FitResult dataSpark = DataParallelFitTest.fit(rows, DataParallelFitTest.smallSettings());
        assertArrayEquals(dataLocal.family().alpha(), dataSpark.family().alpha());
        assertArrayEquals(dataLocal.draws().draws(), dataSpark.draws().draws());
      }
      assertEquals(2, sc.sc().getExecutorMemoryStatus().size() - 1, "two executors");
    }
  }
}
