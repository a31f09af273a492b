package org.poevi.targets.glm;

/** {@link PoissonTerms} one element at a time (the sum order of {@link ScalarGlmTerms}). */
final class ScalarPoissonTerms extends ScalarGlmTerms implements PoissonTerms {
  @Override
  double term(double[] eta, int i, double[] y, int yi, double[] residual, double[] scratch) {
    double e = eta[i];
    double mu = LogisticTerms.expAny(e);
    residual[i] = y[yi] - mu;
    return y[yi] * e - mu;
  }
}
