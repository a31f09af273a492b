package org.poevi.family;

import dev.ludovic.netlib.blas.BLAS;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.poevi.math.Cholesky;

/**
 * The active experts of a family laid out for matrix–matrix products over blocks of draws.
 *
 * <p>Coordinates are shifted by a centre c (the mean of the active locations) so that sums of
 * squares stay well conditioned far from the origin. With μ'_k = μ_k − c and P = D(D+1)/2 the
 * stack is an R×n column-major matrix, R = P + D + 1, whose column k is
 *
 * <pre>  [ packed lower triangle of Λ_k ;  Λ_k μ'_k ;  μ'_kᵀ Λ_k μ'_k ].</pre>
 *
 * Two products with it serve the whole package (n active experts, nb draws per block):
 * <ul>
 *   <li>stack · W (W n×nb, one Dirichlet draw per column) gives, per draw, Λ(w) = Σ w_k Λ_k
 *       (packed), b(w) = Σ w_k Λ_k μ'_k and c(w) = Σ w_k μ'_kᵀ Λ_k μ'_k, from which the
 *       Feynman conditional follows: μ(w) = Λ(w)⁻¹ b(w) and σ²(w) = c(w) − b(w)ᵀ Λ(w)⁻¹ b(w).
 *   <li>stackᵀ · Y, with column i of Y = [packed z'z'ᵀ (off-diagonal entries doubled); −2 z'; 1]
 *       for z' = z_i − c, gives every quadratic form (z_i − μ_k)ᵀ Λ_k (z_i − μ_k) at once.
 * </ul>
 * Both are one {@code dgemm} per block: about 2·R·n·nb flops, run at the BLAS rate.
 */
final class ExpertStack implements ConditionalForm {
  /** From this dimension on, native LAPACK factors Λ(w) faster than the Java loop. */
  static final int NATIVE_CHOLESKY_DIM = 20;

  final int dim;
  final int packed;
  final int rows;
  final int count;
  final double[] center;
  /** R×n column-major. */
  final double[] stack;
  /** α of each stacked expert. */
  final double[] alpha;

  /** min_k log|Λ_k| over the stacked experts. */
  final double minLogDeterminant;

  private ExpertStack(int dim, double[] center, double[] stack, double[] alpha,
      double minLogDeterminant) {
    this.minLogDeterminant = minLogDeterminant;
    this.dim = dim;
    this.packed = Cholesky.packedSize(dim);
    this.rows = packed + dim + 1;
    this.count = alpha.length;
    this.center = center;
    this.stack = stack;
    this.alpha = alpha;
  }

  /** The stack of the family's active experts, in index order. */
  static ExpertStack of(ProductOfExperts family) {
    int dim = family.dim;
    int[] active = family.active;
    double[] center = new double[dim];
    for (int k : active) {
      for (int d = 0; d < dim; d++) {
        center[d] += family.experts[k].location[d] / active.length;
      }
    }
    int packed = Cholesky.packedSize(dim);
    int rows = packed + dim + 1;
    double[] stack = new double[rows * active.length];
    double[] alpha = new double[active.length];
    double[] shifted = new double[dim];
    for (int c = 0; c < active.length; c++) {
      Expert e = family.experts[active[c]];
      double[] lambda = e.dense();
      alpha[c] = family.alpha[active[c]];
      int col = c * rows;
      for (int i = 0; i < dim; i++) {
        System.arraycopy(lambda, i * dim, stack, col + Cholesky.packedIndex(i, 0), i + 1);
        shifted[i] = e.location[i] - center[i];
      }
      double quad = 0;
      for (int i = 0; i < dim; i++) {
        double s = 0;
        for (int j = 0; j < dim; j++) {
          s += lambda[i * dim + j] * shifted[j];
        }
        stack[col + packed + i] = s;
        quad += shifted[i] * s;
      }
      stack[col + packed + dim] = quad;
    }
    double minLogDet = Double.POSITIVE_INFINITY;
    for (int k : active) {
      minLogDet = Math.min(minLogDet, family.experts[k].logDeterminant);
    }
    return new ExpertStack(dim, center, stack, alpha, minLogDet);
  }

  /** out (R×nb, column-major) = stack · w, with w n×nb column-major. */
  void combine(double[] w, int nb, double[] out) {
    combine(w, nb, out, null);
  }

  @Override
  public void combine(double[] w, int nb, double[] out, Object workspace) {
    BLAS.getInstance().dgemm("N", "N", rows, nb, count, 1.0, stack, 0, rows, w, 0, count, 0.0, out,
        0, rows);
  }

