package org.poevi.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.Expert;
import org.poevi.family.ScoreBasis;
import org.poevi.fit.ImportanceTask;
import org.poevi.fit.ScoreSums;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.qp.ActiveSetQpSolver;
import org.poevi.qp.QpProblem;
import org.poevi.qp.QpResult;
import org.poevi.targets.SinhArcsinhTarget;

/**
 * One under-p iteration as the fit runs it with importance-weighted batches, end to end on one
 * thread: B = 2048 draws of the t₅ proposal, the target's log density and scores there
 * (sinh-arcsinh, D = 10), the log weights, the QP's sums over K = 325 experts in the score
 * metric, and the proximal QP (active set, warm-started). ms per iteration; its parts are
 * {@link ScoreSumsBenchmark} (the sums) and {@link QpBenchmark} (the QP).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class IterationBenchmark {
  static final int POINTS = 2048;
  static final int DIM = 10;

  @Param({"325"})
  int experts;

  private LocalScoreEvaluator evaluator;
  private List<Expert> basis;
  private MultivariateT proposal;
  private double[] alpha;
  private final RandomStreams streams = RandomStreams.of(7);
  private final ActiveSetQpSolver qp = ActiveSetQpSolver.create();
  private long iteration;

  @Setup(Level.Trial)
  public void setUp() {
    SinhArcsinhTarget target = SinhArcsinhTarget.of(DIM);
    evaluator = new LocalScoreEvaluator(target, 1);
    double[] identity = new double[DIM * DIM];
    for (int d = 0; d < DIM; d++) {
      identity[d * DIM + d] = 4;
    }
    basis = ScoreBasis.of(RandomModels.model(DIM, experts, 5).experts(), identity);
    proposal = MultivariateT.of(new double[DIM], identity, 5);
    alpha = new double[experts];
    Arrays.fill(alpha, (DIM / 2.0 + 1.5) / experts);
  }

  @Benchmark
  public QpResult iteration() {
    ScoreSums sums = ImportanceTask.run(evaluator, proposal, basis, streams, ++iteration,
        POINTS, w -> 1, 1).sums();
    double[] g = sums.normalizedGram();
    double[] h = sums.normalizedCross();
    int k = alpha.length;
    double trace = 0;
    for (int i = 0; i < k; i++) {
      trace += g[i * k + i];
    }
    double prox = trace / (k * 100.0);
    for (int i = 0; i < k; i++) {
      g[i * k + i] += prox;
      h[i] += prox * alpha[i];
    }
    return qp.solve(QpProblem.of(g, h, DIM / 2.0 + 0.5, alpha));
  }
}
