package org.poevi.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.family.Expert;
import org.poevi.family.PoeModel;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.RandomStreams;
import org.poevi.results.Evaluate;

/** The random product of t experts of issue #20: its density, its exact draws and its scale. */
class RandomProductOfTTest {
  private static ProductOfTTarget target(int dim, int experts, int rank, double dof, long seed) {
    return ProductOfTTarget.of(RandomProductOfT.model(dim, experts, rank, dof, 0.5, seed));
  }

  /** The seed fixes the model; the tails have the asked degrees of freedom, 2Σα − D = ν. */
  @Test
  void theSeedFixesTheModelAndDofIsTheTails() {
    PoeModel a = RandomProductOfT.model(30, 3, 2, 7, 0.3, 5);
    PoeModel b = RandomProductOfT.model(30, 3, 2, 7, 0.3, 5);
    PoeModel c = RandomProductOfT.model(30, 3, 2, 7, 0.3, 6);
    assertEquals(a.toJson(), b.toJson());
    assertNotEquals(a.toJson(), c.toJson());
    assertEquals(7, a.family().dof(), 1e-12);
    for (int k = 0; k < 3; k++) {
      assertTrue(a.family().expert(k).isStructured());
      assertEquals(30 * 2, a.family().expert(k).lowRank().length);
    }
  }

  /** Values out of range name their key; the reader adds the target. prefix (TargetsTest). */
  @Test
  void badValuesNameTheKey() {
    assertEquals("dimension must be 1 to 10000, got 0", assertThrows(InvalidInputException.class,
        () -> RandomProductOfT.model(0, 4, 2, 5, 0.5, 1)).getMessage());
    assertEquals("rank must be 0 to dimension = 3, got 4", assertThrows(
        InvalidInputException.class, () -> RandomProductOfT.model(3, 4, 4, 5, 0.5, 1))
        .getMessage());
    assertEquals("dof must be finite and > 0, got -1.0", assertThrows(
        InvalidInputException.class, () -> RandomProductOfT.model(3, 4, 1, -1, 0.5, 1))
        .getMessage());
    assertEquals("correlation must be in [0, 1), got 1.0", assertThrows(
        InvalidInputException.class, () -> RandomProductOfT.model(3, 4, 1, 5, 1, 1))
        .getMessage());
    assertEquals("experts must be 1 to 1000, got 0", assertThrows(InvalidInputException.class,
        () -> RandomProductOfT.model(3, 0, 1, 5, 0.5, 1)).getMessage());
  }

