package org.poevi.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
import org.poevi.family.Expert;
import org.poevi.family.FeynmanSampler;
import org.poevi.family.ProductOfExperts;
import org.poevi.family.QMatrixBlock;
import org.poevi.family.ScoreBasis;
import org.poevi.family.SharedMetric;
import org.poevi.math.RandomStreams;

/**
 * Structured experts Λ_k = c_k·M + U_k U_kᵀ (issue #20) against the same experts stored densely,
 * at D = 100, 300 and 1000: one block of {@value FeynmanSampler#BLOCK_SIZE} weighted draws from
 * q (n active experts), and Q(z) of one block of {@value #Q_BLOCK} points over a pool of
 * {@code pool} experts (the fit's per-iteration sums). The metric is AᵀA/D + ½I with A standard
 * normal; locations N(0, 1); c_k ~ U(0.5, 1.5); U_k has r standard normal columns / √D.
 * Dense {@code qBlock} at D = 1000 is skipped (2.6 GB of experts for a pool of 325).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StructuredFamilyBenchmark {
  static final int Q_BLOCK = 32;

  @Param({"100", "300", "1000"})
  int dim;

  @Param({"structured", "dense"})
  String layout;

  /** Active experts of q. */
  @Param({"20"})
  int active;

  /** Experts in the QP's pool. */
  @Param({"325"})
  int pool;

  @Param({"2"})
  int rank;

  private FeynmanSampler sampler;
  private QMatrixBlock q;
  private RandomStreams streams;
  private double[] points;
  private double[] qOut;
  private long stage;

  static List<Expert> experts(int dim, int count, int rank, boolean dense, long seed) {
    Random rng = new Random(seed);
    double[] a = new double[dim * dim];
    for (int i = 0; i < a.length; i++) {
      a[i] = rng.nextGaussian();
    }
    double[] m = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int k = 0; k < dim; k++) {
          s += a[k * dim + i] * a[k * dim + j];
        }
        m[i * dim + j] = s / dim + (i == j ? 0.5 : 0);
        m[j * dim + i] = m[i * dim + j];
      }
    }
    SharedMetric metric = SharedMetric.of(m, dim);
    List<Expert> out = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      double[] mu = new double[dim];
      for (int d = 0; d < dim; d++) {
        mu[d] = rng.nextGaussian();
      }
      double[] u = new double[dim * rank];
      for (int i = 0; i < u.length; i++) {
        u[i] = rng.nextGaussian() / Math.sqrt(dim);
      }
      Expert e = Expert.structured(mu, metric, 0.5 + rng.nextDouble(), u);
      out.add(dense ? Expert.of(e.location(), e.lambda()) : e);
    }
    return out;
  }

  @Setup(Level.Trial)
  public void setUp() {
    boolean dense = layout.equals("dense");
    List<Expert> q = experts(dim, active, rank, dense, 20261205L + dim);
    double[] alpha = new double[active];
    java.util.Arrays.fill(alpha, (dim / 2.0 + 10) / active);
    sampler = FeynmanSampler.of(ProductOfExperts.of(q, alpha));
    streams = RandomStreams.of(42);
    if (!(dense && dim >= 1000)) {
      List<Expert> pooled = experts(dim, pool, rank, dense, 20261206L + dim);
      this.q = new QMatrixBlock(dense ? pooled : ScoreBasis.whitened(pooled), Q_BLOCK);
      qOut = new double[Q_BLOCK * dim * pool];
    }
    points = new double[Q_BLOCK * dim];
    Random rng = new Random(7);
    for (int i = 0; i < points.length; i++) {
      points[i] = rng.nextGaussian();
    }
  }

  /** One block of 256 weighted draws, one thread. */
  @Benchmark
  public FeynmanSampler.WeightedDraws weightedBlock() {
    return sampler.weighted(streams, stage++, FeynmanSampler.BLOCK_SIZE, 1);
  }

  /** Q(z) of 32 points over the pool. */
  @Benchmark
  public double[] qBlock() {
    if (q == null) {
      return null;
    }
    q.compute(points, 0, Q_BLOCK, qOut);
    return qOut;
  }
}
