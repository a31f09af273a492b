package org.poevi.target;

/** {@link LogisticTerms} one element at a time. */
final class ScalarLogisticTerms implements LogisticTerms {
  @Override
  public double apply(double[] eta, int etaOff, int m, double[] y, int yOff, double[] residual,
      double[] terms) {
    for (int i = 0; i < m; i++) {
      double e = eta[etaOff + i];
      double yi = y[yOff + i];
      double a = LogisticTerms.exp(-Math.abs(e));
      double inv = 1 / (1 + a);
      terms[etaOff + i] = yi * e - (Math.max(e, 0) + LogisticTerms.log1p(a));
      residual[etaOff + i] = yi - (e >= 0 ? inv : a * inv);
    }
    return LogisticTerms.fixedSum(terms, etaOff, m);
  }
}