  /**
   * The structured score (one triangular product each way, no D×D per expert) against the dense
   * formulas of the same experts: the same sums in another order, so equal to rounding, 1e-10 of
   * the largest term.
   */
  @Test
  void structuredScoreEqualsTheDenseOne() {
    ProductOfExperts structured = RandomProductOfT.model(60, 4, 3, 4, 0.5, 2).family();
    List<Expert> dense = new ArrayList<>();
    for (int k = 0; k < structured.numExperts(); k++) {
      Expert e = structured.expert(k);
      dense.add(Expert.of(e.location(), e.lambda()));
    }
    ProductOfExperts plain = ProductOfExperts.of(dense, structured.alpha());
    double[] z = new double[60];
    var rng = RandomStreams.of(3).stream(1);
    for (int trial = 0; trial < 5; trial++) {
      for (int d = 0; d < 60; d++) {
        z[d] = 3 * (rng.nextDouble() - 0.5);
      }
      double[] g = new double[60];
      double lp = structured.logDensityAndScore(z, g);
      double[] expected = plain.score(z);
      double scale = 0;
      for (double v : expected) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int d = 0; d < 60; d++) {
        assertEquals(expected[d], g[d], 1e-10 * scale, "score " + d);
      }
      double reference = plain.logDensityUnnormalized(z);
      assertEquals(reference, lp, 1e-10 * Math.abs(reference));
    }
  }

  /** Every gradient and the closed-form Hessian against finite differences. */
  @Test
  void gradientAndHessianMatchFiniteDifferences() {
    ProductOfTTarget t = target(12, 3, 3, 3, 4);
    double[] draws = Evaluate.exactDraws(t, 3, RandomStreams.of(5), 1);
    for (int i = 0; i < 3; i++) {
      double[] z = java.util.Arrays.copyOfRange(draws, i * 12, (i + 1) * 12);
      TargetChecks.assertGradient(t, z, "draw " + i);
      TargetChecks.assertHessian(t, z, "draw " + i);
    }
  }

  /**
   * In 1-D (three experts of rank 1 over a scalar metric), the draws follow the density; the
   * quadrature is centred on the experts' mean location, in units of the first expert's width.
   */
  @Test
  void exactDrawsFollowTheDensityIn1d() {
    ProductOfTTarget t = target(1, 3, 1, 5, 7);
    double center = 0;
    for (int k = 0; k < 3; k++) {
      center += t.family().expert(k).location()[0] / 3;
    }
    double width = 1 / Math.sqrt(t.family().expert(0).lambda()[0]);
    TargetChecks.assertDrawsFollowTheDensityIn1d(t, center, width, 8, 20_000);
  }

  /**
   * At D = 40 the exact draws satisfy Stein's identities: E[∇log p] = 0 coordinate by coordinate
   * and E[∇log p · (z − m)] = −D (integration by parts, ν = 6 > 2 so both exist), each within
   * {@value TargetChecks#Z} standard errors of the same draws.
   */
  @Test
  void exactDrawsSatisfySteinsIdentitiesAtD40() {
    int dim = 40;
    ProductOfTTarget t = target(dim, 4, 2, 6, 9);
    int n = 20_000;
    double[] draws = Evaluate.exactDraws(t, n, RandomStreams.of(10), 2);
    TargetChecks.assertSteinIdentity(t, draws, t.toString());
    double[] mean = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        mean[d] += draws[i * dim + d] / n;
      }
    }
    double sum = 0;
    double sumSq = 0;
    double[] z = new double[dim];
    double[] g = new double[dim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(draws, i * dim, z, 0, dim);
      t.logDensity(z, g);
      double v = 0;
      for (int d = 0; d < dim; d++) {
        v += g[d] * (z[d] - mean[d]);
      }
      sum += v;
      sumSq += v * v;
    }
    double m = sum / n;
    double se = Math.sqrt((sumSq / n - m * m) / (n - 1));
    assertEquals(-dim, m, TargetChecks.Z * se, "E[score . (z - mean)]");
  }

  /**
   * At D = 1000 the target is practical: exact sampling accepts a useful fraction of its
   * proposals and the normaliser meets its standard error with the first batch of draws.
   */
  @Test
  void theD1000TargetSamplesExactly() {
    ProductOfTTarget t = target(1000, 4, 2, 5, 1);
    assertTrue(t.acceptanceRate() > 0.01, t.toString() + ": acceptance " + t.acceptanceRate());
    assertEquals(ProductOfTTarget.INITIAL_NORMALIZER_DRAWS, t.normalizerDraws(), 256);
    double[] draws = new double[4 * 1000];
    t.sample(RandomStreams.of(1).stream(2), 4, draws, 0);
    for (double v : draws) {
      assertTrue(Double.isFinite(v));
    }
  }

  /** The serialised target (experts and metric, no dense Λ) gives the same densities. */
  @Test
  void serialisationKeepsTheDensity() {
    ProductOfTTarget t = target(20, 3, 2, 4, 11);
    ProductOfTTarget back = TargetChecks.roundTrip(t);
    double[] z = Evaluate.exactDraws(t, 1, RandomStreams.of(12), 1);
    double[] g1 = new double[20];
    double[] g2 = new double[20];
    assertEquals(t.logDensity(z.clone(), g1), back.logDensity(z.clone(), g2), 0);
    org.junit.jupiter.api.Assertions.assertArrayEquals(g1, g2, 0);
    assertEquals(t.logNormalizer(), back.logNormalizer(), 0);
  }
}
