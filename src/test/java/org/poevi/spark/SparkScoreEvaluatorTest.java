package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.Expert;
import org.poevi.family.ScoreBasis;
import org.poevi.fit.Chains;
import org.poevi.fit.ImportanceTask;
import org.poevi.fit.MalaKernel;
import org.poevi.fit.MoveTask;
import org.poevi.fit.PoeFitter;
import org.poevi.fit.PoeResult;
import org.poevi.fit.PoeSettings;
import org.poevi.fit.Progress;
import org.poevi.fit.QBatchTask;
import org.poevi.fit.RandomExperts;
import org.poevi.fit.ScoreAccumulation;
import org.poevi.fit.ScoreSums;
import org.poevi.fit.UnderQSettings;
import org.poevi.fit.WeightedSums;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.qp.OjAlgoQpSolver;
import org.poevi.targets.BananaTarget;
import org.poevi.targets.SinhArcsinhTarget;
import org.poevi.targets.Target;
import org.poevi.targets.TargetEvaluationException;

/** The Spark evaluator against the local one: equal bit for bit, however the work is split. */
class SparkScoreEvaluatorTest {
  private static double[] draws(SinhArcsinhTarget target, int n) {
    UniformRandomProvider rng = RandomStreams.of(5).stream(1);
    double[] z = new double[n * target.dim()];
    for (int i = 0; i < n; i++) {
      target.sample(rng, z, i * target.dim());
    }
    return z;
  }

  @Test
  void equalsTheLocalEvaluatorForAnyNumberOfPartitions() {
    SinhArcsinhTarget target = SinhArcsinhTarget.of(10);
    int n = 1000;
    double[] z = draws(target, n);
    double[] localLogP = new double[n];
    double[] localScores = new double[n * 10];
    new LocalScoreEvaluator(target, 2).evaluate(z, n, localLogP, localScores);
    for (int partitions : new int[] {1, 3, 8}) {
      SparkScoreEvaluator spark = new SparkScoreEvaluator(SparkTestContext.get(), target,
          partitions);
      double[] logP = new double[n];
      double[] scores = new double[n * 10];
      spark.evaluate(z, n, logP, scores);
      assertArrayEquals(localLogP, logP, partitions + " partitions");
      assertArrayEquals(localScores, scores, partitions + " partitions");
      assertEquals(n, spark.evaluations());
    }
  }

  /**
   * A banana whose gradient is not finite where z₀ exceeds a threshold (serializable: it goes to
   * executors).
   */
  private static final class Failing implements Target {
    private static final long serialVersionUID = 1L;
    private final BananaTarget banana = BananaTarget.of(2);
    private final String name;
    private final double threshold;

    Failing(String name, double threshold) {
      this.name = name;
      this.threshold = threshold;
    }

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public double logDensity(double[] z, double[] gradient) {
      double v = banana.logDensity(z, gradient);
      if (z[0] > threshold) {
        gradient[1] = Double.NaN;
      }
      return v;
    }
  }

  /**
   * An under-q batch drawn, evaluated and folded on the executors (one job; each task draws its
   * own blocks) equals the local draw, evaluation and fold bit for bit, for any partitioning,
   * with the plain experts and with the experts in a score metric (it travels with them).
   */
  @Test
  void anUnderQBatchDrawnOnExecutorsIsTheLocalBatch() {
    UniformRandomProvider rng = RandomStreams.of(9).stream(1);
    int dim = 3;
    List<Expert> experts = RandomExperts.of(rng, dim, 12);
    double[] metric = {2, 0.3, -0.1, 0.3, 1, 0.2, -0.1, 0.2, 0.5};
    double[] alpha = new double[12];
    Arrays.fill(alpha, 0.4);
    SinhArcsinhTarget target = SinhArcsinhTarget.of(dim);
    RandomStreams streams = RandomStreams.of(4);
    int n = 1100; // 5 sampler blocks, the last partial; accumulation blocks of 256 too
    for (List<Expert> basis : List.of(experts, ScoreBasis.of(experts, metric))) {
      WeightedSums local = QBatchTask.run(new LocalScoreEvaluator(target, 2), basis, alpha,
          streams, 3, n);
      for (int partitions : new int[] {1, 3, 8}) {
        String what = partitions + " parts, " + basis.getClass().getSimpleName();
        assertSameSums(local, QBatchTask.run(new SparkScoreEvaluator(SparkTestContext.get(),
            target, partitions), basis, alpha, streams, 3, n), what);
      }
    }
  }

