package org.poevi.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.junit.jupiter.api.Test;

class LogMeanEstimateTest {
  /**
   * Log-normal values v = e^{σ y}: E v = e^{σ²/2}. The estimate lands within 4 of its own SEs, and
   * the SE matches the delta-method formula √((e^{σ²} − 1)/n) within 4 standard errors of a sample
   * sd, whose relative SE is √((κ − 1)/(4n)) with the log-normal kurtosis
   * κ = e^{4σ²} + 2e^{3σ²} + 3e^{2σ²} − 6 = 5.90 at σ = 0.5: 0.35% at n = 100 000, so 1.4%.
   */
  @Test
  void logNormalMean() {
    double sigma = 0.5;
    int n = 100_000;
    UniformRandomProvider rng = RandomStreams.of(2).stream(1);
    var normal = ZigguratSampler.NormalizedGaussian.of(rng);
    double[] lv = new double[n];
    for (int i = 0; i < n; i++) {
      lv[i] = sigma * normal.sample() + 700; // far beyond exp's range: the shift must handle it
    }
    LogMeanEstimate e = LogMeanEstimate.of(lv);
    assertEquals(700 + sigma * sigma / 2, e.estimate(), 4 * e.standardError());
    assertEquals(Math.sqrt(Math.expm1(sigma * sigma) / n), e.standardError(),
        0.014 * e.standardError());
    assertTrue(e.isReliable());
    assertEquals(n, e.draws());
  }

  /** Weights with a Pareto tail of shape 1.2 (infinite mean pre-asymptotically): unreliable. */
  @Test
  void heavyTailIsFlagged() {
    UniformRandomProvider rng = RandomStreams.of(3).stream(1);
    double[] lv = new double[20_000];
    for (int i = 0; i < lv.length; i++) {
      lv[i] = -1.2 * Math.log(RandomStreams.openClosedUniform(rng));
    }
    LogMeanEstimate e = LogMeanEstimate.of(lv);
    assertTrue(e.khat() > 0.7, "k-hat " + e.khat());
    assertFalse(e.isReliable());
  }

  /**
   * The Pareto fit needs a tail of ⌈min(0.2·n, 3√n)⌉ ≥ 5 weights, so n ≥ 21. With 20 draws k̂ is
   * NaN: the tail is unchecked and the estimate is not reliable though its standard error is a
   * number. One draw more gives a k̂, and these light-tailed weights (log-normal, σ = 0.5, whose
   * k is 0) are then reliable: a 5-weight tail is dominated by the prior's pull towards 0.5.
   */
  @Test
  void tooFewDrawsToCheckTheTailAreNotReliable() {
    var normal = ZigguratSampler.NormalizedGaussian.of(RandomStreams.of(4).stream(1));
    double[] lv = new double[21];
    for (int i = 0; i < lv.length; i++) {
      lv[i] = 0.5 * normal.sample();
    }
    LogMeanEstimate few = LogMeanEstimate.of(lv, 0, 20);
    assertTrue(Double.isNaN(few.khat()), "k-hat " + few.khat());
    assertTrue(Double.isFinite(few.standardError()));
    assertFalse(few.isReliable());
    LogMeanEstimate enough = LogMeanEstimate.of(lv, 0, 21);
    assertTrue(enough.khat() <= 0.7, "k-hat " + enough.khat());
    assertTrue(enough.isReliable());
  }

  /** Weights that do not vary have no tail at all (k̂ = −∞): reliable, unlike a NaN k̂. */
  @Test
  void weightsThatDoNotVaryAreReliable() {
    double[] lv = new double[100];
    java.util.Arrays.fill(lv, 3);
    LogMeanEstimate e = LogMeanEstimate.of(lv);
    assertEquals(Double.NEGATIVE_INFINITY, e.khat());
    assertEquals(0, e.standardError());
    assertTrue(e.isReliable());
  }

  @Test
  void zeroWeightsCount() {
    double[] lv = {0, Double.NEGATIVE_INFINITY, 0, Double.NEGATIVE_INFINITY};
    LogMeanEstimate e = LogMeanEstimate.of(lv);
    assertEquals(Math.log(0.5), e.estimate(), 1e-15);
    assertEquals(2, e.ess(), 1e-12);
  }
}
