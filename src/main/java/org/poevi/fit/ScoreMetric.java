package org.poevi.fit;

import java.util.List;
import org.poevi.family.Expert;
import org.poevi.family.ScoreBasis;
import org.poevi.math.Cholesky;

/**
 * The metric of the score-matching objective (key {@code fit.metric}): how score differences
 * ∇log q − ∇log p are measured ({@link org.poevi.family.ScoreBasis}).
 */
public enum ScoreMetric implements ConfigChoice {
  /**
   * ‖Lᵀ(∇log q − ∇log p)‖² with S = L Lᵀ = F⁻¹, F = E_p[∇log p ∇log pᵀ] the score's second
   * moment (the Fisher information of a location), estimated on the preliminary Gaussian's last
   * importance round or the MALA population (the default). For a Gaussian p, F⁻¹ is p's
   * covariance, so this is the objective in whitened coordinates; it is invariant to affine
   * reparameterisation, and a narrow direction no longer dominates the fit. Unlike the
   * covariance, F⁻¹ stays small along a funnel's neck, where the scores are large
   * (docs/design-study.md, docs/benchmarks.md).
   */
  INFORMATION("information"),
  /**
   * As information with S the preliminary Gaussian's covariance: the same for Gaussian-like
   * targets, much worse on Neal's funnel (KL ratio 9.8 against 1.2).
   */
  COVARIANCE("covariance"),
  /** ‖∇log q − ∇log p‖², the paper's. */
  IDENTITY("identity");

  private final String label;

  ScoreMetric(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }

  public static ScoreMetric parse(String s) {
    return ConfigChoice.parse(values(), "fit.metric", s);
  }

  /** The experts as the objective sees them: in this metric, from the preliminary Gaussian. */
  List<Expert> basis(List<Expert> experts, GaussianFit gaussian) {
    int dim = experts.get(0).dim();
    if (this != IDENTITY && ScoreBasis.sharedMetric(experts) != null) {
      // Structured experts around M = S⁻¹ (issue #20): the covariance metric in M's whitened
      // frame, where Q needs no D×D product per expert; the information metric is taken as
      // the same (F = S⁻¹ for a Gaussian p, and exactly so for a Laplace preliminary).
      return ScoreBasis.whitened(experts);
    }
    return switch (this) {
      case COVARIANCE -> ScoreBasis.of(experts, Hessians.floored(gaussian.covariance(), dim, 0,
          Hessians.MAX_CONDITION));
      case INFORMATION -> ScoreBasis.of(experts, informationMetric(gaussian, dim));
      case IDENTITY -> experts;
    };
  }

  /**
   * F⁻¹ with F = E_p[∇log p ∇log pᵀ] (eigenvalues floored at 1e-8 of the largest); the
   * covariance S when F is zero (no importance round had any weight).
   */
  private static double[] informationMetric(GaussianFit gaussian, int dim) {
    double[] f = gaussian.information();
    if (!(Hessians.eigenRange(f, dim)[1] > 0)) {
      return Hessians.floored(gaussian.covariance(), dim, 0, Hessians.MAX_CONDITION);
    }
    return Cholesky.inverse(Hessians.floored(f, dim, 0, Hessians.MAX_CONDITION), dim);
  }
}
