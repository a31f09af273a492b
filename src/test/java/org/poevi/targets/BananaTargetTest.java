package org.poevi.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.math.MultivariateT;
import org.poevi.testing.Quadrature;

class BananaTargetTest {
  private static final int KS_DRAWS = 20_000;

  /** z₁/s, z₂ − b(z₁² − s²) and z₃.. are independent standard normals. */
  @Test
  void exactDrawsHaveTheKnownConditionals() {
    for (BananaTarget t : new BananaTarget[] {BananaTarget.of(2), BananaTarget.of(4, 1.5, -0.3)}) {
      int dim = t.dim();
      double[] draws = TargetChecks.draws(t, 3, KS_DRAWS);
      double s = t.scale();
      double b = t.curvature();
      double[] first = new double[KS_DRAWS];
      double[] residual = new double[KS_DRAWS];
      for (int i = 0; i < KS_DRAWS; i++) {
        double z1 = draws[i * dim];
        first[i] = z1 / s;
        residual[i] = draws[i * dim + 1] - b * (z1 * z1 - s * s);
      }
      NormalDistribution normal = NormalDistribution.of(0, 1);
      TargetChecks.assertKs(first, normal::cumulativeProbability, t + ": z1/s");
      TargetChecks.assertKs(residual, normal::cumulativeProbability, t + ": z2 | z1");
      for (int d = 2; d < dim; d++) {
        TargetChecks.assertKs(TargetChecks.column(draws, dim, d), normal::cumulativeProbability,
            t + ": z" + (d + 1));
      }
    }
  }

  /** In 2-D by quadrature, following the banana: z₂ nodes centred at b(z₁² − s²) per slice. */
  @Test
  void normalizedDensityIntegratesToOneIn2d() {
    for (BananaTarget t : new BananaTarget[] {BananaTarget.of(2), BananaTarget.of(2, 0.7, 2)}) {
      double s = t.scale();
      double b = t.curvature();
      TargetChecks.assertLogIntegralZero(h -> TargetChecks.logIntegral2d(t,
          Quadrature.realLine(0, s, h, 3.5),
          z1 -> Quadrature.realLine(b * (z1 * z1 - s * s), 1, h, 3.5)), 1e-8, t.toString());
    }
  }

  /** In 4-D by importance sampling from a wide t₃: E_r[p/r] = 1 within 4 SE. */
  @Test
  void normalizedDensityHasUnitMassIn4d() {
    BananaTarget t = BananaTarget.of(4, 1.5, -0.3);
    MultivariateT proposal = MultivariateT.of(new double[4],
        TargetChecks.scaledIdentity(4, 2.5 * 2.5), 3);
    TargetChecks.assertMeanIsOne(TargetChecks.importanceMean(t, proposal, 9, 200_000), 0,
        t.toString());
  }

  @Test
  void logNormalizerIsTheGaussianConstant() {
    assertEquals(2 * Math.log(2 * Math.PI) + Math.log(1.5),
        BananaTarget.of(4, 1.5, 1).logNormalizer(), 1e-14);
  }

  @Test
  void rejectsBadParameters() {
    assertMessage("dimension must be between 2 and 10000, got 1", () -> BananaTarget.of(1, 1, 1));
    assertMessage("scale must be > 0, got 0.0", () -> BananaTarget.of(2, 0, 1));
    assertMessage("scale must be > 0, got -1.0", () -> BananaTarget.of(2, -1, 1));
    assertMessage("scale must be finite, got Infinity",
        () -> BananaTarget.of(2, Double.POSITIVE_INFINITY, 1));
    assertMessage("curvature must be finite, got NaN", () -> BananaTarget.of(2, 1, Double.NaN));
  }

  static void assertMessage(String expected, Runnable r) {
    assertEquals(expected, assertThrows(InvalidInputException.class, r::run).getMessage());
  }
}
