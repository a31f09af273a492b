package org.poevi.family;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Q(z) for a block of points when every expert is structured with one shared metric,
 * Λ_k = c_k·M + U_k U_kᵀ (issue #20): the columns g_k(z) = −2 Λ_k (z − μ_k)/A_k(z) without a
 * D×D product per expert. Per block, one product with M (or with Lᵀ, whitened) and one
 * {@code dgemm} with the stacked low-rank columns; then per expert and point
 * Λ_k(z − μ_k) = c_k(Mz − Mμ_k) + U_k(U_kᵀz − U_kᵀμ_k), O(D·(1 + r_k)) flops. So a block costs
 * about 2·D²·nb + 4·D·nb·Σ_k(1 + r_k) flops, against 2·K·D²·nb for dense experts.
 *
 * <p>Whitened ({@link ScoreBasis#whitened}): the score metric is S = M⁻¹, in which the objective
 * ‖Fᵀ(∇log q − ∇log p)‖² with F Fᵀ = M⁻¹ may use F = L⁻ᵀ (M = L Lᵀ). Then every column is
 * L⁻¹ g_k = −2(c_k(x − x_k) + V_k V_kᵀ(x − x_k))/A_k in x = Lᵀz, V_k = L⁻¹U_k, and the target's
 * scores are mapped by L⁻¹ ({@link ScoreBasis#transformScores}).
 *
 * <p>Not thread-safe: one instance per thread.
 */
final class StructuredQ {
  private final int dim;
  private final int count;
  private final int lowRank;
  private final boolean whitened;
  private final SharedMetric metric;
  private final double[] scale;
  /** D×K: Mμ_k, or x_k = Lᵀμ_k when whitened. */
  private final double[] images;
  /** D×K: μ_k (the locations in the frame of the differences: x_k when whitened). */
  private final double[] locations;
  /** D×m: the columns of the U_k (V_k = L⁻¹U_k when whitened). */
  private final double[] columns;
  private final int[] owner;
  /** u_jᵀμ_owner(j) (v_jᵀx_owner(j) when whitened). */
  private final double[] offsets;
  private final double[] image;
  private final double[] frame;
  private final double[] projections;
  private final double[] row;

  StructuredQ(Expert[] experts, boolean whitened, int maxBlock) {
    this.dim = experts[0].dim;
    this.count = experts.length;
    this.whitened = whitened;
    this.metric = experts[0].metric;
    int m = 0;
    for (Expert e : experts) {
      m += e.lowRankCount;
    }
    this.lowRank = m;
    this.scale = new double[count];
    this.images = new double[dim * count];
    this.locations = new double[dim * count];
    this.columns = new double[dim * m];
    this.owner = new int[m];
    this.offsets = new double[m];
    for (int k = 0, j = 0; k < count; k++) {
      Expert e = experts[k];
      scale[k] = e.metricScale;
      System.arraycopy(e.location, 0, locations, k * dim, dim);
      if (whitened) {
        metric.whiten(locations, k * dim);
        System.arraycopy(locations, k * dim, images, k * dim, dim);
      } else {
        metric.multiply(e.location, 0, images, k * dim);
      }
      for (int r = 0; r < e.lowRankCount; r++, j++) {
        System.arraycopy(e.lowRank, r * dim, columns, j * dim, dim);
        if (whitened) {
          metric.solveLower(columns, j * dim);
        }
        owner[j] = k;
        double s = 0;
        for (int d = 0; d < dim; d++) {
          s += columns[j * dim + d] * locations[k * dim + d];
        }
        offsets[j] = s;
      }
    }
    this.image = new double[dim * maxBlock];
    this.frame = whitened ? image : null;
    this.projections = new double[Math.max(m, 1) * maxBlock];
    this.row = new double[dim];
  }

  /** As {@link QMatrixBlock#compute}: out (nb·D)×K column-major, unscaled by any factor. */
  void compute(double[] z, int zOff, int nb, double[] out) {
    BLAS blas = BLAS.getInstance();
    int rows = nb * dim;
    System.arraycopy(z, zOff, image, 0, rows);
    if (whitened) {
      blas.dtrmm("L", "L", "T", "N", dim, nb, 1.0, metric.factor, 0, dim, image, 0, dim);
    } else {
      // M is symmetric: its row-major array is also its column-major one.
      blas.dgemm("N", "N", dim, nb, dim, 1.0, metric.matrix, 0, dim, z, zOff, dim, 0.0, image,
          0, dim);
    }
    double[] points = whitened ? frame : z;
    int pointsOff = whitened ? 0 : zOff;
    if (lowRank > 0) {
      blas.dgemm("T", "N", lowRank, nb, dim, 1.0, columns, 0, dim, points, pointsOff, dim, 0.0,
          projections, 0, lowRank);
    }
    for (int k = 0, first = 0; k < count; k++) {
      int last = first;
      while (last < lowRank && owner[last] == k) {
        last++;
      }
      int col = k * rows;
      for (int b = 0; b < nb; b++) {
        int pb = pointsOff + b * dim;
        double c = scale[k];
        for (int d = 0; d < dim; d++) {
          row[d] = c * (image[b * dim + d] - images[k * dim + d]);
        }
        for (int j = first; j < last; j++) {
          double t = projections[b * lowRank + j] - offsets[j];
          for (int d = 0; d < dim; d++) {
            row[d] += t * columns[j * dim + d];
          }
        }
        double quad = 0;
        for (int d = 0; d < dim; d++) {
          quad += (points[pb + d] - locations[k * dim + d]) * row[d];
        }
        double factor = -2 / (1 + Math.max(quad, 0));
        for (int d = 0; d < dim; d++) {
          out[col + b * dim + d] = factor * row[d];
        }
      }
      first = last;
    }
  }
}
