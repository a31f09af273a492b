package org.poevi.family;

import dev.ludovic.netlib.blas.BLAS;
import java.util.List;

/**
 * Q(z) for a block of points at once, stacked: for nb points the (nb·D)×K column-major matrix whose
 * rows b·D .. b·D + D − 1 hold Q(z_b), i.e. entry (b·D + d, k) = g_k(z_b)_d with
 * g_k(z) = −2 Λ_k (z − μ_k)/A_k(z). Every expert has a column, active or not.
 *
 * <p>Per expert it is one {@code dgemm}: Λ_k (D×D) times the D×nb matrix of differences
 * z_b − μ_k, written straight into the expert's column of the stack (a D×nb column-major block is
 * exactly nb consecutive D-vectors), then scaled row-block by row-block by −2/A_k(z_b). That is
 * 2·K·D²·nb flops at the BLAS rate, against K·nb matrix–vector products point by point.
 *
 * <p>When the experts are a {@link ScoreBasis} with a metric S = L Lᵀ, every score vector is
 * multiplied by Lᵀ (one {@code dtrmm} per expert), giving the Q of the whitened objective.
 *
 * <p>Not thread-safe: one instance per thread (it owns a scratch of D·nb numbers).
 */
public final class QMatrixBlock {
  private final Expert[] experts;
  private final int dim;
  private final int maxBlock;
  private final double[] diff;
  /** The metric's factor L (column-major lower), or null. */
  private final double[] factor;
  /** The structured path when every expert shares one metric, else null. */
  private final StructuredQ structured;

  /**
   * For the given experts (all of one dimension), in order, in their metric if they are a
   * {@link ScoreBasis}; blocks of at most maxBlock points.
   */
  public QMatrixBlock(List<Expert> experts, int maxBlock) {
    this.factor = experts instanceof ScoreBasis b ? b.factor() : null;
    this.experts = experts.toArray(new Expert[0]);
    this.dim = this.experts[0].dim;
    this.maxBlock = maxBlock;
    boolean whitened = experts instanceof ScoreBasis b && b.isWhitened();
    this.structured = ScoreBasis.sharedMetric(experts) != null
        ? new StructuredQ(this.experts, whitened, maxBlock) : null;
    this.diff = new double[structured != null ? 0 : dim * maxBlock];
  }

  /**
   * Fills {@code out} (length ≥ nb·D·K) with the stacked Q of the nb points {@code z} (nb×D
   * row-major from {@code zOff}).
   */
  public void compute(double[] z, int zOff, int nb, double[] out) {
    if (nb > maxBlock) {
      throw new IllegalArgumentException("block of " + nb + " points exceeds " + maxBlock);
    }
    int rows = nb * dim;
    BLAS blas = BLAS.getInstance();
    if (structured != null) {
      structured.compute(z, zOff, nb, out);
    }
    for (int k = 0; structured == null && k < experts.length; k++) {
      Expert e = experts[k];
      for (int b = 0; b < nb; b++) {
        for (int d = 0; d < dim; d++) {
          diff[b * dim + d] = z[zOff + b * dim + d] - e.location[d];
        }
      }
      int col = k * rows;
      // Λ is symmetric, so its row-major array is also its column-major one.
      blas.dgemm("N", "N", dim, nb, dim, 1.0, e.dense(), 0, dim, diff, 0, dim, 0.0, out, col, dim);
      for (int b = 0; b < nb; b++) {
        int base = col + b * dim;
        double quad = 0;
        for (int d = 0; d < dim; d++) {
          quad += diff[b * dim + d] * out[base + d];
        }
        double scale = -2 / (1 + Math.max(quad, 0));
        for (int d = 0; d < dim; d++) {
          out[base + d] *= scale;
        }
      }
    }
    if (factor != null) {
      // Expert k's column is the D×nb column-major matrix of its nb score vectors: replaced by
      // Lᵀ times itself.
      for (int k = 0; k < experts.length; k++) {
        blas.dtrmm("L", "L", "T", "N", dim, nb, 1.0, factor, 0, dim, out, k * rows, dim);
      }
    }
  }

  public int numExperts() {
    return experts.length;
  }
}
