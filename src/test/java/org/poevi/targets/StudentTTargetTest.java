package org.poevi.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.statistics.distribution.FDistribution;
import org.apache.commons.statistics.distribution.TDistribution;
import org.junit.jupiter.api.Test;
import org.poevi.math.Cholesky;
import org.poevi.math.MultivariateT;
import org.poevi.testing.Quadrature;

class StudentTTargetTest {
  private static final int KS_DRAWS = 20_000;
  private static final double[] LOCATION = {1, -2, 0.5};
  private static final double[][] SCALE = {{2, 0.6, -0.3}, {0.6, 1, 0.2}, {-0.3, 0.2, 0.5}};

  /** A 3-D t with a location, a correlated scale and ν = 5.5. */
  static StudentTTarget correlated() {
    return StudentTTarget.of(LOCATION, SCALE, 5.5);
  }

  private static double[] dense(double[][] rows) {
    int n = rows.length;
    double[] out = new double[n * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows[i], 0, out, i * n, n);
    }
    return out;
  }

  /**
   * Projections aᵀ(z − μ)/√(aᵀΣa) ~ t_ν, and the Mahalanobis distance δ/D ~ F(D, ν) (computed here
   * with an independent Cholesky factor of Σ).
   */
  @Test
  void exactDrawsHaveTheKnownProjectionsAndRadius() {
    check(correlated(), LOCATION, dense(SCALE), new double[] {1, -1, 2});
    check(StudentTTarget.of(4, 3), new double[4], TargetChecks.scaledIdentity(4, 1),
        new double[] {0.5, 0, -1, 2});
  }

  private static void check(StudentTTarget t, double[] mu, double[] sigma, double[] a) {
    int dim = t.dim();
    double dof = t.dof();
    double[] draws = TargetChecks.draws(t, 6, KS_DRAWS);
    double aSa = 0;
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        aSa += a[i] * sigma[i * dim + j] * a[j];
      }
    }
    double[] factor = Cholesky.pack(sigma, dim);
    Cholesky.factor(factor, 0, dim);
    double[] projection = new double[KS_DRAWS];
    double[] radius = new double[KS_DRAWS];
    double[] r = new double[dim];
    for (int n = 0; n < KS_DRAWS; n++) {
      double p = 0;
      for (int d = 0; d < dim; d++) {
        r[d] = draws[n * dim + d] - mu[d];
        p += a[d] * r[d];
      }
      projection[n] = p / Math.sqrt(aSa);
      Cholesky.solveLower(factor, 0, dim, r, 0);
      double delta = 0;
      for (int d = 0; d < dim; d++) {
        delta += r[d] * r[d];
      }
      radius[n] = delta / dim;
    }
    TargetChecks.assertKs(projection, TDistribution.of(dof)::cumulativeProbability,
        t + ": projection");
    TargetChecks.assertKs(radius, FDistribution.of(dim, dof)::cumulativeProbability,
        t + ": Mahalanobis distance / D");
  }

  /** The normalised density equals MultivariateT's, an independent implementation. */
  @Test
  void normalizedDensityMatchesMultivariateT() {
    StudentTTarget t = correlated();
    MultivariateT reference = MultivariateT.of(LOCATION, dense(SCALE), 5.5);
    double[] scratch = new double[3];
    for (double[] z : new double[][] {{0, 0, 0}, {1, -2, 0.5}, {3, 1, -4}, {100, 50, -70}}) {
      double expected = reference.logDensity(z, 0, scratch);
      assertEquals(expected, t.logDensity(z) - t.logNormalizer(),
          1e-12 * Math.max(1, Math.abs(expected)));
    }
  }

  @Test
  void normalizedDensityIntegratesToOneIn1dAnd2d() {
    StudentTTarget one = StudentTTarget.of(1, 2.5);
    TargetChecks.assertLogIntegralZero(h -> TargetChecks.logIntegral1d(one,
        Quadrature.realLine(0, 1, h, 3.5)), 1e-8, one.toString());
    StudentTTarget two = StudentTTarget.of(new double[] {0.5, -1},
        new double[][] {{1.5, -0.4}, {-0.4, 0.8}}, 3.5);
    TargetChecks.assertLogIntegralZero(h -> TargetChecks.logIntegral2d(two,
        Quadrature.realLine(0.5, 1.2, h, 3.5), x -> Quadrature.realLine(-1, 0.9, h, 3.5)), 1e-8,
        two.toString());
  }

  /** In 3-D by importance sampling from a t₂, heavier-tailed than the target's t_5.5. */
  @Test
  void normalizedDensityHasUnitMassIn3d() {
    StudentTTarget t = correlated();
    MultivariateT proposal = MultivariateT.of(LOCATION, TargetChecks.scaledIdentity(3, 2), 2);
    TargetChecks.assertMeanIsOne(TargetChecks.importanceMean(t, proposal, 10, 200_000), 0,
        t.toString());
  }

  @Test
  void rejectsBadParameters() {
    BananaTargetTest.assertMessage("dof must be > 0, got 0.0", () -> StudentTTarget.of(2, 0));
    BananaTargetTest.assertMessage("dof must be finite, got Infinity",
        () -> StudentTTarget.of(2, Double.POSITIVE_INFINITY));
    BananaTargetTest.assertMessage("dimension must be between 1 and 10000, got 0",
        () -> StudentTTarget.of(0, 3));
    BananaTargetTest.assertMessage("scale must be positive definite",
        () -> StudentTTarget.of(new double[2], new double[][] {{1, 2}, {2, 1}}, 3));
    BananaTargetTest.assertMessage("scale[1][0] = 0.5 differs from scale[0][1] = 0.4: scale must"
        + " be symmetric", () -> StudentTTarget.of(new double[2],
            new double[][] {{1, 0.4}, {0.5, 1}}, 3));
    BananaTargetTest.assertMessage("scale[1] must have 2 entries, got 1",
        () -> StudentTTarget.of(new double[2], new double[][] {{1, 0}, {1}}, 3));
    BananaTargetTest.assertMessage("scale[1][1] must be finite, got NaN",
        () -> StudentTTarget.of(new double[2], new double[][] {{1, 0}, {0, Double.NaN}}, 3));
    BananaTargetTest.assertMessage("location[1] must be finite, got NaN",
        () -> StudentTTarget.of(new double[] {0, Double.NaN}, new double[][] {{1, 0}, {0, 1}}, 3));
  }
}
