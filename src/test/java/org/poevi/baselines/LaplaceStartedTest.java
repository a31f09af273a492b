package org.poevi.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.family.GaussianModel;
import org.poevi.fit.GaussianResult;
import org.poevi.math.Cholesky;
import org.poevi.spark.Poevi;
import org.poevi.targets.GaussianMixtureTarget;

/**
 * Issue #19: the Gaussian baselines start at the Laplace approximation by default
 * ({@code fit.advi.init}, {@code fit.bam.init} = laplace). The target is the posterior of an
 * uncentred regression, temperature on the year (1960–2021) and CO₂, as a Gaussian: its
 * intercept–slope correlation is −0.99998 and its Hessian's eigenvalues span 10¹¹. From N(0, I)
 * full-rank ADVI runs out of its 10,000 steps far from it; from the Laplace start it finds it.
 */
class LaplaceStartedTest {
  private static final int DIM = 3;

  /** σ² (XᵀX)⁻¹ for X = [1, year, co2], σ = 0.1, co2 = 317 + 1.6 (year − 1960) + a wiggle. */
  static double[] covariance() {
    double[] xtx = new double[DIM * DIM];
    for (int year = 1960; year <= 2021; year++) {
      double[] x = {1, year, 317 + 1.6 * (year - 1960) + 3 * Math.sin(year)};
      for (int i = 0; i < DIM; i++) {
        for (int j = 0; j < DIM; j++) {
          xtx[i * DIM + j] += x[i] * x[j];
        }
      }
    }
    double[] s = Cholesky.inverse(xtx, DIM);
    for (int i = 0; i < s.length; i++) {
      s[i] *= 0.01;
    }
    return s;
  }

  private static final double[] MEAN = {-4.3, 0.0023, 0.012};

  private static GaussianModel fit(String settings) {
    double[] s = covariance();
    double[][] cov = new double[DIM][DIM];
    for (int i = 0; i < DIM; i++) {
      for (int j = 0; j < DIM; j++) {
        cov[i][j] = s[i * DIM + j];
      }
    }
    GaussianMixtureTarget target = GaussianMixtureTarget.of(new double[] {1},
        new double[][] {MEAN}, new double[][][] {cov});
    try (Poevi poevi = Poevi.local().quiet()) {
      return ((GaussianResult) poevi.fit(target, settings + "\noutput.draws = 100").result())
          .model();
    }
  }

  /** The largest error of the mean in sds, and of the sds as a ratio's distance from 1. */
  private static double[] errors(GaussianModel q) {
    double[] s = covariance();
    double mean = 0;
    double sd = 0;
    for (int i = 0; i < DIM; i++) {
      double truth = Math.sqrt(s[i * DIM + i]);
      mean = Math.max(mean, Math.abs(q.mean()[i] - MEAN[i]) / truth);
      sd = Math.max(sd, Math.abs(Math.sqrt(q.covariance()[i * DIM + i]) / truth - 1));
    }
    return new double[] {mean, sd};
  }

  @Test
  void theBaselinesFindAnIllConditionedPosteriorFromTheLaplaceStart() {
    // The family holds the target, so only ADVI's own noise remains (BaM stays at the exact
    // start, 1e-14): over seeds 1-5 ADVI's largest errors were 0.0095 sd (means) and 0.59%
    // (sds); the bounds are 5 times those.
    for (String method : new String[] {"advi-fullrank", "bam"}) {
      double[] e = errors(fit("fit.method = " + method));
      assertTrue(e[0] < 0.05 && e[1] < 0.03, method + ": " + e[0] + " sd, " + e[1]);
    }
    // From N(0, I) full-rank ADVI is far off (seeds 1-5: means 0.25 sd, sds 94% off): the test
    // can fail.
    double[] standard = errors(fit("fit.method = advi-fullrank\nfit.advi.init = standard"));
    assertTrue(standard[0] > 0.5 || standard[1] > 0.5, standard[0] + ", " + standard[1]);
  }

  @Test
  void meanFieldStaysMeanField() {
    GaussianModel q = fit("fit.method = advi-meanfield");
    for (int i = 0; i < DIM; i++) {
      for (int j = 0; j < DIM; j++) {
        if (i != j) {
          assertEquals(0.0, q.covariance()[i * DIM + j], "a diagonal frame keeps it diagonal");
        }
      }
    }
  }

  @Test
  void anUnknownInitIsAOneLineError() {
    InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
        InvalidInputException.class, () -> fit("fit.method = bam\nfit.bam.init = mode"));
    assertEquals("fit.bam.init must be laplace or standard, got \"mode\"", e.getMessage());
  }
}
