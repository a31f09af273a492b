package org.poevi.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.GaussianModel;
import org.poevi.fit.GaussianResult;
import org.poevi.fit.Progress;
import org.poevi.targets.GaussianMixtureTarget;

/**
 * The baselines on a correlated 3-D Gaussian target N(m, S): ADVI full rank and BaM recover m and
 * S (the family holds the target, so only Monte Carlo and optimisation error remain), and mean
 * field underestimates the variances as theory says (its optimum has variances 1/(S⁻¹)_ii).
 */
class GaussianBaselinesTest {
  private static final double[] MEAN = {1, -2, 0.5};
  private static final double[][] COVARIANCE = {{2, 0.8, 0}, {0.8, 1, 0.3}, {0, 0.3, 0.5}};

  private static GaussianMixtureTarget target() {
    return GaussianMixtureTarget.of(new double[] {1}, new double[][] {MEAN},
        new double[][][] {COVARIANCE});
  }

  /**
   * Within 5%: the mean to 0.05 sd per coordinate, each covariance entry to 0.05·√(S_ii S_jj)
   * (the acceptance).
   */
  private static void assertRecovers(GaussianModel q, String what) {
    double[] m = q.mean();
    double[] s = q.covariance();
    for (int i = 0; i < 3; i++) {
      double sd = Math.sqrt(COVARIANCE[i][i]);
      assertEquals(MEAN[i], m[i], 0.05 * sd, what + " mean " + i);
      for (int j = 0; j < 3; j++) {
        assertEquals(COVARIANCE[i][j], s[i * 3 + j], 0.05 * Math.sqrt(COVARIANCE[i][i]
            * COVARIANCE[j][j]), what + " covariance " + i + "," + j);
      }
    }
  }

  @Test
  void bamRecoversAGaussian() {
    GaussianMixtureTarget t = target();
    GaussianResult r = new Bam(new BamSettings(60, 32), 1).fit(t, new LocalScoreEvaluator(t, 2),
        Progress.SILENT);
    assertRecovers(r.model(), "BaM");
    assertEquals(60 * 32, r.scoreEvaluations());
  }

  @Test
  void adviFullRankRecoversAGaussian() {
    GaussianMixtureTarget t = target();
    GaussianResult r = Advi.fullRank(AdviSettings.defaults(), 1).fit(t,
        new LocalScoreEvaluator(t, 2), Progress.SILENT);
    assertRecovers(r.model(), "ADVI full rank");
  }

  @Test
  void meanFieldUnderestimatesTheVariances() {
    GaussianMixtureTarget t = target();
    GaussianResult r = Advi.meanField(AdviSettings.defaults(), 1).fit(t,
        new LocalScoreEvaluator(t, 2), Progress.SILENT);
    double[] s = r.model().covariance();
    double[] precisionDiagonal = {0.82, 2, 2.72}; // diag(S⁻¹), computed by hand
    for (int i = 0; i < 3; i++) {
      // The mean-field optimum's variance 1/(S⁻¹)_ii, below S_ii whenever coordinate i is
      // correlated with another (the sharp check). Its value within 10%: the full-rank fit with
      // the same settings lands within 0.3% of S (averaged iterates), so 10% is a loose bound
      // that still tells 1/(S⁻¹)_ii (1.22, 0.50, 0.37) from S_ii (2, 1, 0.5).
      assertTrue(s[i * 3 + i] < COVARIANCE[i][i], "variance " + i + " " + s[i * 3 + i]);
      assertEquals(1 / precisionDiagonal[i], s[i * 3 + i], 0.1 / precisionDiagonal[i],
          "variance " + i);
    }
  }
}
