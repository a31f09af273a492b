package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.targets.BananaTarget;
import org.poevi.targets.Target;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.LogisticLikelihood;
import org.poevi.targets.glm.RowBlock;
import org.poevi.targets.glm.RowLikelihood;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * Failed tasks (a lost executor's, for instance) are retried by Spark, and lost cached rows are
 * rebuilt from their row indices; neither changes a result. Runs on {@code local[2,4]}: two cores,
 * up to four attempts per task.
 */
class RetryTest {
  /** Failed attempts so far (local mode: the tasks run in this JVM). */
  static final java.util.concurrent.atomic.AtomicInteger FAILURES =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Fails the first attempt of every task of partition 1, as a lost executor would. */
  static final class FlakyLikelihood implements RowLikelihood {
    private final LogisticLikelihood inner;

    FlakyLikelihood(int dim) {
      inner = new LogisticLikelihood(dim);
    }

    @Override
    public Workspace workspace() {
      return inner.workspace();
    }

    @Override
    public void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace) {
      TaskContext task = TaskContext.get();
      if (task != null && task.partitionId() == 1 && task.attemptNumber() == 0) {
        FAILURES.incrementAndGet();
        throw new IllegalStateException("simulated executor loss");
      }
      inner.add(block, points, n, out, workspace);
    }
  }

  /** A banana whose evaluations fail on the first attempt of partition 0's tasks. */
  static final class FlakyBanana implements Target {
    private final BananaTarget inner = BananaTarget.of(2);

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public String name() {
      return "flaky banana";
    }

    @Override
    public double logDensity(double[] z, double[] gradient) {
      TaskContext task = TaskContext.get();
      if (task != null && task.partitionId() == 0 && task.attemptNumber() == 0) {
        FAILURES.incrementAndGet();
        throw new IllegalStateException("simulated executor loss");
      }
      return inner.logDensity(z, gradient);
    }
  }

  @Test
  void retriedTasksAndRebuiltRowsGiveTheSameResults() {
    SparkTestContext.stop();
    try (JavaSparkContext sc = new JavaSparkContext(SparkTestContext.conf("local[2,4]",
        "poevi-retry-test"))) {
      // The failures are expected: keep Spark from logging them meanwhile.
      sc.setLogLevel("OFF");
      SyntheticLogisticData data = new SyntheticLogisticData(
          5 * SyntheticLogisticData.BLOCK_ROWS, 3, true, 6);
      int n = 40;
      double[] z = new double[n * data.columns()];
      Random rng = new Random(2);
      for (int i = 0; i < z.length; i++) {
        z[i] = 0.5 * rng.nextGaussian();
      }
      double[] expected = InMemoryRowData.of(data, 2).sums(
          new LogisticLikelihood(data.columns()), z, n);
      SparkRowData rows = SparkRowData.generate(sc, data, 3);
      int before = FAILURES.get();
      assertArrayEquals(expected, rows.sums(new FlakyLikelihood(data.columns()), z, n), 0.0);
      assertTrue(FAILURES.get() > before, "a task failed and was retried");
      // The cached rows dropped (as with a lost executor's blocks): rebuilt from the row indices.
      rows.close();
      assertArrayEquals(expected, rows.sums(new LogisticLikelihood(data.columns()), z, n), 0.0);

      BananaTarget banana = BananaTarget.of(2);
      int m = 700;
      double[] points = new double[m * 2];
      for (int i = 0; i < points.length; i++) {
        points[i] = 2 * rng.nextGaussian();
      }
      double[] logP = new double[m];
      double[] scores = new double[m * 2];
      new LocalScoreEvaluator(banana, 2).evaluate(points, m, logP, scores);
      double[] logP2 = new double[m];
      double[] scores2 = new double[m * 2];
      before = FAILURES.get();
      new SparkScoreEvaluator(sc, new FlakyBanana(), 3).evaluate(points, m, logP2, scores2);
      assertTrue(FAILURES.get() > before, "a task failed and was retried");
      assertArrayEquals(logP, logP2, 0.0);
      assertArrayEquals(scores, scores2, 0.0);
    }
  }
}
