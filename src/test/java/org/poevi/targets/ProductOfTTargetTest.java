package org.poevi.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.commons.statistics.distribution.TDistribution;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.family.Expert;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.MultivariateT;
import org.poevi.testing.Quadrature;

class ProductOfTTargetTest {
  private static final int KS_DRAWS = 20_000;

  static Expert expert(double[] mu, double... lambda) {
    return Expert.of(mu, lambda);
  }

  /** Three correlated full-rank 2-D experts. */
  static ProductOfTTarget correlated2d() {
    return ProductOfTTarget.of(ProductOfExperts.of(List.of(
        expert(new double[] {0, 0}, 1, 0.6, 0.6, 1),
        expert(new double[] {1, -1}, 0.5, -0.2, -0.2, 2),
        expert(new double[] {-1, 0.5}, 0.3, 0, 0, 0.3)), new double[] {2, 1.5, 1}));
  }

  /** Three 1-D experts of different location, width and weight: a skewed density. */
  static ProductOfTTarget skewed1d() {
    return ProductOfTTarget.of(ProductOfExperts.of(List.of(
        expert(new double[] {0}, 1), expert(new double[] {1.5}, 0.2),
        expert(new double[] {-0.5}, 4)), new double[] {1.5, 1.0, 0.7}));
  }

  /** Three 3-D experts, one of them inactive and singular (inactive experts may be). */
  static ProductOfTTarget threeDimensional() {
    return ProductOfTTarget.of(ProductOfExperts.of(List.of(
        expert(new double[] {0, 0, 0}, 1, 0.2, 0, 0.2, 0.8, 0.1, 0, 0.1, 0.6),
        expert(new double[] {1, -0.5, 0.5}, 0.5, 0, 0.1, 0, 0.4, 0, 0.1, 0, 1.2),
        expert(new double[] {3, 3, 3}, 1, 1, 0, 1, 1, 0, 0, 0, 0)),
        new double[] {2.2, 1.3, 0}));
  }

  @Test
  void logNormalizerIsPreciseEnough() {
    for (ProductOfTTarget t : List.of(correlated2d(), skewed1d(), threeDimensional())) {
      assertTrue(t.logNormalizerStandardError() < ProductOfTTarget.TARGET_STANDARD_ERROR,
          t.toString());
      assertTrue(t.normalizerDraws() >= ProductOfTTarget.INITIAL_NORMALIZER_DRAWS);
      assertTrue(t.acceptanceRate() > 0 && t.acceptanceRate() <= 1, t.toString());
    }
    // Fixed seed: the estimate is reproducible.
    assertEquals(correlated2d().logNormalizer(), correlated2d().logNormalizer(), 0);
  }

  /**
   * The estimated normaliser against quadrature in 1-D and 2-D: within 4 of its standard errors
   * (the quadrature error, below 1e-9, is negligible beside them).
   */
  @Test
  void normalizedDensityIntegratesToOneIn1dAnd2d() {
    ProductOfTTarget one = skewed1d();
    TargetChecks.assertLogIntegralZero(h -> TargetChecks.logIntegral1d(one,
        Quadrature.realLine(0, 1, h, 3.5)), TargetChecks.Z * one.logNormalizerStandardError(),
        one.toString());
    ProductOfTTarget two = correlated2d();
    TargetChecks.assertLogIntegralZero(h -> TargetChecks.logIntegral2d(two,
        Quadrature.realLine(0, 1, h, 3.5), x -> Quadrature.realLine(0, 1, h, 3.5)),
        TargetChecks.Z * two.logNormalizerStandardError(), two.toString());
  }

  /** In 3-D by importance sampling from a Cauchy (t₁), heavier-tailed than the product. */
  @Test
  void normalizedDensityHasUnitMassIn3d() {
    ProductOfTTarget t = threeDimensional();
    assertTrue(t.family().dof() > 1, "the proposal must be heavier-tailed than the target");
    MultivariateT proposal = MultivariateT.of(new double[] {0.4, -0.2, 0.2},
        TargetChecks.scaledIdentity(3, 1.5), 1);
    TargetChecks.assertMeanIsOne(TargetChecks.importanceMean(t, proposal, 15, 400_000),
        t.logNormalizerStandardError(), t.toString());
  }

  /**
   * A 1-D product of three experts, against its CDF by quadrature. Below the mode c,
   * F(x) = ∫₀^∞ p̃(x − r) dr / ∫p̃, and above it 1 − ∫₀^∞ p̃(x + r) dr / ∫p̃: on either side the
   * integrand decreases from r = 0, which the nodes r = w/(1 − w) (tanh-sinh in w) resolve; across
   * the mode it would peak far from r = 0 between nodes. Both sides agree at c to 1e-9, which
   * checks the reference, and dividing by the quadrature integral (not the estimated normaliser)
   * keeps it exact to about that level.
   */
  @Test
  void exactDrawsFollowTheDensityIn1d() {
    TargetChecks.assertDrawsFollowTheDensityIn1d(skewed1d(), 0, 1, 16, KS_DRAWS);
  }

  /**
   * One expert is a t (SPEC §1): with Λ = Σ⁻¹/ν and α = (ν + D)/2, its projections are t_ν, C(w)
   * is constant so every proposal is accepted and the normaliser is exact, equal to the t's.
   */
  @Test
  void oneExpertIsTheStudentT() {
    double dof = 4.5;
    double[] mu = {1, -1, 0.5};
    double[][] sigma = {{1.5, 0.3, 0}, {0.3, 1, -0.2}, {0, -0.2, 0.7}};
    StudentTTarget reference = StudentTTarget.of(mu, sigma, dof);
    double[] precision = Checks.inverseFromCholesky(Checks.choleskyOf(sigma, 3, "sigma"), 3);
    ProductOfTTarget t = ProductOfTTarget.of(ProductOfExperts.of(
        List.of(Expert.studentT(mu, precision, dof)), new double[] {(dof + 3) / 2}));
    assertEquals(1, t.acceptanceRate(), 1e-12);
    assertEquals(reference.logNormalizer(), t.logNormalizer(), 1e-10);
    for (double[] z : new double[][] {{0, 0, 0}, {2, 1, -3}}) {
      assertEquals(reference.logDensity(z) - reference.logNormalizer(),
          t.logDensity(z) - t.logNormalizer(), 1e-10);
    }
    double[] draws = TargetChecks.draws(t, 17, KS_DRAWS);
    double[] a = {1, 2, -1};
    double aSa = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        aSa += a[i] * sigma[i][j] * a[j];
      }
    }
    double[] projection = new double[KS_DRAWS];
    for (int n = 0; n < KS_DRAWS; n++) {
      for (int i = 0; i < 3; i++) {
        projection[n] += a[i] * (draws[n * 3 + i] - mu[i]);
      }
      projection[n] /= Math.sqrt(aSa);
    }
    TargetChecks.assertKs(projection, TDistribution.of(dof)::cumulativeProbability,
        "one-expert product: projection");
  }

  @Test
  void refusesASingularActiveExpert() {
    ProductOfExperts family = ProductOfExperts.of(List.of(
        expert(new double[] {0, 0}, 1, 0, 0, 1), expert(new double[] {1, 1}, 1, 1, 1, 1)),
        new double[] {1.5, 1});
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ProductOfTTarget.of(family));
    assertTrue(e.getMessage().startsWith("expert 1 has a singular lambda (rank 1 of 2)"),
        e.getMessage());
  }
}
