package org.poevi.targets.glm;

/**
 * The Poisson log-link likelihood Σ_i [y_i η_i − e^{η_i}] (without Σ log y_i!, a constant) with
 * η = X z, for a batch of points: the blocked products of {@link GlmLikelihood} with the
 * terms of {@link PoissonTerms}.
 */
public final class PoissonLikelihood extends GlmLikelihood {
  private static final long serialVersionUID = 1L;

  /** @param dim D, the columns of the design matrix */
  public PoissonLikelihood(int dim) {
    super(dim);
  }

  @Override
  java.util.Optional<String> slowPath() {
    return GlmTerms.slowPathOf(newTerms(), "Poisson");
  }

  @Override
  ScalarGlmTerms scalarTerms() {
    return new ScalarPoissonTerms();
  }

  @Override
  GlmTerms newTerms() {
    return PoissonTerms.best();
  }
}
