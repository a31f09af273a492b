package org.poevi.targets.glm;

/** {@link LogisticTerms} one element at a time (the sum order of {@link ScalarGlmTerms}). */
final class ScalarLogisticTerms extends ScalarGlmTerms implements LogisticTerms {
  @Override
  double term(double[] eta, int i, double[] y, int yi, double[] residual, double[] scratch) {
    double e = eta[i];
    double a = LogisticTerms.exp(-Math.abs(e));
    LogisticTerms.log1pAndInverse(a, scratch);
    double inv = scratch[1];
    residual[i] = y[yi] - (e >= 0 ? inv : a * inv);
    return y[yi] * e - (Math.max(e, 0) + scratch[0]);
  }
}
