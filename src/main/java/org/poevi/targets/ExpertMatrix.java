package org.poevi.targets;

import dev.ludovic.netlib.blas.BLAS;
import java.util.Map;
import org.poevi.family.Expert;
import org.poevi.family.SharedMetric;

/**
 * One expert's Λ for a target's closed-form Hessian: the dense row-major D×D matrix of a dense
 * expert, or c·M + U Uᵀ of a structured one without forming Λ (the metric M is shared, so K
 * structured experts cost one D×D matrix, not K).
 */
final class ExpertMatrix {
  private final int dim;
  private final double[] location;
  /** Row-major Λ (dense experts), or M (structured ones). */
  private final double[] matrix;
  /** c (structured), or 1. */
  private final double scale;
  /** U, D×r column-major (structured experts), else empty. */
  private final double[] lowRank;
  private final int rank;

  /** @param metrics the matrices of the metrics seen so far, shared between experts */
  ExpertMatrix(Expert e, Map<SharedMetric, double[]> metrics) {
    this.dim = e.dim();
    this.location = e.location();
    if (e.isStructured()) {
      this.matrix = metrics.computeIfAbsent(e.metric(), SharedMetric::matrix);
      this.scale = e.metricScale();
      this.lowRank = e.lowRank();
    } else {
      this.matrix = e.lambda();
      this.scale = 1;
      this.lowRank = new double[0];
    }
    this.rank = lowRank.length / dim;
  }

  /**
   * r = z − μ and u = Λ r; returns rᵀ Λ r.
   *
   * @param r receives z − μ (length D)
   * @param u receives Λ (z − μ) (length D)
   */
  double apply(double[] z, double[] r, double[] u) {
    for (int d = 0; d < dim; d++) {
      r[d] = z[d] - location[d];
    }
    BLAS blas = BLAS.getInstance();
    // Row-major M is symmetric, so its column-major reading is the same matrix.
    blas.dgemv("N", dim, dim, scale, matrix, 0, dim, r, 0, 1, 0.0, u, 0, 1);
    for (int j = 0; j < rank; j++) {
      double t = blas.ddot(dim, lowRank, j * dim, 1, r, 0, 1);
      blas.daxpy(dim, t, lowRank, j * dim, 1, u, 0, 1);
    }
    return blas.ddot(dim, r, 0, 1, u, 0, 1);
  }

  /** out += c·Λ (row-major D×D). */
  void addTo(double c, double[] out) {
    BLAS blas = BLAS.getInstance();
    blas.daxpy(dim * dim, c * scale, matrix, 0, 1, out, 0, 1);
    if (rank > 0) {
      // U Uᵀ is symmetric, so row- and column-major agree.
      blas.dgemm("N", "T", dim, dim, rank, c, lowRank, 0, dim, lowRank, 0, dim, 1.0, out, 0, dim);
    }
  }
}
