package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.math.RandomStreams;
import org.poevi.targets.BananaTarget;
import org.poevi.targets.Targets;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.RegressionTarget;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * The init phase's cheap paths: init.gaussian-rounds = 0 keeps the Laplace approximation (no
 * draws, the information of its location its precision), and a target with analytic Hessians
 * builds its curvatures without differenced scores.
 */
class PreliminaryTest {
  @Test
  void zeroRoundsAreAllowedAndNegativeOnesNamed() {
    assertEquals(0, new InitSettings(1, 2, 0, 1000).gaussianRounds());
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new InitSettings(1, 2, -1, 1000));
    assertEquals("init.gaussian-rounds must be >= 0, got -1", e.getMessage());
  }

  /** init.gaussian-rounds = auto: 8 rounds up to D = 100, none above; a number as it is. */
  @Test
  void autoRoundsStopAboveOneHundredDimensions() {
    InitSettings auto = new InitSettings(1, 2, InitSettings.AUTO_ROUNDS, 1000);
    assertEquals(8, auto.rounds(100));
    assertEquals(0, auto.rounds(101));
    assertEquals(3, new InitSettings(1, 2, 3, 1000).rounds(1000));
    assertEquals(8, InitSettings.defaults().rounds(50));
  }

  /**
   * init.gaussian-draws = auto: 2560 draws per round up to D = 16, then 160·D (at D = 31 rounds
   * of 2560 left a logistic regression's q 0.10–0.11 sd off, rounds of 5120 0.06); a number is
   * taken as it is.
   */
  @Test
  void automaticDrawsGrowWithTheDimension() {
    InitSettings auto = InitSettings.defaults();
    assertEquals(2560, auto.draws(2));
    assertEquals(2560, auto.draws(16));
    assertEquals(4960, auto.draws(31));
    assertEquals(8000, auto.draws(50));
    assertEquals(3000, new InitSettings(1, 2, 8, 3000).draws(50));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new InitSettings(1, 2, 8, 500));
    assertEquals("init.gaussian-draws must be auto or >= 1000, got 500", e.getMessage());
  }

  /**
   * Newton steps finish a mode L-BFGS stopped short of: on a Gaussian with variances 10⁻⁸ and
   * 10⁴ (condition 10¹²) one step lands on the mode to rounding, from 3 sd away in the narrow
   * direction and 100 sd in the wide one.
   */
  @Test
  void newtonStepsFinishAModeOnAnIllConditionedTarget() {
    double[] mean = {1, -2};
    org.poevi.targets.GaussianMixtureTarget target = org.poevi.targets.GaussianMixtureTarget.of(
        new double[] {1}, new double[][] {mean}, new double[][][] {{{1e-8, 0}, {0, 1e4}}});
    double[] start = {1 + 3e-4, -2 + 1e4};
    double[] g = new double[2];
    double logP = target.logDensity(start.clone(), g);
    double[] h = Hessians.negativeHessians(target, new double[][] {start}, 1).hessians()[0];
    NewtonPolish.Result r = NewtonPolish.from(target, start, logP, h);
    assertEquals(mean[0], r.x()[0], 1e-4 * 1e-6, "within 1e-6 sd");
    assertEquals(mean[1], r.x()[1], 1e2 * 1e-6, "within 1e-6 sd");
    assertTrue(r.logP() > logP, r.logP() + " after " + logP);
  }

  @Test
  void noRoundsKeepTheStartWithoutEvaluating() {
    double[] mean = {0.5, -1};
    double[] cov = {2, 0.6, 0.6, 1};
    LocalScoreEvaluator evaluator = new LocalScoreEvaluator(BananaTarget.of(2), 1);
    GaussianFit fit = GaussianFit.of(evaluator, 2, mean, cov, 0, 1000, RandomStreams.of(1), 1,
        Progress.SILENT);
    assertEquals(0, evaluator.evaluations());
    assertArrayEquals(mean, fit.mean(), 0.0);
    assertArrayEquals(cov, fit.covariance(), 0.0);
    // F = S⁻¹: S·F = I to rounding.
    double[] f = fit.information();
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        double v = cov[i * 2] * f[j] + cov[i * 2 + 1] * f[2 + j];
        assertEquals(i == j ? 1 : 0, v, 1e-14);
      }
    }
  }

  /**
   * init.gaussian-reuse (issue #18): each round's moments come from all rounds' draws under the
   * mixture of their proposals, so 8 rounds of 2560 draws weigh 20,480 draws at the end, where
   * without reuse only the last 2560 count. On the banana (exact moments: mean 0, variances
   * s² = 4 and 1 + 2b²s⁴ = 9, no covariance) the estimate is within 4 standard errors: the
   * mean's sd/√ESS, and the variance's relative √((κ − 1)/ESS) with the kurtoses κ = 3 (z₁) and
   * 1011/81 (z₂: 2(χ²₁ − 1) plus a unit normal).
   */
  @Test
  void reusedRoundsWeighEveryDraw() {
    BananaTarget banana = BananaTarget.of(2);
    double[] start = {0, 0};
    double[] identity = {1, 0, 0, 1};
    GaussianFit reused = GaussianFit.of(new LocalScoreEvaluator(banana, 2), 2, start, identity,
        8, 2560, true, RandomStreams.of(3), 2, Progress.SILENT);
    GaussianFit last = GaussianFit.of(new LocalScoreEvaluator(banana, 2), 2, start, identity,
        8, 2560, false, RandomStreams.of(3), 2, Progress.SILENT);
    assertTrue(reused.ess() > 4 * last.ess(), reused.ess() + " against " + last.ess());
    double[] variance = {4, 9};
    double[] kurtosis = {3, 1011.0 / 81};
    for (int d = 0; d < 2; d++) {
      assertEquals(0, reused.mean()[d], 4 * Math.sqrt(variance[d] / reused.ess()), "mean " + d);
      assertEquals(1, reused.covariance()[d * 3] / variance[d],
          4 * Math.sqrt((kurtosis[d] - 1) / reused.ess()), "variance " + d);
    }
    assertEquals(0, reused.covariance()[1], 4 * Math.sqrt(4 * 9 / reused.ess()), "covariance");
  }

  /**
   * On a logistic regression of many rows (20 000, D = 4) with the Laplace preliminary, batch 1
   * keeps enough weight for weighted batches and prefers the Laplace Gaussian's α to equal
   * exponents: the fit says so in its progress (once) and converges.
   */
  @Test
  void aGlmStartsFromItsGaussiansAlpha() {
    RegressionTarget target = new RegressionTarget(RegressionTarget.Family.LOGISTIC,
        InMemoryRowData.of(new SyntheticLogisticData(20_000, 3, true, 2), 2), true,
        RegressionTarget.DEFAULT_PRIOR, RegressionTarget.DEFAULT_PRIOR);
    java.util.List<String> phases = new java.util.ArrayList<>();
    Progress recording = new Progress() {
      @Override
      public void phase(String description) {
        phases.add(description);
      }

      @Override
      public void iteration(TraceRow row) {}
    };
    PoeResult result = new PoeFitter(PoeSettings.builder().threads(2).gaussianRounds(0)
        .modeStarts(1).locations(8).batchSize(512).outputDraws(1000).build(),
        org.poevi.qp.ActiveSetQpSolver.create()).fit(target, new LocalScoreEvaluator(target, 2),
            recording);
    assertEquals(1, phases.stream().filter(p -> p.startsWith("starting alpha: the Gaussian's"))
        .count(), phases.toString());
    assertEquals(StopReason.CONVERGED, result.stop());
  }

  /**
   * A regression's curvatures at pool locations come from its analytic Hessians: no score
   * evaluations, where differences take 2D per location; the two agree to the differences'
   * error (about 1e-8 relative: the tolerance 1e-6 of the largest entry).
   */
  @Test
  void analyticCurvaturesTakeNoEvaluations() {
    RegressionTarget target = new RegressionTarget(RegressionTarget.Family.LOGISTIC,
        InMemoryRowData.of(new SyntheticLogisticData(3000, 3, true, 2), 2), true,
        RegressionTarget.DEFAULT_PRIOR, RegressionTarget.DEFAULT_PRIOR);
    double[][] points = {{-0.5, 0.3, -0.3, 0.3}, {0, 0, 0, 0}, {-0.4, 0.2, -0.2, 0.4}};
    Hessians.Curvatures analytic = Hessians.negativeHessians(target, points, 2);
    assertEquals(0, analytic.evaluations());
    for (int p = 0; p < points.length; p++) {
      double[] h = analytic.hessians()[p];
      // The same density without its Hessians: a plain target.
      Hessians.Curvatures differenced = Hessians.negativeHessians(Targets.of("plain",
          target.parameterNames(), target::logDensity), new double[][] {points[p]}, 1);
      assertEquals(2 * 4, differenced.evaluations());
      double largest = 0;
      for (double v : h) {
        largest = Math.max(largest, Math.abs(v));
      }
      assertArrayEquals(differenced.hessians()[0], h, 1e-6 * largest, "point " + p);
    }
  }
}
