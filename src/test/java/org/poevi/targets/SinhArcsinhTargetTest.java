package org.poevi.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.poevi.math.MultivariateT;
import org.poevi.testing.Quadrature;

class SinhArcsinhTargetTest {
  private static final int KS_DRAWS = 20_000;

  /** The origin, a moderate point and a far one (|x_d| up to 20) in D dimensions. */
  static double[][] pointsFor(int dim) {
    double[][] points = new double[3][dim];
    for (int d = 0; d < dim; d++) {
      points[1][d] = 1.5 * Math.sin(1.7 * d + 0.3);
      points[2][d] = (d % 2 == 0 ? 20 : -12) * (1 + 0.3 * Math.cos(d));
    }
    return points;
  }

  /**
   * Back through the inverse transform: y = sinh(τ asinh(x) − ε) is AR(1), so y₁ and the
   * innovations (y_d − ρ y_{d−1})/√(1 − ρ²) are i.i.d. standard normals (pooled into one sample).
   */
  @Test
  void exactDrawsAreTheTransformedAr1Gaussian() {
    for (SinhArcsinhTarget t : new SinhArcsinhTarget[] {SinhArcsinhTarget.of(50),
        SinhArcsinhTarget.of(6, -0.5, 1.4, -0.7)}) {
      int dim = t.dim();
      double rho = t.correlation();
      double sd = Math.sqrt(1 - rho * rho);
      double[] draws = TargetChecks.draws(t, 8, KS_DRAWS);
      double[] first = new double[KS_DRAWS];
      double[] innovations = new double[KS_DRAWS * (dim - 1)];
      for (int i = 0; i < KS_DRAWS; i++) {
        double previous = t.toGaussian(draws[i * dim]);
        first[i] = previous;
        for (int d = 1; d < dim; d++) {
          double y = t.toGaussian(draws[i * dim + d]);
          innovations[i * (dim - 1) + d - 1] = (y - rho * previous) / sd;
          previous = y;
        }
      }
      NormalDistribution normal = NormalDistribution.of(0, 1);
      TargetChecks.assertKs(first, normal::cumulativeProbability, t + ": y1");
      TargetChecks.assertKs(innovations, normal::cumulativeProbability, t + ": innovations");
    }
  }

  @Test
  void transformsAreInverse() {
    SinhArcsinhTarget t = SinhArcsinhTarget.of(3, 0.3, 0.7, 0.5);
    for (double y : new double[] {-30, -1, -1e-9, 0, 0.2, 3, 1e5}) {
      assertEquals(y, t.toGaussian(t.fromGaussian(y)), 1e-12 * Math.max(1, Math.abs(y)));
    }
    for (double x : new double[] {-1e200, -1e-300, 0, 1e-8, 2, 1e300}) {
      double expected = Math.log(Math.abs(x) + Math.sqrt(x * x + 1));
      if (Double.isFinite(expected) && x != 0) {
        assertEquals(Math.copySign(expected, x), SinhArcsinhTarget.asinh(x),
            1e-15 * Math.max(1, Math.abs(expected)));
      }
    }
    assertEquals(Math.log(2) + Math.log(1e300), SinhArcsinhTarget.asinh(1e300), 1e-12);
    assertEquals(-1e-300, SinhArcsinhTarget.asinh(-1e-300), 0);
  }

  @Test
  void normalizedDensityIntegratesToOneIn1dAnd2d() {
    SinhArcsinhTarget one = SinhArcsinhTarget.of(1);
    TargetChecks.assertLogIntegralZero(h -> TargetChecks.logIntegral1d(one,
        Quadrature.realLine(0, 1, h, 3.5)), 1e-8, one.toString());
    for (SinhArcsinhTarget two : new SinhArcsinhTarget[] {SinhArcsinhTarget.of(2),
        SinhArcsinhTarget.of(2, -0.5, 1.4, -0.7)}) {
      TargetChecks.assertLogIntegralZero(h -> TargetChecks.logIntegral2d(two,
          Quadrature.realLine(0, 1, h, 3.5), x -> Quadrature.realLine(0, 1, h, 3.5)), 1e-8,
          two.toString());
    }
  }

  /**
   * In 6-D and 10-D by importance sampling from a t₃ with the mean and 1.5² times the covariance
   * of 20 000 exact draws: heavier-tailed than the target, so p/r is bounded, and close to it, so
   * the estimate is precise.
   */
  @Test
  void normalizedDensityHasUnitMassInHigherDimensions() {
    for (SinhArcsinhTarget t : new SinhArcsinhTarget[] {SinhArcsinhTarget.of(10),
        SinhArcsinhTarget.of(6, -0.5, 1.4, -0.7)}) {
      MultivariateT proposal = TargetChecks.widenedFit(t, 2.25, 3);
      TargetChecks.assertMeanIsOne(TargetChecks.importanceMean(t, proposal, 12, 200_000), 0,
          t.toString());
    }
  }

  @Test
  void defaultsAreTheSpecs() {
    SinhArcsinhTarget t = SinhArcsinhTarget.of(SinhArcsinhTarget.DEFAULT_DIMENSION);
    assertEquals("sinh-arcsinh(dimension=50, skew=0.3, tail=0.7, correlation=0.5)", t.toString());
  }

  @Test
  void rejectsBadParameters() {
    BananaTargetTest.assertMessage("tail must be > 0, got 0.0",
        () -> SinhArcsinhTarget.of(3, 0.3, 0, 0.5));
    BananaTargetTest.assertMessage("correlation must be strictly between -1 and 1, got 1.0",
        () -> SinhArcsinhTarget.of(3, 0.3, 0.7, 1));
    BananaTargetTest.assertMessage("correlation must be strictly between -1 and 1, got -1.5",
        () -> SinhArcsinhTarget.of(3, 0.3, 0.7, -1.5));
    BananaTargetTest.assertMessage("skew must be finite, got NaN",
        () -> SinhArcsinhTarget.of(3, Double.NaN, 0.7, 0.5));
    BananaTargetTest.assertMessage("dimension must be between 1 and 10000, got 0",
        () -> SinhArcsinhTarget.of(0));
  }
}
