package org.poevi.targets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.CauchyDistribution;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link VaryingInterceptsTarget} and its data: the score and Hessian against finite differences,
 * the log density against a row-by-row evaluation with Commons Statistics densities, the
 * generated data against the model that generated it, determinism by seed, and the edges.
 */
class VaryingInterceptsTargetTest {
  private static VaryingInterceptsTarget target(int groups) {
    return VaryingInterceptsTarget.of(VaryingInterceptsData.of(groups, 20, 1, 1, 2, 1));
  }

  /**
   * A point near the posterior (the truth moved by N(0, 0.3²) per coordinate) or, when {@code
   * wide}, anywhere plausible (θ_j ~ N(0, 2²), log τ and log σ ~ N(0, 1)).
   */
  private static double[] point(VaryingInterceptsTarget t, SplittableRandom rng, boolean wide) {
    double[] z = new double[t.dim()];
    double[] truth = t.truth();
    for (int d = 0; d < z.length; d++) {
      double center = d == 1 || d == 2 ? Math.log(truth[d]) : truth[d];
      z[d] = wide ? (d < 3 ? 1 : 2) * gaussian(rng) : center + 0.3 * gaussian(rng);
    }
    return z;
  }

  private static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI
        * rng.nextDouble());
  }

  @ParameterizedTest(name = "J = {0}")
  @ValueSource(ints = {1, 7, 500})
  void gradientMatchesFiniteDifferences(int groups) {
    VaryingInterceptsTarget t = target(groups);
    SplittableRandom rng = new SplittableRandom(2025 + groups);
    for (int r = 0; r < 4; r++) {
      double[] z = point(t, rng, r % 2 == 1);
      TargetChecks.assertGradient(t, z, "J = " + groups + ", point " + r);
    }
  }

  @Test
  void hessianMatchesDifferencedGradients() {
    SplittableRandom rng = new SplittableRandom(7);
    VaryingInterceptsTarget small = target(7);
    for (int r = 0; r < 4; r++) {
      TargetChecks.assertHessian(small, point(small, rng, r % 2 == 1), "J = 7, point " + r);
    }
    VaryingInterceptsTarget large = target(500);
    TargetChecks.assertHessian(large, point(large, rng, false), "J = 500");
  }

  /**
   * log p̃ against the model written row by row with Commons Statistics densities (normalised),
   * minus the constants the target drops: −(N + J + 2)/2·log 2π from the N + J + 2 normal
   * densities, −3 log 5 from the prior scales, and 2 log 2 − log π from the half-densities and the
   * Cauchy. The two sum N + J + 3 terms of size about 1 in different orders: rounding about
   * N·ε|term| ≈ 1e-12 relative, so 1e-9 leaves a wide margin while a wrong term is O(1).
   */
  @ParameterizedTest(name = "J = {0}")
  @ValueSource(ints = {1, 7, 500})
  void logDensityMatchesRowByRow(int groups) {
    VaryingInterceptsData data = VaryingInterceptsData.of(groups, 20, -3, 0.7, 1.5, 11);
    VaryingInterceptsTarget t = VaryingInterceptsTarget.of(data);
    SplittableRandom rng = new SplittableRandom(groups);
    for (int r = 0; r < 3; r++) {
      double[] z = point(t, rng, r == 2);
      double expected = rowByRow(data, z);
      double rows = data.rows();
      double dropped = -0.5 * (rows + groups + 2) * Math.log(2 * Math.PI) - 3 * Math.log(5)
          + 2 * Math.log(2) - Math.log(Math.PI);
      assertEquals(expected, t.logDensity(z) + dropped, 1e-9 * Math.abs(expected),
          "J = " + groups + ", point " + r);
    }
  }

  /** The normalised log density on the unconstrained scale, from every row. */
  private static double rowByRow(VaryingInterceptsData data, double[] z) {
    double mu = z[0];
    double tau = Math.exp(z[1]);
    double sigma = Math.exp(z[2]);
    double lp = NormalDistribution.of(0, 5).logDensity(mu)
        + Math.log(2) + CauchyDistribution.of(0, 5).logDensity(tau) + z[1]
        + Math.log(2) + NormalDistribution.of(0, 5).logDensity(sigma) + z[2];
    NormalDistribution effect = NormalDistribution.of(0, tau);
    for (int j = 0; j < data.groups(); j++) {
      double theta = z[3 + j];
      lp += effect.logDensity(theta);
      NormalDistribution row = NormalDistribution.of(mu + theta, sigma);
      for (double y : data.group(j)) {
        lp += row.logDensity(y);
      }
    }
    return lp;
  }

  /**
   * The data follow the model: θ_j/τ ~ N(0, 1), √n(ȳ_j − μ − θ_j)/σ ~ N(0, 1) (KS at α = 0.001
   * each) and W/σ² ~ χ²(J(n − 1)) (two-sided tail probability at least 0.001).
   */
  @Test
  void dataFollowTheModel() {
    VaryingInterceptsData data = VaryingInterceptsData.of(2000, 5, 4, 1.5, 0.5, 3);
    double[] theta = data.trueTheta();
    double[] effects = new double[theta.length];
    double[] noise = new double[theta.length];
    double meanSd = 0.5 / Math.sqrt(5);
    for (int j = 0; j < theta.length; j++) {
      effects[j] = theta[j] / 1.5;
      noise[j] = (data.mean(j) - 4 - theta[j]) / meanSd;
    }
    NormalDistribution standard = NormalDistribution.of(0, 1);
    TargetChecks.assertKs(effects, standard::cumulativeProbability, "theta / tau");
    TargetChecks.assertKs(noise, standard::cumulativeProbability, "group means");
    ChiSquaredDistribution chi2 = ChiSquaredDistribution.of(2000 * 4);
    double w = data.withinSquares() / (0.5 * 0.5);
    double tail = Math.min(chi2.cumulativeProbability(w), chi2.survivalProbability(w));
    assertTrue(2 * tail >= 1e-3, "W / sigma^2 = " + w + " on " + 2000 * 4 + " dof");
  }

  @Test
  void theSameSeedGivesTheSameDataAndAnotherSeedOther() {
    VaryingInterceptsData a = VaryingInterceptsData.of(50, 20, 1, 1, 2, 5);
    VaryingInterceptsData b = VaryingInterceptsData.of(50, 20, 1, 1, 2, 5);
    VaryingInterceptsData c = VaryingInterceptsData.of(50, 20, 1, 1, 2, 6);
    assertArrayEquals(a.trueTheta(), b.trueTheta(), 0);
    assertEquals(a.withinSquares(), b.withinSquares(), 0);
    for (int j = 0; j < 50; j++) {
      assertArrayEquals(a.group(j), b.group(j), 0);
      assertFalse(a.group(j)[0] == c.group(j)[0], "group " + j + " under another seed");
    }
    assertFalse(a.trueTheta()[0] == c.trueTheta()[0]);
    assertFalse(a.withinSquares() == c.withinSquares());
    // Group j's truth and rows do not depend on how many groups follow it.
    VaryingInterceptsData more = VaryingInterceptsData.of(500, 20, 1, 1, 2, 5);
    for (int j = 0; j < 50; j++) {
      assertArrayEquals(a.group(j), more.group(j), 0);
      assertEquals(a.mean(j), more.mean(j), 0);
    }
  }

  @Test
  void namesConstrainsAndReportsTheTruth() {
    VaryingInterceptsData data = VaryingInterceptsData.of(2, 20, 1, 1.5, 2, 1);
    VaryingInterceptsTarget t = VaryingInterceptsTarget.of(data);
    assertEquals(5, t.dim());
    assertEquals(List.of("mu", "log_tau", "log_sigma", "theta[1]", "theta[2]"),
        t.parameterNames());
    assertEquals(List.of("mu", "tau", "sigma", "theta[1]", "theta[2]"), t.constrainedNames());
    double[] out = new double[5];
    t.constrain(new double[] {0.5, Math.log(3), Math.log(0.25), -1, 2}, out);
    assertArrayEquals(new double[] {0.5, 3, 0.25, -1, 2}, out, 1e-15);
    double[] theta = data.trueTheta();
    assertArrayEquals(new double[] {1, 1.5, 2, theta[0], theta[1]}, t.truth(), 0);
  }

  @Test
  void survivesSerialisation() {
    VaryingInterceptsTarget t = target(30);
    VaryingInterceptsTarget copy = TargetChecks.roundTrip(t);
    double[] z = point(t, new SplittableRandom(3), false);
    assertEquals(t.logDensity(z), copy.logDensity(z), 0);
    assertEquals(t.toString(), copy.toString());
  }

  /** Where 1/τ or 1/σ overflows: −∞, never NaN; tiny scales with zero terms stay finite. */
  @Test
  void extremeScalesAreMinusInfinityNotNaN() {
    VaryingInterceptsTarget t = target(3);
    double[] g = new double[t.dim()];
    assertEquals(Double.NEGATIVE_INFINITY, t.logDensity(new double[] {0, -800, 0, 0, 0, 0}, g));
    assertEquals(Double.NEGATIVE_INFINITY, t.logDensity(new double[] {0, 0, -800, 0, 0, 0}, g));
    double value = t.logDensity(new double[] {0, 400, 400, 1, 1, 1}, g);
    assertEquals(Double.NEGATIVE_INFINITY, value);
    for (double v : g) {
      assertFalse(Double.isNaN(v), "score entry " + v);
    }
    // τ = e^−500: 1/τ² overflows, but θ = 0 contributes nothing (the funnel's unbounded neck).
    value = t.logDensity(new double[] {0, -500, 0, 0, 0, 0}, g);
    assertTrue(Double.isFinite(value), "log density " + value);
    for (double v : g) {
      assertTrue(Double.isFinite(v), "score entry " + v);
    }
  }

  @Test
  void rejectsBadData() {
    BananaTargetTest.assertMessage("groups must be between 1 and 9997, got 0",
        () -> VaryingInterceptsData.of(0, 20, 1, 1, 2, 1));
    BananaTargetTest.assertMessage("rows-per-group must be between 1 and 10000, got 10001",
        () -> VaryingInterceptsData.of(5, 10_001, 1, 1, 2, 1));
    BananaTargetTest.assertMessage("mu must be finite, got Infinity",
        () -> VaryingInterceptsData.of(5, 20, Double.POSITIVE_INFINITY, 1, 2, 1));
    BananaTargetTest.assertMessage("tau must be > 0, got -1.0",
        () -> VaryingInterceptsData.of(5, 20, 1, -1, 2, 1));
    BananaTargetTest.assertMessage("sigma must be finite, got NaN",
        () -> VaryingInterceptsData.of(5, 20, 1, 1, Double.NaN, 1));
  }
}
