package org.poevi.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;

/**
 * k̂ on weights with a known tail: w = U^(−k) has a Pareto tail with shape k exactly. With S draws
 * the fit uses M = 3√S tail points, and the maximum-likelihood shape has standard error about
 * (1 + k)/√M; the prior moves k̂ towards 0.5 by 10/(M + 10) of the gap. Tolerance: 4 SE plus that
 * shrinkage.
 */
class ParetoTailTest {
  @Test
  void recoversKnownShapes() {
    int s = 100_000;
    double m = Math.ceil(3 * Math.sqrt(s));
    for (double k : new double[] {0.2, 0.5, 0.9}) {
      UniformRandomProvider rng = RandomStreams.of(5).stream((long) (k * 10));
      double[] logW = new double[s];
      for (int i = 0; i < s; i++) {
        logW[i] = -k * Math.log(RandomStreams.openClosedUniform(rng));
      }
      double khat = ParetoTail.khat(logW);
      double se = (1 + k) / Math.sqrt(m);
      double shrink = Math.abs(0.5 - k) * 10 / (m + 10);
      assertEquals(k, khat, 4 * se + shrink, "shape " + k);
    }
  }

  @Test
  void boundedWeightsHaveNegativeShape() {
    UniformRandomProvider rng = RandomStreams.of(6).stream(1);
    double[] logW = new double[20_000];
    for (int i = 0; i < logW.length; i++) {
      logW[i] = Math.log(rng.nextDouble());
    }
    // Uniform weights: a GPD tail with k = −1.
    assertTrue(ParetoTail.khat(logW) < 0, "uniform weights");
  }

  @Test
  void degenerateInputs() {
    double[] constant = new double[1000];
    Arrays.fill(constant, 2.5);
    assertEquals(Double.NEGATIVE_INFINITY, ParetoTail.khat(constant));
    assertTrue(Double.isNaN(ParetoTail.khat(new double[] {1, 2, 3})));
  }
}
