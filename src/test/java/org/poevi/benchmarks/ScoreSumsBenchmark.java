package org.poevi.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.rng.UniformRandomProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.poevi.family.Expert;
import org.poevi.family.ScoreBasis;
import org.poevi.fit.ScoreAccumulation;
import org.poevi.fit.ScoreSums;
import org.poevi.math.RandomStreams;

/**
 * The QP's sums of one iteration: G = Σ w QᵀQ and h = Σ w Qᵀs over a batch of B = 2048 points
 * with the fit's default pool size (K = 325) and metric (a ScoreBasis: Lᵀ applied to Q), on one
 * thread ({@code threads} = 1) so that it compares with the single-thread dgemm rate. Flops:
 * Q itself 2·K·D²·B (one dgemm per expert) plus K·D²·B for Lᵀ (dtrmm), the Gram K²·D·B (dsyrk),
 * and 2·K·D·B for h; ms per batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScoreSumsBenchmark {
  static final int POINTS = 2048;

  @Param({"10", "50"})
  int dim;

  @Param({"325"})
  int experts;

  private List<Expert> basis;
  private double[] z;
  private double[] scores;
  private double[] logWeights;

  @Setup(Level.Trial)
  public void setUp() {
    UniformRandomProvider rng = RandomStreams.of(5).stream(dim, experts);
    List<Expert> pool = RandomModels.model(dim, experts, 5).experts();
    double[] metric = new double[dim * dim];
    for (int d = 0; d < dim; d++) {
      metric[d * dim + d] = 1 + d % 3;
    }
    basis = ScoreBasis.of(pool, metric);
    z = new double[POINTS * dim];
    scores = new double[POINTS * dim];
    logWeights = new double[POINTS];
    for (int i = 0; i < z.length; i++) {
      z[i] = 2 * rng.nextDouble() - 1;
      scores[i] = rng.nextDouble() - 0.5;
    }
    for (int i = 0; i < POINTS; i++) {
      logWeights[i] = -rng.nextDouble();
    }
  }

  @Benchmark
  public ScoreSums accumulate() {
    return ScoreAccumulation.accumulate(basis, z, scores, logWeights, POINTS, dim, 1);
  }
}
