package org.poevi.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

class MultivariateTTest {
  private static final double[] MU = {1, -2};
  private static final double[] SIGMA = {2, 0.6, 0.6, 0.5};

  /** In 1-D the density is Commons Statistics' t, shifted and scaled. */
  @Test
  void oneDimensionalDensityIsStudentT() {
    MultivariateT t = MultivariateT.of(new double[] {0.5}, new double[] {4}, 3.5);
    TDistribution ref = TDistribution.of(3.5);
    double[] scratch = new double[1];
    for (double x : new double[] {-30, -1, 0.5, 2, 100}) {
      double expected = ref.logDensity((x - 0.5) / 2) - Math.log(2);
      assertEquals(expected, t.logDensity(new double[] {x}, 0, scratch), 1e-12);
    }
  }

  /**
   * Draws: the projection aᵀ(z − μ)/√(aᵀΣa) follows t_ν (KS at p &lt; 0.001, false-alarm rate
   * 0.1%), including ν &lt; 2 where the chi-square is drawn in log space.
   */
  @Test
  void drawsHaveTProjections() {
    for (double dof : new double[] {0.7, 6}) {
      MultivariateT t = MultivariateT.of(MU, SIGMA, dof);
      MultivariateT.Sampler s = t.sampler(RandomStreams.of(4).stream(1));
      int n = 20_000;
      double[] a = {1, 2};
      double scale = Math.sqrt(2 + 2 * 2 * 0.6 + 4 * 0.5);
      double[] proj = new double[n];
      double[] z = new double[2];
      for (int i = 0; i < n; i++) {
        s.sample(z, 0);
        assertTrue(Double.isFinite(z[0]) && Double.isFinite(z[1]));
        proj[i] = (a[0] * (z[0] - MU[0]) + a[1] * (z[1] - MU[1])) / scale;
      }
      TDistribution ref = TDistribution.of(dof);
      double p = KolmogorovSmirnovTest.withDefaults().test(proj, ref::cumulativeProbability)
          .getPValue();
      assertTrue(p > 1e-3, "dof " + dof + ": p = " + p);
    }
  }

  /**
   * EM recovers location and scatter from 50 000 draws of the same t (dof known). The maximum-
   * likelihood location has variance (ν + D + 2)/(ν + D)·Σ/n (the t's Fisher information), so SE
   * 0.0073 for Σ₁₁ = 2: 4 SE is 0.03. The scatter's entries have relative SE about
   * √(2(ν + D + 2)/(ν + D)/n) ≈ 0.7%; 4 SE of them (3%) moves the log density at the test points,
   * within two scale units of μ, by at most about 0.06; 0.1 allows for that.
   */
  @Test
  void emRecoversParameters() {
    double dof = 4;
    MultivariateT t = MultivariateT.of(MU, SIGMA, dof);
    MultivariateT.Sampler s = t.sampler(RandomStreams.of(8).stream(1));
    int n = 50_000;
    double[] points = new double[2 * n];
    for (int i = 0; i < n; i++) {
      s.sample(points, 2 * i);
    }
    MultivariateT fit = MultivariateT.fit(points, null, 2, dof, 100, 1);
    assertEquals(MU[0], fit.location()[0], 4 * Math.sqrt(8.0 / 6 * SIGMA[0] / n));
    assertEquals(MU[1], fit.location()[1], 4 * Math.sqrt(8.0 / 6 * SIGMA[3] / n));
    double[] scratch = new double[2];
    // Same distribution ⇒ same density, within the scatter's few-per-cent error.
    for (double[] z : new double[][] {{1, -2}, {3, -1}, {-1, -3}}) {
      assertEquals(t.logDensity(z, 0, scratch), fit.logDensity(z, 0, scratch), 0.1);
    }
  }
}
