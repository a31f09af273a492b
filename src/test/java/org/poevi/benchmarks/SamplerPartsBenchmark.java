package org.poevi.benchmarks;

import dev.ludovic.netlib.blas.BLAS;
import java.util.concurrent.TimeUnit;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.poevi.family.Expert;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.Cholesky;
import org.poevi.math.LogChiSquareSampler;
import org.poevi.math.LogDirichletSampler;
import org.poevi.math.RandomStreams;

/**
 * The four stages of one block of {@code FeynmanSampler.weighted}, timed apart on one thread, in
 * ns per draw (block of 256 per invocation). They re-create the hot path from the public pieces it
 * uses (ExpertStack is package-private, so its layout is rebuilt here):
 * <ol>
 *   <li>{@code dirichlet}: K gamma draws → w and log w, plus the accept uniform (drawAndForm);
 *   <li>{@code combine}: the (P+D+1)×256×K dgemm (ExpertStack.combine);
 *   <li>{@code conditional}: Cholesky of Λ(w), two triangular solves, log-det (conditionalInPlace);
 *       includes copying each formed column (P+D+1 doubles) so that it can run in place again;
 *   <li>{@code drawZ}: D normals, one χ² draw, one triangular solve (drawZ).
 * </ol>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SamplerPartsBenchmark {
  static final int BLOCK = 256;

  @Param({"2", "10", "50"})
  int dim;

  @Param({"10", "100"})
  int experts;

  private int packed;
  private int rows;
  private double[] alpha;
  private double dof;
  /** The expert stack, R×K column-major (package-private: HotPathIdeasBenchmark reuses it). */
  double[] stack;
  private LogDirichletSampler dirichlet;
  private double[] logW;
  private double[] w;
  private double[] logU;
  private double[] formed;
  private double[] factored;
  private double[] work;
  private double[] z;
  private UniformRandomProvider rng;
  private long block;
  private RandomStreams streams;

  @Setup(Level.Trial)
  public void setUp() {
    ProductOfExperts family =
        RandomModels.model(dim, experts, 20261126L + 1000L * dim + experts);
    packed = dim * (dim + 1) / 2;
    rows = packed + dim + 1;
    alpha = family.alpha();
    dof = family.dof();
    stack = stackOf(family);
    dirichlet = LogDirichletSampler.of(alpha);
    streams = RandomStreams.of(42);
    rng = streams.stream(9);
    logW = new double[experts * BLOCK];
    w = new double[experts * BLOCK];
    logU = new double[BLOCK];
    formed = new double[rows * BLOCK];
    work = new double[rows * BLOCK];
    z = new double[dim * BLOCK];
    // One realistic formed block, and the same block after conditionalInPlace, for the later stages.
    dirichlet();
    combine();
    factored = formed.clone();
    for (int i = 0; i < BLOCK; i++) {
      prepare(factored, i * rows);
    }
  }

  /** ExpertStack's layout: column k = [packed Λ_k; Λ_k μ'_k; μ'_kᵀ Λ_k μ'_k], μ' = μ − mean μ. */
  private double[] stackOf(ProductOfExperts family) {
    int k = family.numExperts();
    double[] center = new double[dim];
    for (int e = 0; e < k; e++) {
      double[] mu = family.expert(e).location();
      for (int d = 0; d < dim; d++) {
        center[d] += mu[d] / k;
      }
    }
    double[] out = new double[rows * k];
    for (int e = 0; e < k; e++) {
      Expert ex = family.expert(e);
      double[] lambda = ex.lambda();
      double[] mu = ex.location();
      int col = e * rows;
      for (int i = 0; i < dim; i++) {
        System.arraycopy(lambda, i * dim, out, col + Cholesky.packedIndex(i, 0), i + 1);
      }
      double quad = 0;
      for (int i = 0; i < dim; i++) {
        double s = 0;
        for (int j = 0; j < dim; j++) {
          s += lambda[i * dim + j] * (mu[j] - center[j]);
        }
        out[col + packed + i] = s;
        quad += (mu[i] - center[i]) * s;
      }
      out[col + packed + dim] = quad;
    }
    return out;
  }

  /** conditionalInPlace without the constants: factor, two solves, σ², log-det. */
  private double prepare(double[] f, int base) {
    if (!Cholesky.factor(f, base, dim)) {
      return Double.NaN;
    }
    int b = base + packed;
    Cholesky.solveLower(f, base, dim, f, b);
    double bLb = 0;
    for (int d = 0; d < dim; d++) {
      bLb += f[b + d] * f[b + d];
    }
    double sigma2 = Math.max(f[b + dim] - bLb, 0);
    f[b + dim] = sigma2;
    Cholesky.solveLowerTransposed(f, base, dim, f, b);
    return -0.5 * Cholesky.logDeterminant(f, base, dim) - 0.5 * dof * Math.log1p(sigma2);
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double[] dirichlet() {
    // As in drawAndForm: a fresh stream and a fresh bound sampler per block.
    UniformRandomProvider r = streams.stream(RandomStreams.DIRICHLET, 0, block++);
    LogDirichletSampler.Bound dir = dirichlet.bind(r);
    for (int i = 0; i < BLOCK; i++) {
      dir.sample(w, i * experts, null, i * experts);
      logU[i] = Math.log(RandomStreams.openClosedUniform(r));
    }
    return w;
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double[] combine() {
    BLAS.getInstance().dgemm("N", "N", rows, BLOCK, experts, 1.0, stack, 0, rows, w, 0, experts,
        0.0, formed, 0, rows);
    return formed;
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double conditional() {
    double sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      System.arraycopy(formed, i * rows, work, i * rows, rows);
      sum += prepare(work, i * rows);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double[] drawZ() {
    ContinuousSampler normal = ZigguratSampler.NormalizedGaussian.of(rng);
    LogChiSquareSampler chi = LogChiSquareSampler.of(rng, dof);
    for (int i = 0; i < BLOCK; i++) {
      int base = i * rows;
      int b = base + packed;
      int off = i * dim;
      for (int d = 0; d < dim; d++) {
        z[off + d] = normal.sample();
      }
      Cholesky.solveLowerTransposed(factored, base, dim, z, off);
      double scale = Math.exp(0.5 * (Math.log1p(factored[b + dim]) - chi.sampleLog()));
      for (int d = 0; d < dim; d++) {
        z[off + d] = factored[b + d] + scale * z[off + d];
      }
    }
    return z;
  }
}
