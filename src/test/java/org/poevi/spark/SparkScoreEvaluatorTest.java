package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.poevi.fit.FitResult;
import org.poevi.fit.FitSettings;
import org.poevi.fit.LocalScoreEvaluator;
import org.poevi.fit.PoeFitter;
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

  /** The QP's sums reduced on executors equal the local fold bit for bit, for any partitioning. */
  @Test
  void theSumsReducedOnExecutorsAreTheLocalSums() {
    UniformRandomProvider rng = RandomStreams.of(8).stream(1);
    int dim = 3;
    int k = 40;
    int n = 3000;
    java.util.List<org.poevi.family.Expert> experts = org.poevi.fit.RandomExperts.of(rng, dim, k);
    double[][] data = org.poevi.fit.RandomExperts.batch(rng, n, dim, 20);
    double[] z = data[0];
    double[] s = data[1];
    double[] logW = data[2];
    // The plain experts, and the same experts in a score metric (it travels with them).
    double[] metric = {2, 0.3, -0.1, 0.3, 1, 0.2, -0.1, 0.2, 0.5};
    for (java.util.List<org.poevi.family.Expert> basis : java.util.List.of(experts,
        org.poevi.family.ScoreBasis.of(experts, metric))) {
      org.poevi.fit.ScoreSums local = new LocalScoreEvaluator(SinhArcsinhTarget.of(dim), 2)
          .accumulate(basis, z, s, logW, n, dim, 2);
      for (int partitions : new int[] {1, 3, 8}) {
        org.poevi.fit.ScoreSums spark = new SparkScoreEvaluator(SparkTestContext.get(),
            SinhArcsinhTarget.of(dim), partitions).accumulate(basis, z, s, logW, n, dim, 2);
        String what = partitions + " parts, " + basis.getClass().getSimpleName();
        assertArrayEquals(local.normalizedGram(), spark.normalizedGram(), what);
        assertArrayEquals(local.normalizedCross(), spark.normalizedCross(), what);
        assertEquals(local.effectiveSampleSize(), spark.effectiveSampleSize());
        assertEquals(local.count(), spark.count());
      }
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
   * own blocks) equals the local draw, evaluation and fold bit for bit, for any partitioning.
   */
  @Test
  void anUnderQBatchDrawnOnExecutorsIsTheLocalBatch() {
    UniformRandomProvider rng = RandomStreams.of(9).stream(1);
    int dim = 3;
    java.util.List<org.poevi.family.Expert> experts = org.poevi.fit.RandomExperts.of(rng, dim,
        12);
    double[] alpha = new double[12];
    java.util.Arrays.fill(alpha, 0.4);
    SinhArcsinhTarget target = SinhArcsinhTarget.of(dim);
    RandomStreams streams = RandomStreams.of(4);
    int n = 1100; // 5 sampler blocks, the last partial; accumulation blocks of 256 too
    org.poevi.fit.ScoreEvaluator.WeightedSums local = new LocalScoreEvaluator(target, 2)
        .drawEvaluateAccumulate(experts, alpha, streams, 3, n, 2);
    for (int partitions : new int[] {1, 3, 8}) {
      org.poevi.fit.ScoreEvaluator.WeightedSums spark = new SparkScoreEvaluator(
          SparkTestContext.get(), target, partitions).drawEvaluateAccumulate(experts, alpha,
          streams, 3, n, 2);
      assertArrayEquals(local.logWeights(), spark.logWeights(), partitions + " parts");
      assertArrayEquals(local.sums().normalizedGram(), spark.sums().normalizedGram(),
          partitions + " parts");
      assertArrayEquals(local.sums().normalizedCross(), spark.sums().normalizedCross(),
          partitions + " parts");
      assertEquals(local.sums().count(), spark.sums().count());
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
    assertEquals(131, org.poevi.fit.ScoreAccumulation.blockSize(dim, k));
    UniformRandomProvider rng = RandomStreams.of(21).stream(1);
    java.util.List<org.poevi.family.Expert> experts = org.poevi.fit.RandomExperts.of(rng, dim, k);
    double[] alpha = new double[k];
    java.util.Arrays.fill(alpha, 0.2);
    SinhArcsinhTarget target = SinhArcsinhTarget.of(dim);
    double[] scatter = new double[dim * dim];
    for (int d = 0; d < dim; d++) {
      scatter[d * dim + d] = 1;
    }
    org.poevi.math.MultivariateT proposal = org.poevi.math.MultivariateT.of(new double[dim],
        scatter, 5);
    org.poevi.fit.MalaKernel kernel = org.poevi.fit.MalaKernel.of(dim, scatter, 0.3);
    RandomStreams streams = RandomStreams.of(6);
    LocalScoreEvaluator local = new LocalScoreEvaluator(target, 2);
    for (int n : new int[] {257, 600}) {
      org.poevi.fit.ScoreEvaluator.WeightedSums q = local.drawEvaluateAccumulate(experts, alpha,
          streams, 2, n, 2);
      org.poevi.fit.ScoreEvaluator.WeightedSums is = local.importanceAccumulate(proposal,
          streams, 2, n, experts, w -> scale(w, 0.5), 2);
      // Weights left as drawn (tau = 1): Spark takes the sums its first job folded.
      org.poevi.fit.ScoreEvaluator.WeightedSums plain = local.importanceAccumulate(proposal,
          streams, 3, n, experts, w -> { }, 2);
      double[] z = new double[n * dim];
      for (int b = 0; b * 256 < n; b++) {
        org.poevi.fit.ScoreEvaluator.drawProposalBlock(proposal, streams, 9, b, n, z, 0);
      }
      double[] logP = new double[n];
      double[] scores = new double[n * dim];
      local.evaluate(z, n, logP, scores);
      double[][] moved = {z.clone(), logP.clone(), scores.clone()};
      org.poevi.fit.ScoreEvaluator.MovedSums mv = local.moveAndAccumulate(kernel, streams, 4, 3,
          experts, moved[0], moved[1], moved[2], n, 2);
      for (int partitions : new int[] {2, 3, 7}) {
        String what = "n = " + n + ", " + partitions + " partitions";
        SparkScoreEvaluator spark = new SparkScoreEvaluator(SparkTestContext.get(), target,
            partitions);
        assertSameSums(q, spark.drawEvaluateAccumulate(experts, alpha, streams, 2, n, 2), what);
        assertSameSums(is, spark.importanceAccumulate(proposal, streams, 2, n, experts,
            w -> scale(w, 0.5), 2), what);
        assertSameSums(plain, spark.importanceAccumulate(proposal, streams, 3, n, experts,
            w -> { }, 2), what + ", untempered");
        double[][] chains = {z.clone(), logP.clone(), scores.clone()};
        org.poevi.fit.ScoreEvaluator.MovedSums smv = spark.moveAndAccumulate(kernel, streams, 4,
            3, experts, chains[0], chains[1], chains[2], n, 2);
        assertArrayEquals(mv.accepted(), smv.accepted(), what);
        assertEquals(mv.movedChains(), smv.movedChains(), what);
        assertTrue(mv.movedChains() > 0, what);
        assertArrayEquals(mv.sums().normalizedGram(), smv.sums().normalizedGram(), what);
        for (int c = 0; c < 3; c++) {
          assertArrayEquals(moved[c], chains[c], what);
        }
        // n (under q) + 2 n (importance) + 3 steps · n (moves), as on one JVM.
        assertEquals(6L * n, spark.evaluations(), what);
      }
    }
    assertTrue(SparkTestContext.get().getPersistentRDDs().isEmpty(), "nothing left cached");
  }

  /** An empty batch is the local empty batch (no job over zero blocks). */
  @Test
  void anEmptyBatchIsTheLocalEmptyBatch() {
    UniformRandomProvider rng = RandomStreams.of(8).stream(1);
    java.util.List<org.poevi.family.Expert> experts = org.poevi.fit.RandomExperts.of(rng, 2, 4);
    double[] alpha = {0.5, 0.5, 0.5, 0.5};
    double[] identity = {1, 0, 0, 1};
    org.poevi.math.MultivariateT proposal = org.poevi.math.MultivariateT.of(new double[2],
        identity, 5);
    SinhArcsinhTarget target = SinhArcsinhTarget.of(2);
    LocalScoreEvaluator local = new LocalScoreEvaluator(target, 2);
    SparkScoreEvaluator spark = new SparkScoreEvaluator(SparkTestContext.get(), target, 3);
    RandomStreams streams = RandomStreams.of(2);
    assertSameSums(local.drawEvaluateAccumulate(experts, alpha, streams, 1, 0, 2),
        spark.drawEvaluateAccumulate(experts, alpha, streams, 1, 0, 2), "under q");
    assertSameSums(local.importanceAccumulate(proposal, streams, 1, 0, experts, w -> { }, 2),
        spark.importanceAccumulate(proposal, streams, 1, 0, experts, w -> { }, 2),
        "importance");
    org.poevi.fit.MalaKernel kernel = org.poevi.fit.MalaKernel.of(2, identity, 0.3);
    org.poevi.fit.ScoreEvaluator.MovedSums moved = spark.moveAndAccumulate(kernel, streams, 1, 2,
        experts, new double[0], new double[0], new double[0], 0, 2);
    assertEquals(0, moved.movedChains());
    assertEquals(0, moved.sums().count());
    assertEquals(0, spark.evaluations());
  }

  private static void scale(double[] w, double f) {
    for (int i = 0; i < w.length; i++) {
      w[i] *= f;
    }
  }

  private static void assertSameSums(org.poevi.fit.ScoreEvaluator.WeightedSums expected,
      org.poevi.fit.ScoreEvaluator.WeightedSums actual, String what) {
    assertArrayEquals(expected.logWeights(), actual.logWeights(), what);
    assertArrayEquals(expected.sums().normalizedGram(), actual.sums().normalizedGram(), what);
    assertArrayEquals(expected.sums().normalizedCross(), actual.sums().normalizedCross(), what);
    assertEquals(expected.sums().effectiveSampleSize(), actual.sums().effectiveSampleSize(),
        what);
    assertEquals(expected.sums().count(), actual.sums().count(), what);
  }

  /** A whole under-q fit on Spark is the local fit, with one Spark job per iteration. */
  @Test
  void anUnderQFitRunsOneJobPerIteration() throws java.util.concurrent.TimeoutException {
    BananaTarget target = BananaTarget.of(2);
    FitSettings settings = FitSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(2000)
        .modeStarts(4).locations(8).iterations(3).batchSize(600).outputDraws(1000)
        .objective(org.poevi.fit.Objective.UNDER_Q).build();
    FitResult local = PoeFitter.fit(target, settings, new LocalScoreEvaluator(target, 2),
        OjAlgoQpSolver.create(), PoeFitter.Progress.SILENT);
    java.util.Map<String, Integer> jobs = new java.util.concurrent.ConcurrentHashMap<>();
    FitResult spark = countingJobs(() -> PoeFitter.fit(target, settings,
        new SparkScoreEvaluator(SparkTestContext.get(), target, 3), OjAlgoQpSolver.create(),
        PoeFitter.Progress.SILENT), jobs);
    assertArrayEquals(local.family().alpha(), spark.family().alpha());
    assertArrayEquals(local.draws().draws(), spark.draws().draws());
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
    FitSettings settings = FitSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(2000)
        .modeStarts(4).locations(8).iterations(3).batchSize(600).outputDraws(1000)
        .population(org.poevi.fit.PopulationMode.ALWAYS).moveBurnIn(10).build();
    FitResult local = PoeFitter.fit(target, settings, new LocalScoreEvaluator(target, 2),
        OjAlgoQpSolver.create(), PoeFitter.Progress.SILENT);
    assertTrue(local.trace().stream().allMatch(r -> r.acceptance() > 0), "chains moved");
    for (int partitions : new int[] {1, 3, 8}) {
      java.util.Map<String, Integer> jobs = new java.util.concurrent.ConcurrentHashMap<>();
      int parts = partitions;
      FitResult spark = countingJobs(() -> PoeFitter.fit(target, settings,
          new SparkScoreEvaluator(SparkTestContext.get(), target, parts), OjAlgoQpSolver.create(),
          PoeFitter.Progress.SILENT), jobs);
      assertArrayEquals(local.family().alpha(), spark.family().alpha(), partitions + " parts");
      assertArrayEquals(local.draws().draws(), spark.draws().draws(), partitions + " parts");
      for (int i = 0; i < local.trace().size(); i++) {
        assertEquals(local.trace().get(i).acceptance(), spark.trace().get(i).acceptance());
        assertEquals(local.trace().get(i).unmovedFraction(),
            spark.trace().get(i).unmovedFraction());
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
          () -> spark.drawEvaluateAccumulate(experts, alpha, RandomStreams.of(1), 1, 700, 2),
          () -> spark.importanceAccumulate(org.poevi.math.MultivariateT.of(new double[2],
              identity, 5), RandomStreams.of(1), 1, 700, experts, w -> { }, 2))) {
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
    FitSettings settings = FitSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(2000)
        .modeStarts(4).locations(8).iterations(3).batchSize(600).outputDraws(1000).build();
    FitResult local = PoeFitter.fit(target, settings, new LocalScoreEvaluator(target, 2),
        OjAlgoQpSolver.create(), PoeFitter.Progress.SILENT);
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
    FitResult spark;
    try {
      spark = PoeFitter.fit(target, settings, new SparkScoreEvaluator(SparkTestContext.get(),
          target, 3), OjAlgoQpSolver.create(), PoeFitter.Progress.SILENT);
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
    assertArrayEquals(local.draws().draws(), spark.draws().draws());
    assertEquals(local.scoreEvaluations(), spark.scoreEvaluations());
  }

  /** Runs a fit and counts its Spark jobs per iteration (by job description). */
  private static FitResult countingJobs(java.util.function.Supplier<FitResult> fit,
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
      FitResult result = fit.get();
      // The listener bus delivers events asynchronously: drain it before looking.
      SparkTestContext.get().sc().listenerBus().waitUntilEmpty();
      return result;
    } finally {
      SparkTestContext.get().sc().removeSparkListener(listener);
    }
  }
}
