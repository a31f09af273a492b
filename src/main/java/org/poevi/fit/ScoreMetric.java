package org.poevi.fit;

/**
 * The metric of the score-matching objective (key {@code fit.metric}): how score differences
 * ∇log q − ∇log p are measured ({@link org.poevi.family.ScoreBasis}).
 */
public enum ScoreMetric implements ConfigChoice {
  /**
   * ‖Lᵀ(∇log q − ∇log p)‖² with S = L Lᵀ the preliminary Gaussian's covariance (the default):
   * the objective in whitened coordinates, invariant to affine reparameterisation, so that a
   * narrow direction does not dominate the fit (docs/benchmarks.md, posteriordb).
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
