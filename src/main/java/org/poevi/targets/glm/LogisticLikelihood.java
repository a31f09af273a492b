package org.poevi.targets.glm;

/**
 * The Bernoulli–logit likelihood Σ_i [y_i η_i − log(1 + e^{η_i})] with η = X z, for a batch of
 * points at once: the blocked products of {@link GlmLikelihood} with the terms of
 * {@link LogisticTerms}.
 */
public final class LogisticLikelihood extends GlmLikelihood {
  private static final long serialVersionUID = 1L;

  /** @param dim D, the columns of the design matrix */
  public LogisticLikelihood(int dim) {
    super(dim);
  }

  @Override
  java.util.Optional<String> slowPath() {
    return GlmTerms.slowPathOf(newTerms(), "logistic");
  }

  @Override
  ScalarGlmTerms scalarTerms() {
    return new ScalarLogisticTerms();
  }

  @Override
  GlmTerms newTerms() {
    return LogisticTerms.best();
  }

  /** The same sums one row and one point at a time, for tests of the blocked kernel. */
  static void addByRows(RowBlock block, double[] points, int n, double[] out) {
    int dim = block.columns();
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < block.rows(); i++) {
        double eta = 0;
        for (int d = 0; d < dim; d++) {
          eta += block.x()[i + d * block.rows()] * points[b * dim + d];
        }
        double yi = block.y()[i];
        out[b] += yi * eta - (Math.max(eta, 0) + Math.log1p(Math.exp(-Math.abs(eta))));
        double r = yi - 1 / (1 + Math.exp(-eta));
        for (int d = 0; d < dim; d++) {
          out[n + b * dim + d] += r * block.x()[i + d * block.rows()];
        }
      }
    }
  }
}