  /**
   * Fills y (R×nb) from the points z (nb×D row-major from {@code zOff}) and writes the quadratic
   * forms (z_i − μ_k)ᵀ Λ_k (z_i − μ_k) into out (n×nb, column-major), clamped at 0 (they are
   * non-negative; rounding can push a near-zero one below).
   */
  void quadraticForms(double[] z, int zOff, int nb, double[] y, double[] out) {
    for (int i = 0; i < nb; i++) {
      int col = i * rows;
      int zi = zOff + i * dim;
      for (int a = 0; a < dim; a++) {
        double za = z[zi + a] - center[a];
        int rowA = col + Cholesky.packedIndex(a, 0);
        for (int b = 0; b < a; b++) {
          y[rowA + b] = 2 * za * (z[zi + b] - center[b]);
        }
        y[rowA + a] = za * za;
        y[col + packed + a] = -2 * za;
      }
      y[col + packed + dim] = 1;
    }
    BLAS.getInstance().dgemm("T", "N", count, nb, rows, 1.0, stack, 0, rows, y, 0, rows, 0.0, out,
        0, count);
    for (int i = 0, n = count * nb; i < n; i++) {
      if (out[i] < 0) {
        out[i] = 0;
      }
    }
  }

  /**
   * log Π_k A_k(z_i)^(−α_k) for a block of points; y (R×nb) and forms (n×nb) are scratch.
   */
  @Override
  public void logDensity(double[] z, int zOff, int nb, Object workspace, double[] out,
      int outOff) {
    Workspace ws = (Workspace) workspace;
    logDensity(z, zOff, nb, ws.y, ws.forms, out, outOff);
  }

  void logDensity(double[] z, int zOff, int nb, double[] y, double[] forms, double[] out,
      int outOff) {
    quadraticForms(z, zOff, nb, y, forms);
    for (int i = 0; i < nb; i++) {
      double s = 0;
      int col = i * count;
      for (int k = 0; k < count; k++) {
        s -= alpha[k] * Math.log1p(forms[col + k]);
      }
      out[outOff + i] = s;
    }
  }

  // ---------------------------------------------------------------- ConditionalForm

  /** Per-thread buffers: the Cholesky's scratch and the log density's products. */
  final class Workspace {
    final double[] inverseDiagonal = new double[dim];
    final Cholesky.NativeWorkspace nativeWorkspace =
        new Cholesky.NativeWorkspace(dim >= NATIVE_CHOLESKY_DIM ? dim : 0);
    final double[] y = new double[rows * FeynmanSampler.BLOCK_SIZE];
    final double[] forms = new double[count * FeynmanSampler.BLOCK_SIZE];
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int count() {
    return count;
  }

  @Override
  public double[] alpha() {
    return alpha;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public Object workspace() {
    return new Workspace();
  }

  /**
   * The packed Λ(w) becomes its Cholesky factor L, b(w) becomes μ(w) − centre, and c(w) becomes
   * σ²(w) = c − bᵀΛ⁻¹b.
   */
  @Override
  public double conditional(double[] formed, int col, Object workspace) {
    Workspace ws = (Workspace) workspace;
    int base = col * rows;
    boolean ok = dim >= NATIVE_CHOLESKY_DIM
        ? Cholesky.factorNative(formed, base, dim, ws.nativeWorkspace)
        : Cholesky.factor(formed, base, dim, ws.inverseDiagonal);
    if (!ok) {
      return Double.NaN;
    }
    int b = base + packed;
    Cholesky.solveLower(formed, base, dim, formed, b);
    double bLb = 0;
    for (int d = 0; d < dim; d++) {
      bLb += formed[b + d] * formed[b + d];
    }
    // σ² = c − bᵀΛ⁻¹b ≥ 0 exactly; rounding of the difference can push it slightly below.
    formed[b + dim] = Math.max(formed[b + dim] - bLb, 0);
    Cholesky.solveLowerTransposed(formed, base, dim, formed, b);
    return Cholesky.logDeterminant(formed, base, dim);
  }

  @Override
  public double sigma2(double[] formed, int col) {
    return formed[col * rows + packed + dim];
  }

  @Override
  public void drawStandard(double[] formed, int col, Object workspace, ContinuousSampler normal,
      double[] out, int off) {
    for (int d = 0; d < dim; d++) {
      out[off + d] = normal.sample();
    }
    Cholesky.solveLowerTransposed(formed, col * rows, dim, out, off);
  }

  @Override
  public void place(double[] formed, int col, double scale, double[] out, int off) {
    int b = col * rows + packed;
    for (int d = 0; d < dim; d++) {
      out[off + d] = center[d] + formed[b + d] + scale * out[off + d];
    }
  }

  @Override
  public void finish(double[] out, int off, int n) {
    // place() already wrote z.
  }

  @Override
  public double[] location(double[] formed, int col, Object workspace) {
    double[] location = new double[dim];
    for (int d = 0; d < dim; d++) {
      location[d] = formed[col * rows + packed + d] + center[d];
    }
    return location;
  }

  @Override
  public void applyInverse(double[] formed, int col, Object workspace, double[] v) {
    Cholesky.solveLower(formed, col * rows, dim, v, 0);
    Cholesky.solveLowerTransposed(formed, col * rows, dim, v, 0);
  }

  @Override
  public double minLogDeterminant() {
    return minLogDeterminant;
  }
}
