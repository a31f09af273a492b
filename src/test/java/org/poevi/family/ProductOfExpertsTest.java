package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.math.MultivariateT;
import org.poevi.testing.GradientCheck;

/** Density, score and Q(z) of the family, and its validation. */
class ProductOfExpertsTest {
  private static final double[][] POINTS = {{0, 0}, {1.3, -0.7}, {-4, 2.5}, {40, -25}};

  @Test
  void scoreMatchesFiniteDifferences() {
    for (TestModels.Case c : List.of(TestModels.correlated2d(), TestModels.singular2d(),
        TestModels.bimodal2d())) {
      ProductOfExperts f = c.family();
      for (double[] z : POINTS) {
        GradientCheck.assertGradient(f::logDensityUnnormalized, f::score, z, c.name());
      }
    }
  }

  /** Column k of Q(z) is ∇(−log A_k(z)): checked for every expert, including inactive ones. */
  @Test
  void qColumnsAreGradientsOfMinusLogA() {
    ProductOfExperts f = ProductOfExperts.of(TestModels.correlated2d().family().experts(),
        new double[] {2, 0, 1.5});
    for (double[] z : POINTS) {
      double[] q = f.qMatrix(z);
      for (int k = 0; k < f.numExperts(); k++) {
        Expert e = f.expert(k);
        int col = k;
        GradientCheck.assertGradient(x -> -Math.log(e.a(x)),
            (x, g) -> System.arraycopy(q, col * 2, g, 0, 2), z, "column " + k);
      }
    }
  }

  /** ∇log q = Q(z)·α, and inactive experts do not enter the score. */
  @Test
  void scoreIsQTimesAlpha() {
    double[] alpha = {2, 0, 1.5};
    ProductOfExperts f = ProductOfExperts.of(TestModels.correlated2d().family().experts(), alpha);
    double[] z = {0.4, -1.1};
    double[] q = f.qMatrix(z);
    double[] score = f.score(z);
    for (int d = 0; d < 2; d++) {
      double s = 0;
      for (int k = 0; k < 3; k++) {
        s += q[k * 2 + d] * alpha[k];
      }
      assertEquals(s, score[d], 1e-14 * Math.max(1, Math.abs(s)));
    }
    // Q has a leading dimension: writing into a taller buffer leaves the padding alone.
    double[] padded = new double[3 * 5];
    java.util.Arrays.fill(padded, 7);
    f.qMatrix(z, padded, 0, 5);
    assertEquals(q[2], padded[5]);
    assertEquals(7, padded[4]);
  }

  /** One expert with α = (ν + D)/2 and Λ = Σ⁻¹/ν is the multivariate t_ν(μ, Σ). */
  @Test
  void singleExpertIsAStudentT() {
    double[] precision = {2, 0.5, 0.5, 1};
    double[] scatter = {1 / 1.75, -0.5 / 1.75, -0.5 / 1.75, 2 / 1.75};
    double dof = 5;
    double[] mu = {0.3, -1};
    ProductOfExperts f = ProductOfExperts.of(List.of(Expert.studentT(mu, precision, dof)),
        new double[] {(dof + 2) / 2});
    MultivariateT t = MultivariateT.of(mu, scatter, dof);
    double[] scratch = new double[2];
    double offset = t.logDensity(POINTS[0], 0, scratch) - f.logDensityUnnormalized(POINTS[0]);
    for (double[] z : POINTS) {
      assertEquals(offset, t.logDensity(z, 0, scratch) - f.logDensityUnnormalized(z), 1e-12);
    }
    assertEquals(dof, f.dof(), 1e-15);
  }

