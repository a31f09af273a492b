package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * AxisChoice's gain without a population: E_p[log q_b − log q_a] = KL(p; q_a) − KL(p; q_b) by
 * self-normalised importance sampling from both q's draws pooled (their defensive mixture).
 */
class PairedGainTest {
  private static final int N = 10_000;

  /** log N(z | mu, s²). */
  private static double logNormal(double z, double mu, double s) {
    double u = (z - mu) / s;
    return -0.5 * u * u - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
  }

  /**
   * p = N(0, 1) known up to a constant, q_a = N(0, 1.5²), q_b = N(0.3, 1): the gain is
   * KL(p; q_a) − KL(p; q_b) = (log 1.5 + 1/4.5 − 1/2) − (1.09/2 − 1/2), with KL(N(0, 1); N(μ, s²))
   * = log s + (1 + μ²)/(2s²) − 1/2. 10,000 draws of each q, seed 7; the estimate is within 4 of
   * its own standard errors (the delta method's). That standard error is also checked to be of
   * the order sd_p(f)/√n, f = log q_b − log q_a: sd_p(f) is 0.49 here, so 0.49/√20,000 = 0.0035
   * (an independent numpy run of the same estimator gave 0.0030); the bound 0.01 leaves room for
   * the weights' spread and would catch an SE that ignored the weights' normalisation.
   */
  @Test
  void theGainIsTheDifferenceOfTheTwoKls() {
    SplittableRandom rng = new SplittableRandom(7);
    double[] logP = new double[2 * N];
    double[] logQa = new double[2 * N];
    double[] logQb = new double[2 * N];
    for (int i = 0; i < 2 * N; i++) {
      double g = nextGaussian(rng);
      double z = i < N ? 1.5 * g : 0.3 + g;
      logP[i] = -0.5 * z * z + 3.0; // an unknown constant
      logQa[i] = logNormal(z, 0, 1.5);
      logQb[i] = logNormal(z, 0.3, 1);
    }
    double truth = (Math.log(1.5) + 1 / 4.5 - 0.5) - (1.09 / 2 - 0.5);
    double[] gain = AxisChoice.pairedGain(logP, logQa, logQb, N);
    assertTrue(gain[1] > 0 && gain[1] < 0.01, "standard error " + gain[1]);
    assertEquals(truth, gain[0], 4 * gain[1]);
  }

  /** Equal q's gain exactly nothing; a p̃ that is 0 at every draw gives −∞ (never kept). */
  @Test
  void equalQsGainNothing() {
    SplittableRandom rng = new SplittableRandom(8);
    double[] logP = new double[200];
    double[] logQ = new double[200];
    for (int i = 0; i < 200; i++) {
      double z = nextGaussian(rng);
      logP[i] = -0.5 * z * z;
      logQ[i] = logNormal(z, 0, 1);
    }
    double[] gain = AxisChoice.pairedGain(logP, logQ, logQ.clone(), 100);
    assertEquals(0.0, gain[0], 0.0);
    assertEquals(0.0, gain[1], 0.0);
    java.util.Arrays.fill(logP, Double.NEGATIVE_INFINITY);
    assertEquals(Double.NEGATIVE_INFINITY, AxisChoice.pairedGain(logP, logQ, logQ, 100)[0]);
  }

  private static double nextGaussian(SplittableRandom rng) {
    double u = rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
