package org.poevi.qp;

/**
 * The scaled KKT residual of a point α for the QP of {@link QpProblem}: how far α is from
 * certifying itself as the minimiser, as a dimensionless number.
 *
 * <p>With g = Gα − h, the KKT conditions are: α ≥ 0, Σα ≥ c (primal feasibility); a multiplier
 * μ ≥ 0 of the sum constraint with g_k − μ ≥ 0 for every k and α_k (g_k − μ) = 0 (stationarity,
 * dual feasibility and complementary slackness of the bounds); μ (Σα − c) = 0. Because G is
 * positive definite these conditions characterise the unique minimiser. μ is estimated as the
 * α-weighted mean of g, clipped at 0: on the free set g_k = μ exactly at the minimiser, so the
 * estimate is exact there, and entries of α that should be zero but are tiny carry a tiny weight.
 *
 * <p>Each condition is measured relative to the size of the numbers it is computed from, so the
 * residual is a backward error that does not depend on the scale of G, h or c:
 * <ul>
 *   <li>bounds: |min(G_kk α_k, g_k − μ)| / (Σ_j |G_kj α_j| + |h_k| + μ): the natural
 *       (min-map) residual of the complementarity pair (α_k ≥ 0, g_k − μ ≥ 0), with α_k turned
 *       into gradient units by G_kk, over the magnitude of the terms that make up g_k − μ;
 *   <li>sum: min((Σα − c)/c, μ/(max_k(Σ_j |G_kj α_j| + |h_k|) + μ)), the same min-map for the
 *       pair (Σα − c ≥ 0, μ ≥ 0);
 *   <li>feasibility: max(0, −α_k)/max|α| and max(0, c − Σα)/c.
 * </ul>
 * A residual r means α is the exact minimiser of a problem whose gradient data differ by a
 * relative r (componentwise); rounding alone gives about K·ε.
 */
final class KktResidual {
  private KktResidual() {}

  /** The largest of the scaled violations above; +∞ if α has a non-finite entry. */
  static double of(double[] quadratic, double[] linear, double minSum, double[] alpha) {
    int k = linear.length;
    double[] gradient = new double[k];
    double[] magnitude = new double[k];
    double sum = 0;
    double maxAlpha = 0;
    double weighted = 0;
    for (int i = 0; i < k; i++) {
      double ai = alpha[i];
      if (!Double.isFinite(ai)) {
        return Double.POSITIVE_INFINITY;
      }
      double g = -linear[i];
      double m = Math.abs(linear[i]);
      for (int j = 0; j < k; j++) {
        double t = quadratic[i * k + j] * alpha[j];
        g += t;
        m += Math.abs(t);
      }
      gradient[i] = g;
      magnitude[i] = m;
      sum += ai;
      maxAlpha = Math.max(maxAlpha, Math.abs(ai));
    }
    double positiveSum = 0;
    double maxMagnitude = 0;
    for (int i = 0; i < k; i++) {
      if (alpha[i] > 0) {
        weighted += alpha[i] * gradient[i];
        positiveSum += alpha[i];
      }
      maxMagnitude = Math.max(maxMagnitude, magnitude[i]);
    }
    double mu = positiveSum > 0 ? Math.max(0, weighted / positiveSum) : 0;

    double residual = Math.max(0, minSum - sum) / minSum;
    for (int i = 0; i < k; i++) {
      if (alpha[i] < 0) {
        residual = Math.max(residual, -alpha[i] / maxAlpha);
      }
      double natural = Math.min(quadratic[i * k + i] * alpha[i], gradient[i] - mu);
      double scale = magnitude[i] + mu;
      if (scale > 0) {
        residual = Math.max(residual, Math.abs(natural) / scale);
      }
    }
    double slack = Math.max(0, sum - minSum) / minSum;
    double price = maxMagnitude + mu > 0 ? mu / (maxMagnitude + mu) : 0;
    return Math.max(residual, Math.min(slack, price));
  }
}
