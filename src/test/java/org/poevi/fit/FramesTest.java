package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.AffineMap;
import org.poevi.math.SampleMoments;
import org.poevi.spark.Poevi;
import org.poevi.spark.PoeviFit;
import org.poevi.targets.FramedTarget;
import org.poevi.targets.Target;
import org.poevi.targets.Targets;
import org.poevi.testing.GradientCheck;

/**
 * init.frame (issue #19): the fit runs where the Laplace approximation is N(0, I) and its model
 * is carried back exactly, so a badly scaled, correlated, uncentred posterior is fitted as well as
 * a round one; auto (the default) takes that frame only for strong correlations.
 */
class FramesTest {
  /** A light fit: every phase runs, in about a second. */
  private static final String LIGHT = String.join("\n", "experts.count = 16",
      "init.gaussian-rounds = 2", "init.gaussian-draws = 4000", "init.mode-starts = 4",
      "fit.iterations = 5", "fit.batch-size = 1000", "output.draws = 4000");

  /**
   * A Gaussian like an uncentred regression's (intercept, slope) at x ≈ 2000 with a noise
   * variable: mean (−6.5, 0.0015, 0.0113), sds (28.6, 0.0163, 1), intercept–slope correlation
   * −(1 − 10⁻⁷): a covariance of condition number about 10¹¹.
   */
  static final double[] MEAN = {-6.5, 0.0015, 0.0113};
  static final double[] SD = {28.6, 0.0163, 1};
  static final double RHO = -(1 - 1e-7);

  private static double[] precision() {
    // Σ for (a, b) with correlation ρ, and c independent; its inverse in closed form.
    double det = 1 - RHO * RHO;
    return new double[] {1 / (SD[0] * SD[0] * det), -RHO / (SD[0] * SD[1] * det), 0,
        -RHO / (SD[0] * SD[1] * det), 1 / (SD[1] * SD[1] * det), 0, 0, 0, 1 / (SD[2] * SD[2])};
  }

  private static Target ridge() {
    double[] p = precision();
    return Targets.of("ridge", List.of("a", "b", "c"), (z, g) -> {
      double lp = 0;
      for (int i = 0; i < 3; i++) {
        double v = 0;
        for (int j = 0; j < 3; j++) {
          v -= p[i * 3 + j] * (z[j] - MEAN[j]);
        }
        g[i] = v;
        lp += 0.5 * v * (z[i] - MEAN[i]);
      }
      return lp;
    });
  }

  /** With the default init.frame = auto: the ridge's correlation condition is about 10⁷. */
  @Test
  void anIllConditionedUncentredPosteriorIsFittedInTheLaplaceFrame() {
    PoeviFit fit;
    try (Poevi poevi = Poevi.local().quiet()) {
      fit = poevi.fit(ridge(), LIGHT);
    }
    int n = fit.drawCount();
    double[] z = fit.draws();
    double[] mean = SampleMoments.mean(z, n, 3);
    double[] cov = SampleMoments.covariance(z, n, mean, 3);
    // 4000 draws (an ESS of at least about 1000): the mean's standard error is at most
    // sd/√1000 = 0.032 sd, so 0.15 sd is over 4 of them; log sd's is 1/√(2·1000) = 0.022,
    // so 0.1 is over 4 of them.
    for (int d = 0; d < 3; d++) {
      double sd = Math.sqrt(cov[d * 3 + d]);
      assertEquals(MEAN[d], mean[d], 0.15 * SD[d], "mean of " + d);
      assertEquals(0, Math.log(sd / SD[d]), 0.1, "log sd ratio of " + d);
    }
    double correlation = cov[1] / Math.sqrt(cov[0] * cov[4]);
    assertTrue(correlation < -0.999, "the ridge's correlation " + correlation);
    assertTrue(fit.result().match(poe -> poe.finish().psisKhat(), g -> 0.0) < 0.7,
        "PSIS k-hat");
  }