  /**
   * The one-job iterations where blocks do not line up: accumulation blocks of 131 points (D = 40,
   * K = 200) against sampler, proposal and MALA blocks of 256, so tasks draw or move edge blocks
   * that another task also draws or moves, and count only their own chains. Spark equals local
   * bit for bit for every n and partitioning, and leaves nothing cached.
   */
  @Test
  void misalignedBlocksGiveTheLocalResults() {
    int dim = 40;
    int k = 200;
    assertEquals(131, ScoreAccumulation.blockSize(dim, k));
    UniformRandomProvider rng = RandomStreams.of(21).stream(1);
    List<Expert> experts = RandomExperts.of(rng, dim, k);
    double[] alpha = new double[k];
    Arrays.fill(alpha, 0.2);
    SinhArcsinhTarget target = SinhArcsinhTarget.of(dim);
    double[] scatter = new double[dim * dim];
    for (int d = 0; d < dim; d++) {
      scatter[d * dim + d] = 1;
    }
    MultivariateT proposal = MultivariateT.of(new double[dim], scatter, 5);
    MalaKernel kernel = MalaKernel.of(dim, scatter, 0.3);
    RandomStreams streams = RandomStreams.of(6);
    LocalScoreEvaluator local = new LocalScoreEvaluator(target, 2);
    for (int n : new int[] {257, 600}) {
      WeightedSums q = QBatchTask.run(local, experts, alpha, streams, 2, n);
      ImportanceTask.Weighted is = ImportanceTask.run(local, proposal, experts, streams, 2, n,
          w -> scale(w, 0.5), 2);
      // Weights left as drawn (tau = 1): Spark takes the sums its first job folded.
      ImportanceTask.Weighted plain = ImportanceTask.run(local, proposal, experts, streams, 3,
          n, w -> 1, 2);
      double[] z = new double[n * dim];
      ImportanceTask.drawBatch(proposal, streams, 9, n, z, 1);
      double[] logP = new double[n];
      double[] scores = new double[n * dim];
      local.evaluate(z, n, logP, scores);
      Chains chains = new Chains(z, logP, scores, dim);
      MoveTask.Moved mv = MoveTask.moveAndSum(local, kernel, chains, experts, streams, 4, 3);
      for (int partitions : new int[] {2, 3, 7}) {
        String what = "n = " + n + ", " + partitions + " partitions";
        SparkScoreEvaluator spark = new SparkScoreEvaluator(SparkTestContext.get(), target,
            partitions);
        assertSameSums(q, QBatchTask.run(spark, experts, alpha, streams, 2, n), what);
        assertSameSums(is, ImportanceTask.run(spark, proposal, experts, streams, 2, n,
            w -> scale(w, 0.5), 2), what);
        assertSameSums(plain, ImportanceTask.run(spark, proposal, experts, streams, 3, n,
            w -> 1, 2), what + ", untempered");
        // Points brought back to be recorded (Trajectory): the local points, the same sums.
        ImportanceTask.Weighted kept = ImportanceTask.run(spark, proposal, experts, streams, 2,
            n, w -> scale(w, 0.5), 2, true);
        assertSameSums(is, kept, what + ", points brought back");
        assertArrayEquals(is.drawn().z(), kept.drawn().z(), what);
        assertArrayEquals(is.drawn().logWeights(), kept.drawn().logWeights(), what);
        assertArrayEquals(is.drawn().scores(), kept.drawn().scores(), what);
        assertArrayEquals(is.logWeights(), kept.logWeights(), what);
        MoveTask.Moved smv = MoveTask.moveAndSum(spark, kernel, chains, experts, streams, 4, 3);
        assertArrayEquals(mv.accepted(), smv.accepted(), what);
        assertEquals(mv.movedChains(), smv.movedChains(), what);
        assertTrue(mv.movedChains() > 0, what);
        assertArrayEquals(mv.sums().normalizedGram(), smv.sums().normalizedGram(), what);
        assertArrayEquals(mv.chains().z(), smv.chains().z(), what);
        assertArrayEquals(mv.chains().logP(), smv.chains().logP(), what);
        assertArrayEquals(mv.chains().scores(), smv.chains().scores(), what);
        // n (under q) + 3 n (importance) + 3 steps · n (moves), as on one JVM.
        assertEquals(7L * n, spark.evaluations(), what);
      }
    }
    assertTrue(SparkTestContext.get().getPersistentRDDs().isEmpty(), "nothing left cached");
  }

