package org.poevi.targets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties every synthetic target must have, on each target at its defaults and at other
 * parameters: the score against finite differences (near and far points), the analytic Hessian
 * against differences of the score, the Stein identity on exact draws, and serialisation.
 */
class SyntheticTargetsTest {
  /** Exact draws per Stein check (the brief asks for at least 20 000). */
  private static final int STEIN_DRAWS = 40_000;

  /** A target and points to check it at, from the bulk to far out in the tails. */
  record Case(String name, ExactTarget target, double[][] points) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("banana default", BananaTarget.of(2),
        new double[][] {{0, 0}, {1.3, -0.7}, {-4, 7}, {15, 100}}));
    cases.add(new Case("banana D=4 b<0", BananaTarget.of(4, 1.5, -0.3),
        new double[][] {{0, 0, 0, 0}, {0.5, -1, 2, -0.3}, {-9, 30, 12, -20}}));
    cases.add(new Case("funnel default", FunnelTarget.of(3),
        new double[][] {{0, 0, 0}, {-2, 0.1, -0.3}, {4, 10, -5}, {-8, 0.02, 0}, {-6, 3, 0.5}}));
    cases.add(new Case("funnel D=5 scale 1.5", FunnelTarget.of(5, 1.5),
        new double[][] {{1, 1, 1, 1, 1}, {-3, 0.1, -0.2, 0.05, 0}, {6, 30, -20, 0, 5}}));
    cases.add(new Case("student-t default", StudentTTarget.of(4, 3),
        new double[][] {{0, 0, 0, 0}, {1, -2, 0.5, 3}, {50, -80, 20, 10}}));
    cases.add(new Case("student-t correlated 3-D", StudentTTargetTest.correlated(),
        new double[][] {{0, 0, 0}, {1, -2, 0.5}, {30, 40, -60}}));
    cases.add(new Case("student-t D=2 dof 1.5", StudentTTarget.of(2, 1.5),
        new double[][] {{0, 0}, {0.3, -2}, {-300, 100}}));
    cases.add(new Case("sinh-arcsinh default", SinhArcsinhTarget.of(50),
        SinhArcsinhTargetTest.pointsFor(50)));
    cases.add(new Case("sinh-arcsinh D=6 light tails", SinhArcsinhTarget.of(6, -0.5, 1.4, -0.7),
        SinhArcsinhTargetTest.pointsFor(6)));
    cases.add(new Case("sinh-arcsinh D=1", SinhArcsinhTarget.of(1, 0.3, 0.7, 0.5),
        new double[][] {{0}, {1.7}, {-25}}));
    cases.add(new Case("gaussian-mixture default", GaussianMixtureTarget.defaultMixture(),
        new double[][] {{0, 0}, {-3, -1.5}, {1, 2}, {30, -40}}));
    cases.add(new Case("gaussian-mixture 3-D", GaussianMixtureTargetTest.threeDimensional(),
        new double[][] {{0, 0, 0}, {1, -1, 0.5}, {-20, 15, 30}}));
    cases.add(new Case("product-of-t 2-D", ProductOfTTargetTest.correlated2d(),
        new double[][] {{0, 0}, {1.3, -0.7}, {-4, 2.5}, {40, -25}}));
    cases.add(new Case("product-of-t 1-D skewed", ProductOfTTargetTest.skewed1d(),
        new double[][] {{0}, {2}, {-30}}));
    cases.add(new Case("product-of-t 3-D", ProductOfTTargetTest.threeDimensional(),
        new double[][] {{0, 0, 0}, {0.5, 1, -1}, {20, -30, 10}}));
    return cases;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void scoreMatchesFiniteDifferences(Case c) {
    for (double[] z : c.points()) {
      TargetChecks.assertGradient(c.target(), z, c.name());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hessianMatchesDifferencesOfTheScore(Case c) {
    for (double[] z : c.points()) {
      TargetChecks.assertHessian(c.target(), z, c.name());
    }
  }

  /** E_p[∇log p] = 0 on exact draws, within 4 standard errors per coordinate. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void meanScoreOfExactDrawsIsZero(Case c) {
    double[] draws = TargetChecks.draws(c.target(), 42, STEIN_DRAWS);
    TargetChecks.assertSteinIdentity(c.target(), draws, c.name());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void survivesSerialization(Case c) {
    ExactTarget original = c.target();
    ExactTarget copy = TargetChecks.roundTrip(original);
    assertNotSame(original, copy);
    assertEquals(original.getClass(), copy.getClass());
    assertEquals(original.toString(), copy.toString());
    assertEquals(original.parameterNames(), copy.parameterNames());
    assertEquals(original.logNormalizer(), copy.logNormalizer(), 0, c.name());
    int dim = original.dim();
    for (double[] z : c.points()) {
      double[] g1 = new double[dim];
      double[] g2 = new double[dim];
      assertEquals(original.logDensity(z, g1), copy.logDensity(z, g2), 0, c.name());
      assertArrayEquals(g1, g2, 0, c.name());
    }
    // The same stream gives the same draws.
    assertArrayEquals(TargetChecks.draws(original, 5, 10), TargetChecks.draws(copy, 5, 10), 0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void describesItself(Case c) {
    ExactTarget t = c.target();
    assertEquals(t.dim(), t.parameterNames().size());
    assertTrue(t.toString().startsWith(t.name() + "("), t.toString());
    assertTrue(Double.isFinite(t.logNormalizer()));
  }
}
