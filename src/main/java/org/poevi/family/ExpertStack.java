package org.poevi.family;

import dev.ludovic.netlib.blas.BLAS;
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
final class ExpertStack {
  final int dim;
  final int packed;
  final int rows;
  final int count;
  final double[] center;
  /** R×n column-major. */
  final double[] stack;
  /** α of each stacked expert. */
  final double[] alpha;

  private ExpertStack(int dim, double[] center, double[] stack, double[] alpha) {
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
      alpha[c] = family.alpha[active[c]];
      int col = c * rows;
      for (int i = 0; i < dim; i++) {
        System.arraycopy(e.lambda, i * dim, stack, col + Cholesky.packedIndex(i, 0), i + 1);
        shifted[i] = e.location[i] - center[i];
      }
      double quad = 0;
      for (int i = 0; i < dim; i++) {
        double s = 0;
        for (int j = 0; j < dim; j++) {
          s += e.lambda[i * dim + j] * shifted[j];
        }
        stack[col + packed + i] = s;
        quad += shifted[i] * s;
      }
      stack[col + packed + dim] = quad;
    }
    return new ExpertStack(dim, center, stack, alpha);
  }

  /** out (R×nb, column-major) = stack · w, with w n×nb column-major. */
  void combine(double[] w, int nb, double[] out) {
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
}
