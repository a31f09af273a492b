package org.poevi.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.poevi.math.MultivariateT;
import org.poevi.testing.Quadrature;

class GaussianMixtureTargetTest {
  private static final int KS_DRAWS = 20_000;

  /** Two correlated 3-D components with relative weights 2 : 1. */
  static GaussianMixtureTarget threeDimensional() {
    return GaussianMixtureTarget.of(new double[] {2, 1},
        new double[][] {{0, 0, 0}, {2, -1, 1}},
        new double[][][] {{{1, 0.3, 0}, {0.3, 1, 0.2}, {0, 0.2, 0.5}},
            {{0.5, 0, 0}, {0, 2, -0.4}, {0, -0.4, 1}}});
  }

  /** A projection aᵀz of a Gaussian mixture is the 1-D mixture Σ w_j N(aᵀm_j, aᵀS_j a). */
  @Test
  void exactDrawsHaveTheKnownProjections() {
    check(GaussianMixtureTarget.defaultMixture(), new double[] {1, 0});
    check(GaussianMixtureTarget.defaultMixture(), new double[] {0.6, 0.8});
    check(threeDimensional(), new double[] {1, -1, 0.5});
  }

  private static void check(GaussianMixtureTarget t, double[] a) {
    int dim = t.dim();
    int count = t.numComponents();
    double[] w = t.weights();
    NormalDistribution[] parts = new NormalDistribution[count];
    for (int j = 0; j < count; j++) {
      double[] m = t.mean(j);
      double[] s = t.covariance(j);
      double mean = 0;
      double variance = 0;
      for (int i = 0; i < dim; i++) {
        mean += a[i] * m[i];
        for (int k = 0; k < dim; k++) {
          variance += a[i] * s[i * dim + k] * a[k];
        }
      }
      parts[j] = NormalDistribution.of(mean, Math.sqrt(variance));
    }
    double[] draws = TargetChecks.draws(t, 13, KS_DRAWS);
    double[] projection = new double[KS_DRAWS];
    for (int n = 0; n < KS_DRAWS; n++) {
      for (int i = 0; i < dim; i++) {
        projection[n] += a[i] * draws[n * dim + i];
      }
    }
    TargetChecks.assertKs(projection, x -> {
      double c = 0;
      for (int j = 0; j < count; j++) {
        c += w[j] * parts[j].cumulativeProbability(x);
      }
      return c;
    }, t + ": projection on " + java.util.Arrays.toString(a));
  }

  @Test
  void normalizedDensityIntegratesToOneIn1dAnd2d() {
    GaussianMixtureTarget one = GaussianMixtureTarget.of(new double[] {1, 3},
        new double[][] {{-2}, {1.5}}, new double[][][] {{{0.5}}, {{2}}});
    TargetChecks.assertLogIntegralZero(h -> TargetChecks.logIntegral1d(one,
        Quadrature.realLine(0, 2, h, 3.5)), 1e-8, one.toString());
    GaussianMixtureTarget two = GaussianMixtureTarget.defaultMixture();
    TargetChecks.assertLogIntegralZero(h -> TargetChecks.logIntegral2d(two,
        Quadrature.realLine(0, 2, h, 3.5), x -> Quadrature.realLine(0, 2, h, 3.5)), 1e-8,
        two.toString());
  }

  /** In 3-D by importance sampling from a wide t₃. */
  @Test
  void normalizedDensityHasUnitMassIn3d() {
    GaussianMixtureTarget t = threeDimensional();
    MultivariateT proposal = MultivariateT.of(new double[] {0.7, -0.3, 0.3},
        TargetChecks.scaledIdentity(3, 2.5), 3);
    TargetChecks.assertMeanIsOne(TargetChecks.importanceMean(t, proposal, 14, 200_000), 0,
        t.toString());
  }

  /** Weights are relative: [2, 1] and [2/3, 1/3] are the same target. */
  @Test
  void weightsAreNormalised() {
    GaussianMixtureTarget relative = threeDimensional();
    GaussianMixtureTarget normalised = GaussianMixtureTarget.of(new double[] {2.0 / 3, 1.0 / 3},
        new double[][] {relative.mean(0), relative.mean(1)},
        new double[][][] {rows(relative.covariance(0)), rows(relative.covariance(1))});
    assertEquals(2.0 / 3, relative.weights()[0], 1e-15);
    for (double[] z : new double[][] {{0, 0, 0}, {1, 2, 3}}) {
      assertEquals(normalised.logDensity(z), relative.logDensity(z), 1e-13);
    }
    assertEquals(0, relative.logNormalizer());
  }

  private static double[][] rows(double[] dense) {
    int n = (int) Math.round(Math.sqrt(dense.length));
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(dense, i * n, out[i], 0, n);
    }
    return out;
  }

  @Test
  void rejectsBadParameters() {
    double[][] means = {{0, 0}, {1, 1}};
    double[][][] covs = {{{1, 0}, {0, 1}}, {{1, 0}, {0, 1}}};
    BananaTargetTest.assertMessage("weights[1] must be > 0, got 0.0",
        () -> GaussianMixtureTarget.of(new double[] {1, 0}, means, covs));
    BananaTargetTest.assertMessage("weights[0] must be finite, got NaN",
        () -> GaussianMixtureTarget.of(new double[] {Double.NaN, 1}, means, covs));
    BananaTargetTest.assertMessage("weights must have at least one entry",
        () -> GaussianMixtureTarget.of(new double[0], new double[0][], new double[0][][]));
    BananaTargetTest.assertMessage("means has 2 entries but weights has 3",
        () -> GaussianMixtureTarget.of(new double[] {1, 1, 1}, means, covs));
    BananaTargetTest.assertMessage("means[1] has 1 entries but means[0] has 2",
        () -> GaussianMixtureTarget.of(new double[] {1, 1}, new double[][] {{0, 0}, {1}}, covs));
    BananaTargetTest.assertMessage("means[1][0] must be finite, got Infinity",
        () -> GaussianMixtureTarget.of(new double[] {1, 1},
            new double[][] {{0, 0}, {Double.POSITIVE_INFINITY, 0}}, covs));
    BananaTargetTest.assertMessage("covariances[1] must be positive definite",
        () -> GaussianMixtureTarget.of(new double[] {1, 1}, means,
            new double[][][] {{{1, 0}, {0, 1}}, {{1, 1}, {1, 1}}}));
    BananaTargetTest.assertMessage("covariances[0] must have 2 rows, got 1",
        () -> GaussianMixtureTarget.of(new double[] {1, 1}, means,
            new double[][][] {{{1, 0}}, {{1, 0}, {0, 1}}}));
  }
}
