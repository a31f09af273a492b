package org.poevi.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.math.RandomStreams;
import org.poevi.targets.SinhArcsinhTarget;

/** The oracle Gaussian's moments from independent draws, and their bias measured and removed. */
class OracleGaussianTest {
  private static double[] draws(SinhArcsinhTarget target, int n, long seed) {
    return Evaluate.exactDraws(target, n, RandomStreams.of(seed), 2);
  }

  /**
   * p = N(0, R) (sinh-arcsinh with skew 0 and tail 1), D = 40: the best Gaussian is p, so its KL
   * is 0. With moments from N = 20,000 independent draws the KL on the reference draws is high by
   * b = k/(2N) = 0.0215, k = D(D + 3)/2 = 860; the halves' estimate b̂ has an SD of about
   * √(2k)/(2·N/2)/√2 ≈ 0.0015 (each half's excess is a χ²_k/N, the whole's is nearly their
   * mean). Checked to 5 SD: b̂ = b ± 0.0075, and the corrected KL = 0 ± 0.0075 + 5 of its MC
   * SEs (log p − log q̂ varies a little from draw to draw). The in-sample Gaussian of n = 4,000
   * draws instead reports −2n·KL ~ χ²_k, a KL of −k/(2n) = −0.1075 ± 5·√(2k)/(2n) = ±0.026, and
   * states that optimism.
   */
  @Test
  void aGaussianTargetsBestGaussianHasKlZero() {
    int dim = 40;
    SinhArcsinhTarget p = SinhArcsinhTarget.of(dim, 0, 1, 0.5);
    double[] pDraws = draws(p, 4000, 1);
    LocalScoreEvaluator evaluator = new LocalScoreEvaluator(p, 2);
    OracleGaussian.Result held = OracleGaussian.heldOut(p, pDraws, p.logNormalizer(), evaluator,
        20_000, RandomStreams.of(2), 2);
    double k = dim * (dim + 3) / 2.0;
    assertEquals(20_000, held.momentDraws());
    assertEquals(k / 40_000, held.bias(), 0.0075, "bias of the held-out moments");
    Evaluation.Estimate kl = held.metrics().kl();
    assertEquals(0, kl.value(), 0.0075 + 5 * kl.standardError(), "best Gaussian's KL");
    OracleGaussian.Result in = OracleGaussian.inSample(p, pDraws, p.logNormalizer(), evaluator, 2);
    assertEquals(k / 8000, in.bias(), 1e-15);
    assertEquals(-k / 8000, in.metrics().kl().value(), 5 * Math.sqrt(2 * k) / 8000);
  }

  /**
   * A skewed, heavy-tailed p (sinh-arcsinh D = 30, skew 0.3, tail 0.7): the corrected KL from
   * N = 6,000 moment draws agrees with the one from 100 times as many on the same reference
   * draws. The uncorrected value is high by about k/(2N)·m = 0.041·m (k = 495; m ≥ 1 for heavy
   * tails, measured ≈ 1.1 here), the in-sample one low by about as much. The corrected one's
   * error is second order plus noise of SD about √(2k)/N·m ≈ 0.005: allowed 0.02 (4 SD), well
   * under the bias it removes. The SEs of the reference draws cancel (the same draws).
   */
  @Test
  void theHalvesRemoveTheBiasOfAHeavyTailedTarget() {
    SinhArcsinhTarget p = SinhArcsinhTarget.of(30, 0.3, 0.7, 0.5);
    double[] pDraws = draws(p, 4000, 3);
    LocalScoreEvaluator evaluator = new LocalScoreEvaluator(p, 2);
    OracleGaussian.Result small = OracleGaussian.heldOut(p, pDraws, p.logNormalizer(),
        evaluator, 6000, RandomStreams.of(4), 2);
    OracleGaussian.Result large = OracleGaussian.heldOut(p, pDraws, p.logNormalizer(),
        evaluator, 600_000, RandomStreams.of(5), 2);
    assertEquals(large.metrics().kl().value(), small.metrics().kl().value(), 0.02);
    // b̂ has an SD of about √(2k)/N·m = 0.0058 (m ≈ 1.1): 4 SD is 0.023, plus 0.005 for the
    // heavy tails' excess over k/(2N) measured at this seed (b̂ = 0.0466 against 0.0413).
    assertEquals(495.0 / 12_000, small.bias(), 0.03, "about k/(2N), a little more: heavy tails");
  }

  /** The moments' draws come from streams keyed by block: the same bits on 1 or 3 threads. */
  @Test
  void theSameBitsOnAnyNumberOfThreads() {
    SinhArcsinhTarget p = SinhArcsinhTarget.of(12, 0.3, 0.7, 0.5);
    double[] pDraws = draws(p, 3000, 6);
    OracleGaussian.Result one = OracleGaussian.heldOut(p, pDraws, p.logNormalizer(),
        new LocalScoreEvaluator(p, 1), 9000, RandomStreams.of(7), 1);
    OracleGaussian.Result three = OracleGaussian.heldOut(p, pDraws, p.logNormalizer(),
        new LocalScoreEvaluator(p, 3), 9000, RandomStreams.of(7), 3);
    assertEquals(one.metrics().kl().value(), three.metrics().kl().value(), 0.0);
    assertEquals(one.metrics().negLogLikelihood().value(),
        three.metrics().negLogLikelihood().value(), 0.0);
    assertEquals(one.metrics().fisher().value(), three.metrics().fisher().value(), 0.0);
    assertEquals(one.bias(), three.bias(), 0.0);
  }
}
