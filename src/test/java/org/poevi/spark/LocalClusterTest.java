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
import org.poevi.fit.OjAlgoQpSolver;
import org.poevi.fit.PoeFitter;
import org.poevi.target.BananaTarget;

/**
 * A fit whose target evaluations and score sums run in two executor JVMs
 * ({@code local-cluster[2,1,1024]}): everything sent to them is really serialized, which local
 * mode does not check. It must give the local fit's α and draws exactly.
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
    SparkTestContext.stop();
    SparkConf conf = new SparkConf().setMaster("local-cluster[2,1,1024]")
        .setAppName("poevi-local-cluster-test")
        // Each worker of local-cluster[2,1,1024] offers 1024 MB; Spark's default executor asks
        // for exactly that, which the master reports as more than any worker has.
        .set("spark.executor.memory", "512m")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        // Executors see this JVM's classpath (Spark's jars and ours; same machine).
        .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .set("spark.executor.extraJavaOptions", String.join(" ", SparkTestContext.OPENS));
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      FitResult spark = PoeFitter.fit(target, settings, new SparkScoreEvaluator(sc, target, 4),
          OjAlgoQpSolver.create(), PoeFitter.Progress.SILENT);
      assertArrayEquals(local.family().alpha(), spark.family().alpha());
      assertArrayEquals(local.draws().draws(), spark.draws().draws());
      assertEquals(2, sc.sc().getExecutorMemoryStatus().size() - 1, "two executors");
    }
  }
}