  /**
   * auto frames where the Laplace correlation matrix's condition number exceeds 100 (a 2-D
   * correlation beyond ±0.98), laplace always, none never, and nothing without a mode; the modes
   * carried into the frame sit at its origin with the identity as their curvature.
   */
  @Test
  void autoFramesOnlyStrongCorrelations() {
    ModeFinder.Mode round = mode(0.5, 1, 0.9);
    ModeFinder.Mode ridge = mode(0.5, 1, 0.995);
    assertEquals(null, Frames.choose(Frames.Choice.AUTO, List.of(round), 2));
    assertEquals(null, Frames.choose(Frames.Choice.NONE, List.of(ridge), 2));
    assertEquals(null, Frames.choose(Frames.Choice.LAPLACE, List.of(), 2));
    assertTrue(Frames.choose(Frames.Choice.LAPLACE, List.of(round), 2) != null);
    // Uncorrelated, but sds a million apart (units 10³ and 10⁻³): framed; 200 apart: not.
    assertTrue(Frames.choose(Frames.Choice.AUTO, List.of(mode(1e3, 1e-3, 0)), 2) != null);
    assertEquals(null, Frames.choose(Frames.Choice.AUTO, List.of(mode(20, 0.1, 0)), 2));
    AffineMap map = Frames.choose(Frames.Choice.AUTO, List.of(ridge), 2);
    ModeFinder.Mode inFrame = Frames.into(List.of(ridge), map).get(0);
    for (int i = 0; i < 2; i++) {
      assertEquals(0, inFrame.location()[i], 1e-12);
      for (int j = 0; j < 2; j++) {
        assertEquals(i == j ? 1 : 0, inFrame.negativeHessian()[i * 2 + j], 1e-9);
      }
    }
  }

  /** A mode at (3, −1) with sds s1, s2 and correlation ρ. */
  private static ModeFinder.Mode mode(double s1, double s2, double rho) {
    double det = 1 - rho * rho;
    double[] h = {1 / (s1 * s1 * det), -rho / (s1 * s2 * det), -rho / (s1 * s2 * det),
        1 / (s2 * s2 * det)};
    return new ModeFinder.Mode(new double[] {3, -1}, 0, h);
  }

  @Test
  void upperFactorIsATriangularSquareRootOfSigma() {
    double[] sigma = {4, 2, 0.4, 2, 5, -1, 0.4, -1, 3};
    double[] u = Frames.upperFactor(sigma, 3);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < i; j++) {
        assertEquals(0, u[i * 3 + j], "below the diagonal");
      }
      for (int j = 0; j < 3; j++) {
        double v = 0;
        for (int k = 0; k < 3; k++) {
          v += u[i * 3 + k] * u[j * 3 + k];
        }
        assertEquals(sigma[i * 3 + j], v, 1e-12);
      }
    }
  }

  /** The framed target's gradient against finite differences, and the framed evaluator's. */
  @Test
  void theFramedTargetAndEvaluatorHaveThePulledBackGradient() {
    Target banana = Targets.of("banana", List.of("x", "y"), (z, g) -> {
      double r = z[1] - z[0] * z[0];
      g[0] = -z[0] / 4 + 2 * z[0] * r;
      g[1] = -r;
      return -z[0] * z[0] / 8 - 0.5 * r * r;
    });
    AffineMap map = new AffineMap(new double[] {2, 0.5, 0, 0.3}, new double[] {1, -2});
    Target framed = FramedTarget.of(banana, map, List.of("u1", "u2"));
    double[] at = {0.4, -0.7};
    GradientCheck.assertGradient(framed::logDensity, (x, g) -> framed.logDensity(x, g), at,
        "framed banana");
    double[] lp = new double[1];
    double[] scores = new double[2];
    new FramedEvaluator(new LocalScoreEvaluator(banana, 1), map).evaluate(at, 1, lp, scores);
    double[] g = new double[2];
    assertEquals(framed.logDensity(at, g), lp[0]);
    assertEquals(g[0], scores[0], 1e-12);
    assertEquals(g[1], scores[1], 1e-12);
  }
}
