package org.poevi.targets.glm;

/**
 * The Gaussian part of a linear regression's likelihood at unit noise scale: Σ_i −(y_i − η_i)²/2
 * with η = X β, for a batch of points β at once (the blocked products of {@link GlmLikelihood}).
 * The residuals r_i = y_i − η_i are the derivatives, so the gradient is Xᵀr.
 * {@link RegressionTarget} scales both by e^{−2u} for the noise scale σ = e^u.
 */
public final class GaussianLikelihood extends GlmLikelihood {
  private static final long serialVersionUID = 1L;

  /** @param dim D, the columns of the design matrix */
  public GaussianLikelihood(int dim) {
    super(dim);
  }

  @Override
  ScalarGlmTerms scalarTerms() {
    return new GaussianTerms();
  }

  @Override
  GlmTerms newTerms() {
    return new GaussianTerms();
  }

  /**
   * −r²/2 and r = y − η, one element at a time. Only IEEE operations, so there is no vector
   * variant to keep in step: the JIT cannot change these bits.
   */
  static final class GaussianTerms extends ScalarGlmTerms {
    @Override
    double term(double[] eta, int i, double[] y, int yi, double[] residual, double[] scratch) {
      double r = y[yi] - eta[i];
      residual[i] = r;
      return -0.5 * (r * r);
    }
  }
}