  /** An empty batch is the local empty batch (no job over zero blocks). */
  @Test
  void anEmptyBatchIsTheLocalEmptyBatch() {
    UniformRandomProvider rng = RandomStreams.of(8).stream(1);
    List<Expert> experts = RandomExperts.of(rng, 2, 4);
    double[] alpha = {0.5, 0.5, 0.5, 0.5};
    double[] identity = {1, 0, 0, 1};
    MultivariateT proposal = MultivariateT.of(new double[2], identity, 5);
    SinhArcsinhTarget target = SinhArcsinhTarget.of(2);
    LocalScoreEvaluator local = new LocalScoreEvaluator(target, 2);
    SparkScoreEvaluator spark = new SparkScoreEvaluator(SparkTestContext.get(), target, 3);
    RandomStreams streams = RandomStreams.of(2);
    assertSameSums(QBatchTask.run(local, experts, alpha, streams, 1, 0),
        QBatchTask.run(spark, experts, alpha, streams, 1, 0), "under q");
    assertSameSums(ImportanceTask.run(local, proposal, experts, streams, 1, 0, w -> 1, 2),
        ImportanceTask.run(spark, proposal, experts, streams, 1, 0, w -> 1, 2), "importance");
    MalaKernel kernel = MalaKernel.of(2, identity, 0.3);
    MoveTask.Moved moved = MoveTask.moveAndSum(spark, kernel, new Chains(new double[0],
        new double[0], new double[0], 2), experts, streams, 1, 2);
    assertEquals(0, moved.movedChains());
    assertEquals(0, moved.sums().count());
    assertEquals(0, spark.evaluations());
  }

  /** Tempers the log weights by f (in place) and returns f. */
  private static double scale(double[] w, double f) {
    for (int i = 0; i < w.length; i++) {
      w[i] *= f;
    }
    return f;
  }

  private static void assertSameSums(WeightedSums expected, WeightedSums actual, String what) {
    assertSameSums(expected.sums(), expected.logWeights(), actual.sums(), actual.logWeights(),
        what);
  }

  private static void assertSameSums(ImportanceTask.Weighted expected,
      ImportanceTask.Weighted actual, String what) {
    assertSameSums(expected.sums(), expected.logWeights(), actual.sums(), actual.logWeights(),
        what);
    assertEquals(expected.tempering(), actual.tempering(), what);
  }

  private static void assertSameSums(ScoreSums expected, double[] expectedLogWeights,
      ScoreSums actual, double[] actualLogWeights, String what) {
    assertArrayEquals(expectedLogWeights, actualLogWeights, what);
    assertArrayEquals(expected.normalizedGram(), actual.normalizedGram(), what);
    assertArrayEquals(expected.normalizedCross(), actual.normalizedCross(), what);
    assertEquals(expected.effectiveSampleSize(), actual.effectiveSampleSize(), what);
    assertEquals(expected.count(), actual.count(), what);
  }

  /** A whole under-q fit on Spark is the local fit, with one Spark job per iteration. */
  @Test
  void anUnderQFitRunsOneJobPerIteration() throws java.util.concurrent.TimeoutException {
    BananaTarget target = BananaTarget.of(2);
    PoeSettings settings = PoeSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(2000)
        .modeStarts(4).locations(8).iterations(3).batchSize(600).outputDraws(1000)
        .objective(UnderQSettings.defaults()).build();
    PoeResult local = new PoeFitter(settings, OjAlgoQpSolver.create()).fit(target, new LocalScoreEvaluator(target, 2), Progress.SILENT);
    java.util.Map<String, Integer> jobs = new java.util.concurrent.ConcurrentHashMap<>();
    PoeResult spark = countingJobs(() -> new PoeFitter(settings, OjAlgoQpSolver.create()).fit(target, new SparkScoreEvaluator(SparkTestContext.get(), target, 3), Progress.SILENT), jobs);
    assertArrayEquals(local.family().alpha(), spark.family().alpha());
    assertArrayEquals(local.finish().draws().draws(), spark.finish().draws().draws());
    assertEquals(local.trace().size(), jobs.size(), jobs.toString());
    jobs.forEach((iteration, count) -> assertEquals(1, count, iteration));
  }

