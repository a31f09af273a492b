package org.poevi.fit;

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
}
