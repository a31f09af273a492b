package org.poevi.family;

import org.poevi.math.Lbfgs;
import org.poevi.math.MultivariateT;
import org.poevi.math.SymmetricEigen;

/**
 * q's Laplace approximation as a t, one of the starts (and defensive components) of
 * {@link ZSpaceNormalizer}'s proposal when the Feynman weights are degenerate.
 */
final class LaplaceApproximation {
  private LaplaceApproximation() {}

  /**
   * A t around q's highest mode with scatter twice the inverse negative Hessian of log q̃ there:
   * the mode by L-BFGS from the α-weighted mean of the active locations, the Hessian in closed
   * form, ∇²log q̃ = Σ_k α_k (−2Λ_k/A_k + 4 Λ_k d_k d_kᵀ Λ_k/A_k²), d_k = z − μ_k.
   */
  static MultivariateT of(ProductOfExperts family, double dof) {
    int dim = family.dim;
    double[] start = new double[dim];
    for (int k : family.active) {
      for (int d = 0; d < dim; d++) {
        start[d] += family.alpha[k] / family.alphaSum * family.experts[k].location[d];
      }
    }
    Lbfgs.Result mode = Lbfgs.of(500, 10, 1e-10, 1e-14).minimize((z, g) -> {
      family.score(z, g);
      for (int d = 0; d < dim; d++) {
        g[d] = -g[d];
      }
      return -family.logDensityUnnormalized(z);
    }, start);
    double[] z = mode.x();
    double[] negHessian = new double[dim * dim];
    double[] ld = new double[dim];
    for (int k : family.active) {
      Expert e = family.experts[k];
      double[] lambda = e.dense();
      double a = e.a(z);
      for (int i = 0; i < dim; i++) {
        double s = 0;
        for (int j = 0; j < dim; j++) {
          s += lambda[i * dim + j] * (z[j] - e.location[j]);
        }
        ld[i] = s;
      }
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          negHessian[i * dim + j] += family.alpha[k]
              * (2 * lambda[i * dim + j] / a - 4 * ld[i] * ld[j] / (a * a));
        }
      }
    }
    SymmetricEigen eigen = SymmetricEigen.of(negHessian, dim);
    double[] values = eigen.values();
    double[] vectors = eigen.vectors();
    double floor = Math.max(1e-8 * Math.abs(eigen.maxValue()), Double.MIN_NORMAL);
    double[] scatter = new double[dim * dim];
    for (int m = 0; m < dim; m++) {
      double v = 2 / Math.max(values[m], floor);
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          scatter[i * dim + j] += v * vectors[i * dim + m] * vectors[j * dim + m];
        }
      }
    }
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < i; j++) {
        double avg = 0.5 * (scatter[i * dim + j] + scatter[j * dim + i]);
        scatter[i * dim + j] = avg;
        scatter[j * dim + i] = avg;
      }
    }
    return MultivariateT.of(z, scatter, dof);
  }
}