  /**
   * Under p with a MALA population: fits on Spark with any partitioning are the local fit, and
   * each iteration (moves and sums) is one Spark job, the chains moved where they are evaluated.
   */
  @Test
  void aPopulationFitMovesChainsOnExecutorsInOneJobPerIteration()
      throws java.util.concurrent.TimeoutException {
    BananaTarget target = BananaTarget.of(2);
    // One α-fit: experts.axes = auto would fit α a second time, in jobs of its own names.
    PoeSettings settings = PoeSettings.builder().experts(org.poevi.fit.ExpertPool.Settings
        .defaults().withAxes(org.poevi.fit.AxisMode.NEVER)).threads(2).gaussianRounds(2)
        .gaussianDraws(2000).modeStarts(4).locations(8).iterations(3).batchSize(600)
        .outputDraws(1000).population(org.poevi.fit.PopulationMode.ALWAYS).moveBurnIn(10).build();
    PoeResult local = new PoeFitter(settings, OjAlgoQpSolver.create()).fit(target, new LocalScoreEvaluator(target, 2), Progress.SILENT);
    assertTrue(local.trace().stream().allMatch(r -> r.batch().acceptance() > 0), "chains moved");
    for (int partitions : new int[] {1, 3, 8}) {
      java.util.Map<String, Integer> jobs = new java.util.concurrent.ConcurrentHashMap<>();
      int parts = partitions;
      PoeResult spark = countingJobs(() -> new PoeFitter(settings, OjAlgoQpSolver.create()).fit(target, new SparkScoreEvaluator(SparkTestContext.get(), target, parts), Progress.SILENT), jobs);
      assertArrayEquals(local.family().alpha(), spark.family().alpha(), partitions + " parts");
      assertArrayEquals(local.finish().draws().draws(), spark.finish().draws().draws(), partitions + " parts");
      for (int i = 0; i < local.trace().size(); i++) {
        assertEquals(local.trace().get(i).batch(), spark.trace().get(i).batch());
      }
      assertEquals(local.scoreEvaluations(), spark.scoreEvaluations());
      assertEquals(local.trace().size(), jobs.size(), jobs.toString());
      jobs.forEach((iteration, count) -> assertEquals(1, count, iteration));
    }
  }

