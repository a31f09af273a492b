package org.poevi.family;

import org.apache.commons.numbers.gamma.Digamma;
import org.apache.commons.numbers.gamma.Trigamma;

/** The maximum-likelihood Dirichlet of weighted draws on the simplex ({@link WeightProposal}). */
final class DirichletFit {
  private DirichletFit() {}

  /**
   * Fits Dir(β) to weighted draws summarised by their weighted means of w_k, w_k² and log w_k:
   * moment matching for a start, then Minka's fixed point for the maximum-likelihood β.
   *
   * @return β, or null when the statistics are degenerate (no spread) and no fit exists
   */
  static double[] fit(double[] meanW, double[] meanW2, double[] meanLogW) {
    int k = meanW.length;
    // Moment start: Var(w_k) = m_k(1 − m_k)/(β₀ + 1), averaged over components.
    double precision = 0;
    int used = 0;
    for (int i = 0; i < k; i++) {
      double var = meanW2[i] - meanW[i] * meanW[i];
      if (var > 0 && meanW[i] > 0 && meanW[i] < 1) {
        precision += meanW[i] * (1 - meanW[i]) / var - 1;
        used++;
      }
    }
    if (used == 0 || !(precision > 0)) {
      return null;
    }
    precision /= used;
    double[] beta = new double[k];
    for (int i = 0; i < k; i++) {
      beta[i] = Math.max(meanW[i] * precision, 1e-3);
    }
    for (int it = 0; it < 1000; it++) {
      double sum = 0;
      for (double b : beta) {
        sum += b;
      }
      double psiSum = Digamma.value(sum);
      double change = 0;
      for (int i = 0; i < k; i++) {
        double next = inverseDigamma(psiSum + meanLogW[i]);
        change = Math.max(change, Math.abs(next - beta[i]) / beta[i]);
        beta[i] = next;
      }
      if (change < 1e-10) {
        break;
      }
    }
    for (double b : beta) {
      if (!(b > 0) || Double.isInfinite(b)) {
        return null;
      }
    }
    return beta;
  }

  /** ψ⁻¹(x) by Newton's method from Minka's starting point. */
  static double inverseDigamma(double x) {
    double y = x >= -2.22 ? Math.exp(x) + 0.5 : -1 / (x + 0.5772156649015329);
    for (int i = 0; i < 6; i++) {
      y -= (Digamma.value(y) - x) / Trigamma.value(y);
    }
    return y;
  }
}
