package org.poevi.benchmarks;

import dev.ludovic.netlib.blas.BLAS;
import java.util.concurrent.TimeUnit;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AhrensDieterMarsagliaTsangGammaSampler;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
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
import org.poevi.family.ProductOfExperts;
import org.poevi.math.Cholesky;
import org.poevi.math.RandomStreams;

/**
 * Prototypes of faster versions of the sampler's hot stages, in ns per draw, to compare with
 * {@link SamplerPartsBenchmark} ({@code dirichlet}, {@code combine}, {@code conditional}). Results
 * and conclusions: docs/benchmarks.md. Run with {@code OPENBLAS_NUM_THREADS=1} for per-core costs.
 * <ul>
 *   <li>{@code gammaOnly}: the K gamma draws alone (the floor of the current Dirichlet);
 *   <li>{@code dirichletLean}: Gamma(α_k) used directly for α_k ≥ 1, log space only for α_k &lt; 1,
 *       one exp per component, log w not materialised;
 *   <li>{@code dirichletExp}: as lean, but U^{1/α} = exp(−E/α) with E ~ Exp(1) from the ziggurat
 *       (no log at all; one exp per α_k &lt; 1 component, none for α_k ≥ 1);
 *   <li>{@code combineTransposed}: the block dgemm producing the draw-minor layout (Wᵀ·stackᵀ);
 *   <li>{@code conditionalReciprocal}: the current Cholesky, multiplying by 1/L_jj;
 *   <li>{@code conditionalUnrolled}: its dot products over 4 accumulators;
 *   <li>{@code conditionalRightLooking}: right-looking (axpy) Cholesky;
 *   <li>{@code conditionalBatched}, {@code conditionalPanel32/64}: all draws of a block (or panels of
 *       32/64) at once, draw-minor, so the inner loops run across draws;
 *   <li>{@code conditionalLapack}: native dpptrf on the packed triangle (in place);
 *   <li>{@code conditionalDpotrf}: native dpotrf on full storage (copy in and out).
 * </ul>
 * The set-up checks that the batched factorisation matches {@link Cholesky} to 1e-10.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathIdeasBenchmark {
  static final int BLOCK = 256;

  @Param({"2", "10", "50"})
  int dim;

  @Param({"10", "100"})
  int experts;

  private int packed;
  private int rows;
  private double[] alpha;
  private double dof;
  private double[] stack;
  private double[] w;
  private double[] logU;
  /** R×256 column-major (draw-major), as ExpertStack.combine writes it. */
  private double[] formed;
  /** 256×R column-major (draw-minor): the same numbers transposed. */
  private double[] formedT;
  private double[] work;
  private double[] tmp;
  private double[] logC;
  private RandomStreams streams;
  private long block;

  @Setup(Level.Trial)
  public void setUp() {
    ProductOfExperts family =
        RandomModels.model(dim, experts, 20261126L + 1000L * dim + experts);
    packed = dim * (dim + 1) / 2;
    rows = packed + dim + 1;
    alpha = family.alpha();
    dof = family.dof();
    SamplerPartsBenchmark parts = new SamplerPartsBenchmark();
    parts.dim = dim;
    parts.experts = experts;
    parts.setUp();
    stack = parts.stack;
    streams = RandomStreams.of(42);
    w = new double[experts * BLOCK];
    logU = new double[BLOCK];
    formed = new double[rows * BLOCK];
    formedT = new double[rows * BLOCK];
    work = new double[rows * BLOCK];
    tmp = new double[BLOCK];
    logC = new double[BLOCK];
    dirichletLean();
    BLAS.getInstance().dgemm("N", "N", rows, BLOCK, experts, 1.0, stack, 0, rows, w, 0, experts,
        0.0, formed, 0, rows);
    combineTransposed();
    check();
  }

  /** The batched factor and solves agree with the scalar ones. */
  private void check() {
    double[] scalar = formed.clone();
    System.arraycopy(formedT, 0, work, 0, work.length);
    conditionalBatchedOn(work, BLOCK, 0);
    double maxErr = 0;
    for (int i = 0; i < BLOCK; i++) {
      int base = i * rows;
      if (!Cholesky.factor(scalar, base, dim)) {
        throw new IllegalStateException("singular test matrix");
      }
      int b = base + packed;
      Cholesky.solveLower(scalar, base, dim, scalar, b);
      double bLb = 0;
      for (int d = 0; d < dim; d++) {
        bLb += scalar[b + d] * scalar[b + d];
      }
      scalar[b + dim] = Math.max(scalar[b + dim] - bLb, 0);
      Cholesky.solveLowerTransposed(scalar, base, dim, scalar, b);
      for (int e = 0; e < rows; e++) {
        double x = scalar[base + e];
        maxErr = Math.max(maxErr, Math.abs(x - work[e * BLOCK + i]) / (1 + Math.abs(x)));
      }
      double ld = -0.5 * Cholesky.logDeterminant(scalar, base, dim)
          - 0.5 * dof * Math.log1p(scalar[b + dim]);
      maxErr = Math.max(maxErr, Math.abs(ld - logC[i]) / (1 + Math.abs(ld)));
    }
    if (maxErr > 1e-10) {
      throw new IllegalStateException("batched conditional differs from scalar by " + maxErr);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double[] dirichletLean() {
    UniformRandomProvider r = streams.stream(RandomStreams.DIRICHLET, 0, block++);
    int k = experts;
    ContinuousSampler[] gamma = new ContinuousSampler[k];
    for (int c = 0; c < k; c++) {
      gamma[c] = AhrensDieterMarsagliaTsangGammaSampler.of(r, alpha[c] < 1 ? alpha[c] + 1 : alpha[c],
          1);
    }
    for (int i = 0; i < BLOCK; i++) {
      int off = i * k;
      // Pass 1: log G for small-α components only (they may underflow); G itself otherwise.
      double maxLog = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double g = gamma[c].sample();
        if (alpha[c] < 1) {
          double lg = Math.log(g) + Math.log(RandomStreams.openClosedUniform(r)) / alpha[c];
          w[off + c] = lg;
          maxLog = Math.max(maxLog, lg);
        } else {
          w[off + c] = g;
          maxLog = Math.max(maxLog, Math.log(g));
        }
      }
      // Pass 2: scale by e^{-max} (one exp per small-α component, none for the others), normalise.
      double shift = Math.exp(-maxLog);
      double sum = 0;
      for (int c = 0; c < k; c++) {
        double v = alpha[c] < 1 ? Math.exp(w[off + c] - maxLog) : w[off + c] * shift;
        w[off + c] = v;
        sum += v;
      }
      double inv = 1 / sum;
      for (int c = 0; c < k; c++) {
        w[off + c] *= inv;
      }
      logU[i] = Math.log(RandomStreams.openClosedUniform(r));
    }
    return w;
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double[] combineTransposed() {
    // formedT (256×R) = Wᵀ (256×K) · stackᵀ (K×R)
    BLAS.getInstance().dgemm("T", "T", BLOCK, rows, experts, 1.0, w, 0, experts, stack, 0, rows,
        0.0, formedT, 0, BLOCK);
    return formedT;
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double[] conditionalBatched() {
    System.arraycopy(formedT, 0, work, 0, work.length);
    conditionalBatchedOn(work, BLOCK, 0);
    return logC;
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double[] conditionalPanel32() {
    return conditionalPanels(32);
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double[] conditionalPanel64() {
    return conditionalPanels(64);
  }

  /**
   * Batched, but on panels of {@code width} draws transposed out of the draw-major block (so the
   * panel, R·width doubles, stays in L2): the current dgemm layout can stay as it is.
   */
  private double[] conditionalPanels(int width) {
    for (int p = 0; p < BLOCK; p += width) {
      for (int l = 0; l < width; l++) {
        int src = (p + l) * rows;
        for (int e = 0; e < rows; e++) {
          work[e * width + l] = formed[src + e];
        }
      }
      conditionalBatchedOn(work, width, p);
    }
    return logC;
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double gammaOnly() {
    // The floor of the current Dirichlet: K Marsaglia–Tsang gamma draws per draw, nothing else.
    UniformRandomProvider r = streams.stream(RandomStreams.DIRICHLET, 0, block++);
    int k = experts;
    ContinuousSampler[] gamma = new ContinuousSampler[k];
    for (int c = 0; c < k; c++) {
      gamma[c] = AhrensDieterMarsagliaTsangGammaSampler.of(r, alpha[c] < 1 ? alpha[c] + 1 : alpha[c],
          1);
    }
    double sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      for (int c = 0; c < k; c++) {
        sum += gamma[c].sample();
      }
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double conditionalUnrolled() {
    // The current scalar Cholesky with its dot products split over 4 independent accumulators.
    double sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      int base = i * rows;
      System.arraycopy(formed, base, work, base, rows);
      if (!factorUnrolled(work, base, dim)) {
        throw new IllegalStateException();
      }
      int b = base + packed;
      Cholesky.solveLower(work, base, dim, work, b);
      double bLb = 0;
      for (int d = 0; d < dim; d++) {
        bLb += work[b + d] * work[b + d];
      }
      double sigma2 = Math.max(work[b + dim] - bLb, 0);
      work[b + dim] = sigma2;
      Cholesky.solveLowerTransposed(work, base, dim, work, b);
      sum += -0.5 * Cholesky.logDeterminant(work, base, dim) - 0.5 * dof * Math.log1p(sigma2);
    }
    return sum;
  }


  /** conditionalInPlace with a given factorisation routine (copying the column first). */
  private double conditionalWith(java.util.function.IntPredicate factor) {
    double sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      int base = i * rows;
      System.arraycopy(formed, base, work, base, rows);
      if (!factor.test(base)) {
        throw new IllegalStateException();
      }
      int b = base + packed;
      Cholesky.solveLower(work, base, dim, work, b);
      double bLb = 0;
      for (int d = 0; d < dim; d++) {
        bLb += work[b + d] * work[b + d];
      }
      double sigma2 = Math.max(work[b + dim] - bLb, 0);
      work[b + dim] = sigma2;
      Cholesky.solveLowerTransposed(work, base, dim, work, b);
      sum += -0.5 * Cholesky.logDeterminant(work, base, dim) - 0.5 * dof * Math.log1p(sigma2);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double conditionalReciprocal() {
    // The current left-looking Cholesky, dividing by the pivot through a stored reciprocal.
    return conditionalWith(base -> factorReciprocal(work, base, dim, tmp));
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double conditionalRightLooking() {
    // Right-looking Cholesky: per column j, scale it by 1/L_jj, copy it to a contiguous vector,
    // then rank-1 update the trailing rows with axpy loops (no reductions: C2 vectorises them).
    return conditionalWith(base -> factorRightLooking(work, base, dim, tmp));
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double conditionalDpotrf() {
    // Native OpenBLAS dpotrf("U") on full storage: row i of the packed L is column i of U = Lᵀ
    // (column-major), so packing in and out is one arraycopy per row.
    double[] full = new double[dim * dim];
    org.netlib.util.intW info = new org.netlib.util.intW(0);
    dev.ludovic.netlib.lapack.LAPACK lapack = dev.ludovic.netlib.lapack.LAPACK.getInstance();
    return conditionalWith(base -> {
      for (int i = 0; i < dim; i++) {
        System.arraycopy(work, base + i * (i + 1) / 2, full, i * dim, i + 1);
      }
      lapack.dpotrf("U", dim, full, dim, info);
      if (info.val != 0) {
        return false;
      }
      for (int i = 0; i < dim; i++) {
        System.arraycopy(full, i * dim, work, base + i * (i + 1) / 2, i + 1);
      }
      return true;
    });
  }

  static boolean factorReciprocal(double[] a, int off, int n, double[] inv) {
    for (int i = 0; i < n; i++) {
      int rowI = off + i * (i + 1) / 2;
      for (int j = 0; j <= i; j++) {
        int rowJ = off + j * (j + 1) / 2;
        double s = a[rowI + j];
        for (int k = 0; k < j; k++) {
          s -= a[rowI + k] * a[rowJ + k];
        }
        if (i == j) {
          if (!(s > 0) || s == Double.POSITIVE_INFINITY) {
            return false;
          }
          double l = Math.sqrt(s);
          a[rowI + i] = l;
          inv[i] = 1 / l;
        } else {
          a[rowI + j] = s * inv[j];
        }
      }
    }
    return true;
  }

  static boolean factorRightLooking(double[] a, int off, int n, double[] col) {
    for (int j = 0; j < n; j++) {
      int dj = off + j * (j + 3) / 2;
      double s = a[dj];
      if (!(s > 0) || s == Double.POSITIVE_INFINITY) {
        return false;
      }
      double l = Math.sqrt(s);
      a[dj] = l;
      double inv = 1 / l;
      for (int i = j + 1; i < n; i++) {
        int ij = off + i * (i + 1) / 2 + j;
        double v = a[ij] * inv;
        a[ij] = v;
        col[i] = v;
      }
      for (int i = j + 1; i < n; i++) {
        int rowI = off + i * (i + 1) / 2;
        double lij = col[i];
        for (int k = j + 1; k <= i; k++) {
          a[rowI + k] -= lij * col[k];
        }
      }
    }
    return true;
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double[] dirichletExp() {
    // Like dirichletLean, but for α_k < 1 the factor U^{1/α} is exp(−E/α) with E ~ Exp(1) from
    // the ziggurat (no log), shifted by the largest −E/α (G itself stays O(1): shape α+1 ≥ 1).
    // For α_k ≥ 1 no transcendental at all. One exp per small-α component.
    UniformRandomProvider r = streams.stream(RandomStreams.DIRICHLET, 0, block++);
    int k = experts;
    ContinuousSampler[] gamma = new ContinuousSampler[k];
    for (int c = 0; c < k; c++) {
      gamma[c] = AhrensDieterMarsagliaTsangGammaSampler.of(r, alpha[c] < 1 ? alpha[c] + 1 : alpha[c],
          1);
    }
    ContinuousSampler exponential = org.apache.commons.rng.sampling.distribution.ZigguratSampler
        .Exponential.of(r);
    double[] invAlpha = new double[k];
    boolean anySmall = false;
    for (int c = 0; c < k; c++) {
      invAlpha[c] = 1 / alpha[c];
      anySmall |= alpha[c] < 1;
    }
    for (int i = 0; i < BLOCK; i++) {
      int off = i * k;
      double sum = 0;
      if (anySmall) {
        double m = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          double e = alpha[c] < 1 ? -exponential.sample() * invAlpha[c] : 0;
          w[off + c] = e;
          m = Math.max(m, e);
        }
        for (int c = 0; c < k; c++) {
          double v = gamma[c].sample() * (alpha[c] < 1 ? Math.exp(w[off + c] - m) : Math.exp(-m));
          w[off + c] = v;
          sum += v;
        }
      } else {
        for (int c = 0; c < k; c++) {
          double v = gamma[c].sample();
          w[off + c] = v;
          sum += v;
        }
      }
      double inv = 1 / sum;
      for (int c = 0; c < k; c++) {
        w[off + c] *= inv;
      }
      logU[i] = -exponential.sample();
    }
    return w;
  }

  static boolean factorUnrolled(double[] a, int off, int n) {
    for (int i = 0; i < n; i++) {
      int rowI = off + i * (i + 1) / 2;
      for (int j = 0; j <= i; j++) {
        int rowJ = off + j * (j + 1) / 2;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < j; k += 4) {
          s0 += a[rowI + k] * a[rowJ + k];
          s1 += a[rowI + k + 1] * a[rowJ + k + 1];
          s2 += a[rowI + k + 2] * a[rowJ + k + 2];
          s3 += a[rowI + k + 3] * a[rowJ + k + 3];
        }
        for (; k < j; k++) {
          s0 += a[rowI + k] * a[rowJ + k];
        }
        double s = a[rowI + j] - ((s0 + s1) + (s2 + s3));
        if (i == j) {
          if (!(s > 0) || s == Double.POSITIVE_INFINITY) {
            return false;
          }
          a[rowI + i] = Math.sqrt(s);
        } else {
          a[rowI + j] = s / a[rowJ + j];
        }
      }
    }
    return true;
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public double conditionalLapack() {
    // The packed row-major lower triangle is LAPACK's packed column-major upper triangle, so
    // dpptrf("U") factors it in place (U = Lᵀ in the same slots). Solves stay in Java.
    double sum = 0;
    org.netlib.util.intW info = new org.netlib.util.intW(0);
    dev.ludovic.netlib.lapack.LAPACK lapack = dev.ludovic.netlib.lapack.LAPACK.getInstance();
    for (int i = 0; i < BLOCK; i++) {
      int base = i * rows;
      System.arraycopy(formed, base, work, base, rows);
      lapack.dpptrf("U", dim, work, base, info);
      if (info.val != 0) {
        throw new IllegalStateException();
      }
      int b = base + packed;
      Cholesky.solveLower(work, base, dim, work, b);
      double bLb = 0;
      for (int d = 0; d < dim; d++) {
        bLb += work[b + d] * work[b + d];
      }
      double sigma2 = Math.max(work[b + dim] - bLb, 0);
      work[b + dim] = sigma2;
      Cholesky.solveLowerTransposed(work, base, dim, work, b);
      sum += -0.5 * Cholesky.logDeterminant(work, base, dim) - 0.5 * dof * Math.log1p(sigma2);
    }
    return sum;
  }

  /** Entry e of draw i at t[e·256 + i]; overwrites Λ by L, b by μ − c, c by σ²; fills logC. */
  private void conditionalBatchedOn(double[] t, int nb, int logOff) {
    double[] s = tmp;
    for (int i = 0; i < dim; i++) {
      int rowI = i * (i + 1) / 2;
      for (int j = 0; j <= i; j++) {
        int rowJ = j * (j + 1) / 2;
        int dst = (rowI + j) * nb;
        System.arraycopy(t, dst, s, 0, nb);
        for (int k = 0; k < j; k++) {
          int x = (rowI + k) * nb;
          int y = (rowJ + k) * nb;
          for (int l = 0; l < nb; l++) {
            s[l] -= t[x + l] * t[y + l];
          }
        }
        if (i == j) {
          for (int l = 0; l < nb; l++) {
            t[dst + l] = Math.sqrt(s[l]);
          }
        } else {
          int diag = (rowJ + j) * nb;
          for (int l = 0; l < nb; l++) {
            t[dst + l] = s[l] / t[diag + l];
          }
        }
      }
    }
    // b ← L⁻¹ b
    int b = packed * nb;
    for (int i = 0; i < dim; i++) {
      int rowI = i * (i + 1) / 2;
      int bi = b + i * nb;
      for (int k = 0; k < i; k++) {
        int x = (rowI + k) * nb;
        int bk = b + k * nb;
        for (int l = 0; l < nb; l++) {
          t[bi + l] -= t[x + l] * t[bk + l];
        }
      }
      int diag = (rowI + i) * nb;
      for (int l = 0; l < nb; l++) {
        t[bi + l] /= t[diag + l];
      }
    }
    // σ² = c − |L⁻¹b|², log C without constants; NaN/≤0 pivots show up in the diagonal.
    int c = b + dim * nb;
    for (int l = 0; l < nb; l++) {
      s[l] = 0;
    }
    for (int d = 0; d < dim; d++) {
      int bd = b + d * nb;
      for (int l = 0; l < nb; l++) {
        s[l] += t[bd + l] * t[bd + l];
      }
    }
    for (int l = 0; l < nb; l++) {
      t[c + l] = Math.max(t[c + l] - s[l], 0);
      s[l] = 0;
    }
    for (int i = 0; i < dim; i++) {
      int diag = (i * (i + 3) / 2) * nb;
      for (int l = 0; l < nb; l++) {
        s[l] += Math.log(t[diag + l]);
      }
    }
    for (int l = 0; l < nb; l++) {
      logC[logOff + l] = -s[l] - 0.5 * dof * Math.log1p(t[c + l]);
    }
    // b ← L⁻ᵀ b
    for (int i = dim - 1; i >= 0; i--) {
      int rowI = i * (i + 1) / 2;
      int bi = b + i * nb;
      int diag = (rowI + i) * nb;
      for (int l = 0; l < nb; l++) {
        t[bi + l] /= t[diag + l];
      }
      for (int k = 0; k < i; k++) {
        int x = (rowI + k) * nb;
        int bk = b + k * nb;
        for (int l = 0; l < nb; l++) {
          t[bk + l] -= t[x + l] * t[bi + l];
        }
      }
    }
  }
}
