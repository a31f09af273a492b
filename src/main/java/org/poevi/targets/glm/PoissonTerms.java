package org.poevi.targets.glm;

/**
 * The Poisson log-link terms ℓ(y, η) = y η − e^η (the constant −log y! is left out: the target is
 * known up to a constant) and residuals y − e^η; e^η by {@link LogisticTerms#expAny}.
 */
interface PoissonTerms extends GlmTerms {
  /** The fastest implementation this JVM can run. */
  static GlmTerms best() {
    return GlmTerms.best("org.poevi.targets.glm.VectorPoissonTerms", new ScalarPoissonTerms());
  }
}
