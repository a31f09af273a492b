package org.poevi.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/**
 * Dirichlet draws: marginals w_k ~ Beta(α_k, α₀ − α_k), checked by Kolmogorov–Smirnov at
 * p &lt; 0.001 (false-alarm rate 0.1% per marginal); log w is exact even where w underflows.
 */
class LogDirichletSamplerTest {
  private static final int N = 50_000;

  @Test
  void marginalsAreBeta() {
    double[][] cases = {{0.05, 0.3, 2}, {1, 1, 1}, {7, 0.6, 12, 0.9}};
    for (double[] alpha : cases) {
      LogDirichletSampler.Bound s = LogDirichletSampler.of(alpha).bind(
          RandomStreams.of(17).stream(1));
      int k = alpha.length;
      double total = 0;
      for (double a : alpha) {
        total += a;
      }
      double[][] marginals = new double[k][N];
      double[] logW = new double[k];
      double[] w = new double[k];
      for (int i = 0; i < N; i++) {
        s.sample(w, 0, logW, 0);
        double sum = 0;
        for (int j = 0; j < k; j++) {
          sum += w[j];
          // w and log w come by different roundings; exp turns an absolute error ε·|log w| in
          // log w into that relative error in w, hence the |log w| factor.
          assertEquals(Math.exp(logW[j]), w[j],
              8 * Math.ulp(1.0) * (1 + Math.abs(logW[j])) * Math.max(w[j], Double.MIN_NORMAL));
          // log-space marginals: exact where w itself would round to a subnormal or 0.
          marginals[j][i] = logW[j];
        }
        assertEquals(1, sum, 1e-12);
      }
      for (int j = 0; j < k; j++) {
        BetaDistribution beta = BetaDistribution.of(alpha[j], total - alpha[j]);
        double p = KolmogorovSmirnovTest.withDefaults()
            .test(marginals[j], x -> beta.cumulativeProbability(Math.exp(x))).getPValue();
        assertTrue(p > 1e-3, "alpha " + java.util.Arrays.toString(alpha) + " marginal " + j
            + ": p = " + p);
      }
    }
  }

  /**
   * With α = 0.01 most gamma draws would underflow to 0 in linear space; in log space the vector
   * stays on the simplex, with finite log w and the largest w at least 1/K.
   */
  @Test
  void tinyConcentrationsDoNotUnderflow() {
    double[] alpha = {0.01, 0.01, 0.01};
    LogDirichletSampler.Bound s = LogDirichletSampler.of(alpha).bind(RandomStreams.of(3)
        .stream(1));
    double[] logW = new double[3];
    double[] w = new double[3];
    int hugeExponents = 0;
    for (int i = 0; i < 10_000; i++) {
      s.sample(w, 0, logW, 0);
      // The largest weight is at least 1/K for any vector on the simplex; this fails on NaN or a
      // vector that underflowed to zero.
      double max = Math.max(w[0], Math.max(w[1], w[2]));
      assertTrue(max >= 1.0 / 3, "largest weight " + max);
      for (double lw : logW) {
        assertTrue(Double.isFinite(lw) && lw <= 0, "log w " + lw);
        if (lw < -745) {
          hugeExponents++;
        }
      }
    }
    // Under Beta(0.01, 0.02), P(w < ε) ≈ ε^0.01/(0.01·B(0.01, 0.02)) with B ≈ 150, so
    // P(w < e^{−745}) ≈ e^{−7.45}/1.5 ≈ 0.04%: about 12 of the 30 000 components, which only log
    // space can represent (P(none) ≈ e^{−12}).
    assertTrue(hugeExponents > 0);
  }

  @Test
  void rejectsBadConcentrations() {
    assertThrows(IllegalArgumentException.class, () -> LogDirichletSampler.of(new double[0]));
    assertThrows(IllegalArgumentException.class,
        () -> LogDirichletSampler.of(new double[] {1, 0}));
    assertThrows(IllegalArgumentException.class,
        () -> LogDirichletSampler.of(new double[] {1, Double.NaN}));
  }
}
