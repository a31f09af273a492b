package org.poevi.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.Expert;
import org.poevi.fit.Chains;
import org.poevi.fit.ImportanceTask;
import org.poevi.fit.MoveTask;
import org.poevi.fit.QBatchTask;
import org.poevi.fit.RandomExperts;
import org.poevi.math.RandomStreams;
import org.poevi.spark.SparkScoreEvaluator;
import org.poevi.targets.SinhArcsinhTarget;

/**
 * Issue #4's Spark overhead: one under-p iteration's distributed work with importance weights
 * (draws of the proposal, the target's log density and scores at B points, then the QP's sums
 * over K experts: {@code iteration}, and {@code temperedIteration} when the driver tempers the
 * weights), one on a MALA population's ({@code populationIteration}) and one under-q
 * iteration's ({@code underQIteration}), with the local
 * multi-threaded evaluator against the Spark evaluator in local[2], at B = 10⁴, K = 64, D = 10
 * (sinh-arcsinh).
 *
 * <pre>jobs/bench -f 3 -wi 6 -w 3s -i 5 -r 3s -p partitions=2 SparkOverheadBenchmark</pre>
 *
 * (Spark's own per-job code is still being compiled after 9 s, hence six warm-up iterations;
 * docs/benchmarks.md.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SparkOverheadBenchmark {
  private static final int B = 10_000;
  private static final int K = 64;
  private static final int D = 10;

  /**
   * local-threads: LocalScoreEvaluator, 2 threads; spark-local[2]: SparkScoreEvaluator;
   * spark-empty-jobs: the floor of this design, Spark jobs of empty tasks run as the evaluator
   * runs its jobs (one per iteration, two per tempered one).
   */
  @Param({"local-threads", "spark-local[2]", "spark-empty-jobs"})
  public String evaluator;

  /** Partitions of the Spark variants (2: the default, one per core of local[2]). */
  @Param({"2", "8"})
  public int partitions;

  private JavaSparkContext sc;
  private ScoreEvaluator eval;
  private List<Expert> experts;

  @Setup(Level.Trial)
  public void setUp() {
    SinhArcsinhTarget target = SinhArcsinhTarget.of(D);
    UniformRandomProvider rng = RandomStreams.of(1).stream(1);
    experts = RandomExperts.of(rng, D, K);
    if (evaluator.startsWith("spark")) {
      sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("bench")
          .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
          .set("spark.driver.bindAddress", "127.0.0.1"));
      sc.setLogLevel("WARN");
      eval = new SparkScoreEvaluator(sc, target, partitions);
      for (int i = 0; i < partitions; i++) {
        tasks.add(i);
      }
    } else {
      eval = new LocalScoreEvaluator(target, 2);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (sc != null) {
      sc.stop();
    }
  }

  private final List<Integer> tasks = new java.util.ArrayList<>();

  /** A job of empty tasks run the way the evaluator runs its jobs (PartitionJobs). */
  private Object emptyJob() {
    return org.poevi.spark.PartitionJobs.run(sc.parallelize(tasks, partitions), it -> 0);
  }

  private final double[] alpha = new double[K];
  /** The importance proposal: t₅ around the origin with scatter 2·I (sinh-arcsinh's scale). */
  private final org.poevi.math.MultivariateT proposal = org.poevi.math.MultivariateT.of(
      new double[D], identityTimes(2), 5);

  private static double[] identityTimes(double c) {
    double[] m = new double[D * D];
    for (int d = 0; d < D; d++) {
      m[d * D + d] = c;
    }
    return m;
  }

  /**
   * One under-q iteration's distributed work: B weighted draws of q (K experts, each α = 0.2,
   * Σα = 12.8), the target's scores there and the QP's sums: one Spark job, each task drawing its
   * own blocks; the floor is one empty job.
   */
  @Benchmark
  public Object underQIteration() {
    if (evaluator.equals("spark-empty-jobs")) {
      return emptyJob();
    }
    java.util.Arrays.fill(alpha, 0.2);
    return QBatchTask.run(eval, experts, alpha, RandomStreams.of(3), 1, B);
  }

  /**
   * One under-p iteration with importance weights left as drawn (tau = 1, the usual case): B draws
   * of a t proposal, the target's log density and scores there, the weights, then the QP's sums
   * (on Spark one job, the points never leaving the executors); the floor is one empty job.
   */
  @Benchmark
  public Object iteration() {
    if (evaluator.equals("spark-empty-jobs")) {
      return emptyJob();
    }
    return ImportanceTask.run(eval, proposal, experts, RandomStreams.of(3), 1, B, w -> 1, 2);
  }

  /** MALA steps per population iteration (fit.under-p.move-steps' default). */
  private static final int MOVE_STEPS = 5;
  /** The population's starting state (B chains: z, log p̃, scores); moves make new arrays. */
  private Chains population;
  private org.poevi.fit.MalaKernel kernel;

  @Setup(Level.Trial)
  public void setUpPopulation() {
    double[] z = new double[B * D];
    ImportanceTask.drawBatch(proposal, RandomStreams.of(5), 1, B, z, 1);
    double[] logP = new double[B];
    double[] scores = new double[B * D];
    new LocalScoreEvaluator(SinhArcsinhTarget.of(D), 2).evaluate(z, B, logP, scores);
    population = new Chains(z, logP, scores, D);
    kernel = org.poevi.fit.MalaKernel.of(D, identityTimes(1), 0.3);
  }

  /**
   * One under-p iteration on a MALA population: {@value #MOVE_STEPS} steps of B chains (the
   * target at every proposal), then the QP's sums with equal weights: one Spark job, each task
   * moving its own blocks of chains; the floor is one empty job. Both evaluators start every call
   * from the same chains (the moved chains are new arrays on both).
   */
  @Benchmark
  public Object populationIteration() {
    if (evaluator.equals("spark-empty-jobs")) {
      return emptyJob();
    }
    return MoveTask.moveAndSum(eval, kernel, population, experts, RandomStreams.of(3), 1,
        MOVE_STEPS);
  }

  /**
   * The same with the weights tempered by the driver (tau = 1/2): on Spark a second job draws
   * and evaluates the batch again and folds it with the tempered weights; the floor is two
   * empty jobs.
   */
  @Benchmark
  public Object temperedIteration() {
    if (evaluator.equals("spark-empty-jobs")) {
      emptyJob();
      return emptyJob();
    }
    return ImportanceTask.run(eval, proposal, experts, RandomStreams.of(3), 1, B, w -> {
      for (int i = 0; i < w.length; i++) {
        w[i] *= 0.5;
      }
      return 0.5;
    }, 2);
  }
}