  @Test
  void normalisabilityFollowsTheNullSpaceLattice() {
    Expert full = TestModels.expert2d(0, 0, 1, 0, 1);
    Expert rankOneX = TestModels.expert2d(0, 0, 1, 0, 0);
    Expert rankOneY = TestModels.expert2d(0, 0, 0, 0, 1);
    // 2Σα ≤ D.
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ProductOfExperts.of(List.of(full), new double[] {1}));
    assertTrue(e.getMessage().contains("must exceed the dimension"), e.getMessage());
    // Along y only the full-rank expert constrains: 2·0.4 ≤ 1 fails although 2Σα = 20.8 > 2.
    e = assertThrows(InvalidInputException.class,
        () -> ProductOfExperts.of(List.of(full, rankOneX), new double[] {0.4, 10}));
    assertTrue(e.getMessage().contains("null space shared by experts [1]"), e.getMessage());
    ProductOfExperts ok = ProductOfExperts.of(List.of(full, rankOneX), new double[] {0.6, 10});
    assertEquals(2 * 0.6 - 1, ok.minTailDof(), 1e-12);
    assertEquals(1.2, ok.minDecayExponent(), 1e-12);
    // No full-rank expert, yet normalisable: (1 + x²)^(−α)(1 + y²)^(−α) with α > 1/2.
    ProductOfExperts pair = ProductOfExperts.of(List.of(rankOneX, rankOneY),
        new double[] {0.7, 0.7});
    assertEquals(0.4, pair.minTailDof(), 1e-12);
    assertThrows(InvalidInputException.class,
        () -> ProductOfExperts.of(List.of(rankOneX, rankOneX), new double[] {3, 3}));
    // α = 0 experts drop out, and all-zero α is an error.
    assertThrows(InvalidInputException.class,
        () -> ProductOfExperts.of(List.of(full, full), new double[] {0, 0}));
    assertThrows(InvalidInputException.class,
        () -> ProductOfExperts.of(List.of(full, rankOneX), new double[] {0, 10}));
  }

  @Test
  void badInputIsNamed() {
    Expert full = TestModels.expert2d(0, 0, 1, 0, 1);
    assertMessage(() -> ProductOfExperts.of(List.of(full), new double[] {Double.NaN}),
        "alpha[0]");
    assertMessage(() -> ProductOfExperts.of(List.of(full), new double[] {-1}), "alpha[0]");
    assertMessage(() -> ProductOfExperts.of(List.of(full), new double[] {1, 2}), "2 entries");
    assertMessage(() -> ProductOfExperts.of(List.of(full, TestModels.expert1d(0, 1)),
        new double[] {2, 2}), "dimension");
    assertMessage(() -> Expert.of(new double[] {0, Double.POSITIVE_INFINITY},
        new double[] {1, 0, 0, 1}), "location[1]");
    assertMessage(() -> Expert.of(new double[] {0, 0}, new double[] {1, 0, Double.NaN, 1}),
        "lambda[1][0]");
    assertMessage(() -> Expert.of(new double[] {0, 0}, new double[] {1, 0.5, 0.2, 1}),
        "symmetric");
    assertMessage(() -> Expert.of(new double[] {0, 0}, new double[] {1, 2, 2, 1}),
        "eigenvalue");
    assertMessage(() -> Expert.of(new double[] {0, 0}, new double[] {1, 0, 0}), "entries");
    ProductOfExperts f = ProductOfExperts.of(List.of(full), new double[] {2});
    assertMessage(() -> f.logDensityUnnormalized(new double[] {1}), "coordinates");
  }

  /** A rounding-level negative eigenvalue of a singular Λ is clamped, not rejected. */
  @Test
  void roundingLevelIndefinitenessIsClamped() {
    double a = 1.0 / 3;
    Expert e = Expert.of(new double[] {0, 0}, new double[] {a, Math.sqrt(a * 2.0 / 3),
        Math.sqrt(a * 2.0 / 3), 2.0 / 3});
    assertEquals(1, e.rank());
    assertTrue(!e.isFullRank());
  }

  private static void assertMessage(Runnable r, String fragment) {
    InvalidInputException e = assertThrows(InvalidInputException.class, r::run);
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }
}
