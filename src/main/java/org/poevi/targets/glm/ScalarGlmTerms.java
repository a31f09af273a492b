package org.poevi.targets.glm;

/**
 * {@link GlmTerms} one element at a time. The sum order is the reference for every
 * implementation: element i of each full group of eight goes to partial sum i, the partial sums
 * are combined as ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)), and then the sum of the last
 * m mod 8 elements, in order, is added.
 */
abstract class ScalarGlmTerms implements GlmTerms {
  /** ℓ(y[yi], eta[i]); writes the residual at {@code residual[i]}. */
  abstract double term(double[] eta, int i, double[] y, int yi, double[] residual,
      double[] scratch);

  /** w[yi]·ℓ(y[yi], eta[i]) with the residual weighted too (no weights: the term itself). */
  private double weighted(double[] eta, int i, double[] y, int yi, double[] w,
      double[] residual, double[] scratch) {
    double t = term(eta, i, y, yi, residual, scratch);
    if (w == null) {
      return t;
    }
    residual[i] *= w[yi];
    return t * w[yi];
  }

  @Override
  public double apply(double[] eta, int etaOff, int m, double[] y, int yOff, double[] w,
      double[] residual, double[] partial) {
    double[] scratch = new double[2];
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    double s4 = 0;
    double s5 = 0;
    double s6 = 0;
    double s7 = 0;
    int bound = m - m % 8;
    for (int i = 0; i < bound; i += 8) {
      s0 += weighted(eta, etaOff + i, y, yOff + i, w, residual, scratch);
      s1 += weighted(eta, etaOff + i + 1, y, yOff + i + 1, w, residual, scratch);
      s2 += weighted(eta, etaOff + i + 2, y, yOff + i + 2, w, residual, scratch);
      s3 += weighted(eta, etaOff + i + 3, y, yOff + i + 3, w, residual, scratch);
      s4 += weighted(eta, etaOff + i + 4, y, yOff + i + 4, w, residual, scratch);
      s5 += weighted(eta, etaOff + i + 5, y, yOff + i + 5, w, residual, scratch);
      s6 += weighted(eta, etaOff + i + 6, y, yOff + i + 6, w, residual, scratch);
      s7 += weighted(eta, etaOff + i + 7, y, yOff + i + 7, w, residual, scratch);
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
        + tail(eta, etaOff + bound, m - bound, y, yOff + bound, w, residual);
  }

  /** The sum of m (fewer than 8) elements, in order. */
  double tail(double[] eta, int etaOff, int m, double[] y, int yOff, double[] w,
      double[] residual) {
    double[] scratch = new double[2];
    double sum = 0;
    for (int i = 0; i < m; i++) {
      sum += weighted(eta, etaOff + i, y, yOff + i, w, residual, scratch);
    }
    return sum;
  }
}
