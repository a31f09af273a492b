package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.AffineMap;
import org.poevi.family.Expert;
import org.poevi.family.ModelJson;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.Lbfgs;
import org.poevi.qp.OjAlgoQpSolver;
import org.poevi.targets.ProductOfTTarget;

/**
 * The affine calibration ({@link AffineCalibration}): its objective's gradient, the triangular
 * inverse, and the maximum-likelihood map recovered from draws of a known affine image of q.
 */
class AffineCalibrationTest {
  private static final int DIM = 3;

  /** A product of two t experts in 3-D with random locations and precisions (seed 11). */
  private static ProductOfExperts twoExperts() {
    return ProductOfExperts.of(RandomExperts.of(RandomSource.XO_RO_SHI_RO_128_PP.create(11L),
        DIM, 2), new double[] {1.5, 1.2});
  }

  /**
   * Central differences (step 1e-5) of the objective at a random parameter vector against its
   * analytic gradient, for the triangular and the diagonal layouts: relative error under 1e-6
   * (central differences of a smooth function err by O(h²) ≈ 1e-10 times its third derivative;
   * rounding adds about 1e-16/h ≈ 1e-11 relative).
   */
  @Test
  void theGradientMatchesFiniteDifferences() {
    ProductOfExperts q = twoExperts();
    SplittableRandom rng = new SplittableRandom(3);
    int n = 40;
    double[] z = new double[n * DIM];
    for (int i = 0; i < z.length; i++) {
      z[i] = rng.nextDouble() * 4 - 2;
    }
    double[] c = {0.1, -0.2, 0.3};
    for (boolean triangular : new boolean[] {true, false}) {
      AffineCalibration.Parameters layout = new AffineCalibration.Parameters(DIM, triangular);
      Lbfgs.Objective f = AffineCalibration.objective(q, z, n, c, layout, 1);
      double[] x = new double[layout.size()];
      for (int k = 0; k < x.length; k++) {
        x[k] = 0.3 * (rng.nextDouble() - 0.5);
      }
      double[] g = new double[x.length];
      f.valueAndGradient(x.clone(), g);
      double h = 1e-5;
      for (int k = 0; k < x.length; k++) {
        double[] up = x.clone();
        double[] down = x.clone();
        up[k] += h;
        down[k] -= h;
        double[] scratch = new double[x.length];
        double fd = (f.valueAndGradient(up, scratch) - f.valueAndGradient(down, scratch))
            / (2 * h);
        assertEquals(fd, g[k], 1e-6 * Math.max(1, Math.abs(fd)), (triangular ? "triangular"
            : "diagonal") + " parameter " + k);
      }
    }
  }

  /** The back substitution inverts an upper triangular matrix: B·A = I to 1e-12. */
  @Test
  void upperInverseInverts() {
    double[] b = {2, 0.5, -0.3, 0, 1, 0.2, 0, 0, 0.5};
    double[] a = AffineCalibration.upperInverse(b, DIM);
    for (int i = 0; i < DIM; i++) {
      for (int j = 0; j < DIM; j++) {
        double s = 0;
        for (int k = 0; k < DIM; k++) {
          s += b[i * DIM + k] * a[k * DIM + j];
        }
        assertEquals(i == j ? 1 : 0, s, 1e-12, "(B A)[" + i + "][" + j + "]");
      }
    }
  }

