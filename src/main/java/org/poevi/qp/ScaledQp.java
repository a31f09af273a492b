package org.poevi.qp;

import java.util.Arrays;
import org.poevi.math.Cholesky;

/**
 * The α-step QP of {@link QpProblem} in Jacobi-scaled variables, as {@link OjAlgoQpSolver} hands
 * it to ojAlgo: α = τ D β with D = diag(d), d_k = 1/√G_kk, and τ = c / max_k d_k, so that
 *
 * <pre>
 *   minimise ½ βᵀĜβ − ĥᵀβ   subject to β ≥ 0, Σ_k a_k β_k ≥ 1,
 *   Ĝ = D G D (unit diagonal),  ĥ = D h / τ,  a_k = d_k / max_j d_j ∈ (0, 1],
 * </pre>
 *
 * and f(α) = τ² f̂(β) (see {@link OjAlgoQpSolver} for why). Also the maps between α and β, the
 * feasible starting points, and the unconstrained minimiser, whose Cholesky factorisation is the
 * check that G is numerically positive definite. Immutable after construction; the arrays are
 * read, never written, by their users.
 */
final class ScaledQp {
  final int numExperts;
  /** d_k = 1/√G_kk. */
  final double[] d;
  final double tau;
  /** Ĝ = D G D, row-major, symmetric with unit diagonal. */
  final double[] quadratic;
  /** ĥ = D h / τ. */
  final double[] linear;
  /** a_k = d_k / max d: the sum constraint reads Σ a_k β_k ≥ 1. */
  final double[] sumRow;

  ScaledQp(QpProblem problem) {
    int k = problem.numExperts();
    double[] g = problem.quadraticView();
    double[] h = problem.linearView();
    numExperts = k;
    d = new double[k];
    double maxD = 0;
    for (int i = 0; i < k; i++) {
      d[i] = 1 / Math.sqrt(g[i * k + i]);
      maxD = Math.max(maxD, d[i]);
    }
    tau = problem.minSum() / maxD;
    quadratic = new double[k * k];
    linear = new double[k];
    sumRow = new double[k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        quadratic[i * k + j] = d[i] * g[i * k + j] * d[j];
      }
      // Exactly 1: d_i² G_ii can be off by an ulp.
      quadratic[i * k + i] = 1;
      linear[i] = d[i] * h[i] / tau;
      sumRow[i] = d[i] / maxD;
    }
  }

  double[] toOriginal(double[] beta) {
    double[] alpha = new double[numExperts];
    for (int i = 0; i < numExperts; i++) {
      alpha[i] = tau * d[i] * beta[i];
    }
    return alpha;
  }

  double[] toScaled(double[] alpha) {
    double[] beta = new double[numExperts];
    for (int i = 0; i < numExperts; i++) {
      beta[i] = alpha[i] / (tau * d[i]);
    }
    return beta;
  }

  /**
   * A feasible point near β: negatives to 0, then scaled up to Σ a_k β_k = 1 if short of it,
   * or the uniform point on that hyperplane if nothing positive is left.
   */
  double[] feasible(double[] beta) {
    double[] out = new double[numExperts];
    double s = 0;
    for (int i = 0; i < numExperts; i++) {
      out[i] = Math.max(0, beta[i]);
      s += sumRow[i] * out[i];
    }
    if (s <= 0) {
      return uniform();
    } else if (s < 1) {
      for (int i = 0; i < numExperts; i++) {
        out[i] /= s;
      }
    }
    return out;
  }

  /** The point on the hyperplane Σ a_k β_k = 1 with all β_k equal: strictly feasible. */
  double[] uniform() {
    double rowSum = 0;
    for (double a : sumRow) {
      rowSum += a;
    }
    double[] out = new double[numExperts];
    Arrays.fill(out, 1 / rowSum);
    return out;
  }

  /** f̂(β) = ½ βᵀĜβ − ĥᵀβ. */
  double objective(double[] beta) {
    double quad = 0;
    double lin = 0;
    for (int i = 0; i < numExperts; i++) {
      double row = 0;
      for (int j = 0; j < numExperts; j++) {
        row += quadratic[i * numExperts + j] * beta[j];
      }
      quad += beta[i] * row;
      lin += linear[i] * beta[i];
    }
    return 0.5 * quad - lin;
  }

  /** Ĝ⁻¹ĥ by Cholesky, or {@code null} when Ĝ does not factor (G not positive definite). */
  double[] unconstrainedMinimiser() {
    double[] packed = Cholesky.pack(quadratic, numExperts);
    if (!Cholesky.factor(packed, 0, numExperts)) {
      return null;
    }
    double[] x = linear.clone();
    Cholesky.solveLower(packed, 0, numExperts, x, 0);
    Cholesky.solveLowerTransposed(packed, 0, numExperts, x, 0);
    return x;
  }
}