  /** In the one-job iterations too, a target failure is one line naming the sample. */
  @Test
  void aTargetFailureInTheDrawingJobsIsOneLineAndLeavesNothingCached() {
    UniformRandomProvider rng = RandomStreams.of(3).stream(1);
    java.util.List<org.poevi.family.Expert> experts = org.poevi.fit.RandomExperts.of(rng, 2, 6);
    double[] alpha = new double[6];
    java.util.Arrays.fill(alpha, 0.5);
    double[] identity = {1, 0, 0, 1};
    // One partition: the failing task is the job's only one, so no other task of the failed job
    // is still running (and logging its own failure) when the log level is restored.
    SparkScoreEvaluator spark = new SparkScoreEvaluator(SparkTestContext.get(),
        new Failing("half-failing", 0), 1);
    SparkTestContext.get().setLogLevel("OFF");
    try {
      for (org.junit.jupiter.api.function.Executable call : java.util.List.<
          org.junit.jupiter.api.function.Executable>of(
          () -> QBatchTask.run(spark, experts, alpha, RandomStreams.of(1), 1, 700),
          () -> ImportanceTask.run(spark, MultivariateT.of(new double[2], identity, 5),
              experts, RandomStreams.of(1), 1, 700, w -> 1, 2))) {
        TargetEvaluationException e = assertThrows(TargetEvaluationException.class, call);
        assertTrue(e.getMessage().startsWith("target half-failing returned a non-finite"
            + " gradient") && e.getMessage().contains(" at sample "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
      }
    } finally {
      SparkTestContext.get().setLogLevel("WARN");
    }
    assertTrue(SparkTestContext.get().getPersistentRDDs().isEmpty(), "nothing left cached");
  }

  @Test
  void aTargetFailureOnAnExecutorIsOneLineNamingTheSample() {
    int n = 600;
    double[] z = new double[n * 2];
    z[517 * 2] = 2e9;
    // The failure is expected: keep Spark from logging it (executor error, lost task) meanwhile.
    SparkTestContext.get().setLogLevel("OFF");
    TargetEvaluationException e;
    try {
      e = assertThrows(TargetEvaluationException.class,
          () -> new SparkScoreEvaluator(SparkTestContext.get(), new Failing("failing", 1e9), 3)
              .evaluate(z, n, new double[n], new double[n * 2]));
    } finally {
      SparkTestContext.get().setLogLevel("WARN");
    }
    assertTrue(e.getMessage().contains("target failing") && e.getMessage().contains("sample 517"),
        e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  /** A whole fit with the target evaluated on Spark gives the local fit's α and draws exactly. */
  @Test
  void aFitOnSparkIsTheLocalFit() throws java.util.concurrent.TimeoutException {
    BananaTarget target = BananaTarget.of(2);
    PoeSettings settings = PoeSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(2000)
        .modeStarts(4).locations(8).iterations(3).batchSize(600).outputDraws(1000).build();
    PoeResult local = new PoeFitter(settings, OjAlgoQpSolver.create()).fit(target, new LocalScoreEvaluator(target, 2), Progress.SILENT);
    java.util.Set<String> descriptions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    org.apache.spark.scheduler.SparkListener listener =
        new org.apache.spark.scheduler.SparkListener() {
          @Override
          public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
            String d = job.properties().getProperty("spark.job.description");
            if (d != null) {
              descriptions.add(d);
            }
          }
        };
    SparkTestContext.get().sc().addSparkListener(listener);
    PoeResult spark;
    try {
      spark = new PoeFitter(settings, OjAlgoQpSolver.create()).fit(target, new SparkScoreEvaluator(SparkTestContext.get(),
          target, 3), Progress.SILENT);
      // Jobs are named after the fit's stage and iteration (the Spark UI shows progress). The
      // listener bus delivers events asynchronously: drain it before looking (Spark's own tests
      // do the same; the method is Scala package-private, public to Java).
      SparkTestContext.get().sc().listenerBus().waitUntilEmpty();
    } finally {
      SparkTestContext.get().sc().removeSparkListener(listener);
    }
    assertTrue(descriptions.stream().anyMatch(d -> d.startsWith("poevi iteration 3 (under p):")
        && d.contains("score sums")), descriptions.toString());
    assertTrue(descriptions.stream().anyMatch(d -> d.startsWith("poevi preliminary Gaussian")),
        descriptions.toString());
    assertArrayEquals(local.family().alpha(), spark.family().alpha());
    assertArrayEquals(local.finish().draws().draws(), spark.finish().draws().draws());
    assertEquals(local.scoreEvaluations(), spark.scoreEvaluations());
  }

  /** Runs a fit and counts its Spark jobs per iteration (by job description). */
  private static PoeResult countingJobs(java.util.function.Supplier<PoeResult> fit,
      java.util.Map<String, Integer> jobs) throws java.util.concurrent.TimeoutException {
    org.apache.spark.scheduler.SparkListener listener =
        new org.apache.spark.scheduler.SparkListener() {
          @Override
          public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
            String d = job.properties().getProperty("spark.job.description");
            if (d != null && d.startsWith("poevi iteration ")) {
              jobs.merge(d.substring(0, d.indexOf(':')), 1, Integer::sum);
            }
          }
        };
    SparkTestContext.get().sc().addSparkListener(listener);
    try {
      PoeResult result = fit.get();
      // The listener bus delivers events asynchronously: drain it before looking.
      SparkTestContext.get().sc().listenerBus().waitUntilEmpty();
      return result;
    } finally {
      SparkTestContext.get().sc().removeSparkListener(listener);
    }
  }
}