  /**
   * Draws of z = A u + β with u from a t₁₀ (q, a single expert), A upper triangular: the map
   * fitted to them from q recovers A and β. With a positive diagonal the upper-triangular
   * factor of the scatter AAᵀ is unique, so the map is identified. The maximum-likelihood
   * estimates' standard errors are at most about a_max·√(2/n) (a Gaussian's, √2·a/√n for a
   * scale entry, times a t₁₀'s information ratio, under 1.2): 0.02 at n = 20,000 and a_max = 2.
   * Every entry is within 4 of those, 0.08.
   */
  @Test
  void theFittedMapRecoversAKnownOne() {
    double dof = 10;
    ProductOfExperts q = ProductOfExperts.of(List.of(Expert.studentT(new double[DIM],
        new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, dof)), new double[] {(dof + DIM) / 2});
    double[] a = {2, 0.5, -0.3, 0, 1, 0.2, 0, 0, 0.5};
    double[] beta = {1, -2, 0.5};
    AffineMap truth = new AffineMap(a, beta);
    int n = 20_000;
    SplittableRandom rng = new SplittableRandom(5);
    double[] u = new double[n * DIM];
    for (int p = 0; p < n; p++) {
      double chi2 = 0;
      for (int k = 0; k < dof; k++) {
        double g = gaussian(rng);
        chi2 += g * g;
      }
      double scale = Math.sqrt(dof / chi2);
      for (int d = 0; d < DIM; d++) {
        u[p * DIM + d] = gaussian(rng) * scale;
      }
    }
    AffineMap fitted = AffineCalibration.fitMap(q, truth.apply(u, n), n, true, 2);
    for (int k = 0; k < a.length; k++) {
      assertEquals(a[k], fitted.a()[k], 0.08, "A entry " + k);
    }
    for (int d = 0; d < DIM; d++) {
      assertEquals(beta[d], fitted.b()[d], 0.08, "beta " + d);
    }
    assertTrue(Math.abs(fitted.logAbsDet() - truth.logAbsDet()) < 0.08,
        "log|det A| " + fitted.logAbsDet() + " against " + truth.logAbsDet());
  }

  /**
   * In a fit with a MALA population (the 2-D bimodal product of t's, population = always) the
   * calibration runs after everything else and moves q, never α: α is the same bit for bit as
   * with fit.under-p.affine-calibration = false, which reports no calibration. Half the chains
   * fit the map, half judge it. When it is kept the log-normaliser moves by log|det A| exactly;
   * when it is dropped the model is the uncalibrated one.
   */
  @Test
  void aFitWithAPopulationEndsWithTheCalibration() throws Exception {
    ProductOfTTarget target = ProductOfTTarget.of(ModelJson.read(
        Path.of("conf/examples/bimodal-2d.json")));
    PoeSettings.Builder base = PoeSettings.builder().threads(2).gaussianRounds(2)
        .gaussianDraws(2000).modeStarts(8).outputDraws(2000).batchSize(512).iterations(6)
        .objective(UnderPSettings.defaults()).population(PopulationMode.ALWAYS)
        .klProjection(false);
    PoeResult on = new PoeFitter(base.build(), OjAlgoQpSolver.create()).fit(target,
        new LocalScoreEvaluator(target, 2), Progress.SILENT);
    PoeResult off = new PoeFitter(base.affineCalibration(false).build(),
        OjAlgoQpSolver.create()).fit(target, new LocalScoreEvaluator(target, 2),
        Progress.SILENT);
    assertTrue(off.calibration().isEmpty());
    AffineCalibration.Outcome outcome = on.calibration().orElseThrow();
    assertEquals(512, outcome.fitted() + outcome.heldOut());
    org.junit.jupiter.api.Assertions.assertArrayEquals(off.family().alpha(),
        on.family().alpha(), 0.0);
    double shift = on.model().logNormalizer().estimate()
        - off.model().logNormalizer().estimate();
    assertEquals(outcome.kept() ? outcome.logAbsDet() : 0, shift, 1e-9, outcome.describe());
  }

  /** A value that is not a boolean is a one-line error naming the key. */
  @Test
  void aBadValueNamesTheKey() {
    org.poevi.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
        org.poevi.InvalidInputException.class, () -> org.poevi.config.FitConfig.parse(
            "target { type = banana }", List.of("fit.under-p.affine-calibration=maybe"))
            .fitter());
    assertTrue(e.getMessage().contains("fit.under-p.affine-calibration")
        && !e.getMessage().contains("\n"), e.getMessage());
  }

  private static double gaussian(SplittableRandom rng) {
    double u1 = 1 - rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.nextDouble());
  }
}
