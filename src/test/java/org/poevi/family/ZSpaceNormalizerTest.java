package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.junit.jupiter.api.Test;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;

/** The z-space check's proposal fit: what it leaves out, when it gives up, what it lets through. */
class ZSpaceNormalizerTest {
  private static final int DIM = 2;
  private static final double DOF = 4;

  /**
   * Rows that say nothing about where q's mass is are left out of the fit: a degenerate Feynman
   * draw (NaN, weight 0), an overflowed t draw (∞), a NaN weight and a zero weight. The rest give
   * exactly the fit of the clean rows alone (same rows, same order, so the same bits), whereas
   * the fit of all rows fails: one NaN row used to cost the whole check.
   */
  @Test
  void fitLeavesOutRowsThatCarryNothing() {
    UniformRandomProvider rng = RandomStreams.of(5).stream(1);
    var normal = ZigguratSampler.NormalizedGaussian.of(rng);
    int clean = 500;
    double[] points = new double[(clean + 4) * DIM];
    double[] weights = new double[clean + 4];
    for (int i = 0; i < clean; i++) {
      points[i * DIM] = normal.sample();
      points[i * DIM + 1] = 3 + 2 * normal.sample();
      weights[i] = 1 - rng.nextDouble(); // in (0, 1]
    }
    double[][] junk = {{Double.NaN, Double.NaN}, {Double.POSITIVE_INFINITY, 1}, {0.5, 0.5},
        {0.25, 0.25}};
    double[] junkWeights = {0, 0.3, Double.NaN, 0};
    for (int j = 0; j < junk.length; j++) {
      System.arraycopy(junk[j], 0, points, (clean + j) * DIM, DIM);
      weights[clean + j] = junkWeights[j];
    }
    MultivariateT expected = MultivariateT.fit(Arrays.copyOf(points, clean * DIM),
        Arrays.copyOf(weights, clean), DIM, DOF, 50, ZSpaceNormalizer.INFLATION);
    MultivariateT actual = ZSpaceNormalizer.fitted(points, weights, DIM, DOF);
    assertNotNull(actual);
    assertArrayEquals(expected.location(), actual.location());
    double[] at = {0.3, 2.0};
    double[] scratch = new double[DIM];
    assertEquals(expected.logDensity(at, 0, scratch), actual.logDensity(at, 0, scratch));
    assertThrows(IllegalArgumentException.class, () -> MultivariateT.fit(points, weights, DIM,
        DOF, 50, ZSpaceNormalizer.INFLATION));
  }

  /**
   * The legitimate failures give no proposal (and the caller a {@link ZSpaceNormalizer.Result}
   * failure) rather than an exception: no row to fit, or rows spread so far (±k·10²⁰⁰) that the
   * fit's squared MAD start overflows, so its scatter is not positive definite.
   */
  @Test
  void fitGivesUpWhenNothingCanBeFitted() {
    double[] allNaN = new double[10 * DIM];
    Arrays.fill(allNaN, Double.NaN);
    assertNull(ZSpaceNormalizer.fitted(allNaN, null, DIM, DOF));
    double[] spread = new double[100 * DIM];
    for (int i = 0; i < 100; i++) {
      spread[i * DIM] = (i % 2 == 0 ? 1 : -1) * (i + 1) * 1e200;
      spread[i * DIM + 1] = i;
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MultivariateT.fit(spread, null, DIM, DOF, 50, ZSpaceNormalizer.INFLATION));
    assertTrue(e.getMessage().contains("not positive definite"), e.getMessage());
    assertNull(ZSpaceNormalizer.fitted(spread, null, DIM, DOF));
  }

  /**
   * Anything but a failed fit propagates: one final draw is a caller's error (no standard error
   * from one draw), which the old catch-all turned into a NaN estimate.
   */
  @Test
  void anUnexpectedExceptionPropagates() {
    ProductOfExperts f = TestModels.correlated2d().family();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ZSpaceNormalizer.estimate(f, RandomStreams.of(1), 0, 1, 2));
    assertTrue(e.getMessage().contains("at least 2 draws"), e.getMessage());
  }
}
