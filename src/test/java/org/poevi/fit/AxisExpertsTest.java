package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.family.AffineMap;
import org.poevi.family.Expert;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.Cholesky;
import org.poevi.math.SymmetricEigen;

/**
 * Coordinate experts (experts.axis-offsets): their shape around the preliminary Gaussian, and
 * the same experts in the user's coordinates whether they are built there or in a Laplace frame
 * and carried back.
 */
class AxisExpertsTest {
  private static final int DIM = 4;
  private static final double[] OFFSETS = {-1.5, 0, 3};
  private static final double[] WIDTHS = {1, 2};

  private static ExpertPool.Settings settings(double[] offsets, double[] widths) {
    return new ExpertPool.Settings(ExpertPool.Placement.BULK, 8, 2, new double[] {1},
        new double[] {4}, new double[0], 0.1, 0, ExpertPool.Structure.DENSE, 4, AxisMode.ALWAYS,
        offsets, widths);
  }

  private static List<Expert> build(GaussianFit g, double[] axes) {
    List<Expert> experts = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    AxisExperts.add(experts, kinds, g, Cholesky.inverse(g.covariance(), DIM), axes, null,
        settings(OFFSETS, WIDTHS));
    assertEquals(List.copyOf(java.util.Collections.nCopies(experts.size(), "axis")), kinds);
    return experts;
  }

  private static GaussianFit gaussian(UniformRandomProvider rng) {
    double[] mean = new double[DIM];
    for (int d = 0; d < DIM; d++) {
      mean[d] = 3 * rng.nextDouble() - 1;
    }
    return new GaussianFit(mean, RandomExperts.spd(rng, DIM, 0.5), Double.NaN, null);
  }

  /**
   * Λ − ε/(2aD)·S⁻¹ is e_d e_dᵀ/(2a w² S_dd), positive definite in all, and the location sits t
   * marginal sds from the mean along coordinate d (exactly: its d-th coordinate), moved along
   * S e_d (the other coordinates' regression on x_d).
   */
  @Test
  void eachExpertIsAFactorAlongOneCoordinate() {
    GaussianFit g = gaussian(RandomSource.SPLIT_MIX_64.create(3));
    double[] s = g.covariance();
    double[] precision = Cholesky.inverse(s, DIM);
    List<Expert> experts = build(g, null);
    assertEquals(DIM * OFFSETS.length * WIDTHS.length, experts.size());
    int k = 0;
    for (int d = 0; d < DIM; d++) {
      double sd = Math.sqrt(s[d * DIM + d]);
      for (double t : OFFSETS) {
        for (double w : WIDTHS) {
          Expert e = experts.get(k++);
          double[] lambda = e.lambda();
          assertTrue(SymmetricEigen.of(lambda, DIM).minValue() > 0);
          for (int i = 0; i < DIM; i++) {
            // Rounding only: entries of order 1 computed in a few operations.
            assertEquals(g.mean()[i] + t * s[i * DIM + d] / sd, e.location()[i], 1e-12);
            for (int j = 0; j < DIM; j++) {
              double rankOne = i == d && j == d ? 1 / (4 * w * w * sd * sd) : 0;
              assertEquals(rankOne, lambda[i * DIM + j]
                  - AxisExperts.EPS / (4 * DIM) * precision[i * DIM + j], 1e-12);
            }
          }
        }
      }
    }
  }

  /**
   * Built in a frame z = A z̃ + b (axes = the rows of A, the Gaussian in z̃) and carried to z
   * (μ = Aμ̃ + b, Λ = A⁻ᵀΛ̃A⁻¹), the experts are those built in z around the mapped Gaussian.
   */
  @Test
  void theFrameDoesNotMoveThem() {
    UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(5);
    GaussianFit framed = gaussian(rng);
    double[] a = new double[DIM * DIM];
    double[] b = new double[DIM];
    for (int i = 0; i < DIM; i++) {
      b[i] = 100 * rng.nextDouble();
      a[i * DIM + i] = Math.exp(4 * rng.nextDouble() - 2);
      for (int j = i + 1; j < DIM; j++) {
        a[i * DIM + j] = rng.nextDouble() - 0.5;
      }
    }
    AffineMap map = new AffineMap(a, b);
    double[] s = new double[DIM * DIM];
    for (int i = 0; i < DIM; i++) {
      for (int j = 0; j < DIM; j++) {
        for (int p = 0; p < DIM; p++) {
          for (int q = 0; q < DIM; q++) {
            s[i * DIM + j] += a[i * DIM + p] * framed.covariance()[p * DIM + q] * a[j * DIM + q];
          }
        }
      }
    }
    GaussianFit user = new GaussianFit(map.apply(framed.mean(), 1), s, Double.NaN, null);
    List<Expert> inFrame = build(framed, a);
    double[] ones = new double[inFrame.size()];
    Arrays.fill(ones, 1);
    List<Expert> carried = map.map(ProductOfExperts.of(inFrame, ones)).experts();
    List<Expert> direct = build(user, null);
    for (int k = 0; k < direct.size(); k++) {
      double[] x = carried.get(k).lambda();
      double[] y = direct.get(k).lambda();
      for (int i = 0; i < x.length; i++) {
        // Relative rounding of a few triangular solves and an inverse at condition ≤ ~10³.
        assertEquals(y[i], x[i], 1e-8 * (Math.abs(y[i]) + 1e-3), "lambda " + k + "[" + i + "]");
      }
      for (int i = 0; i < DIM; i++) {
        assertEquals(direct.get(k).location()[i], carried.get(k).location()[i],
            1e-9 * (1 + Math.abs(b[i])));
      }
    }
  }

  /**
   * A funnel's coordinates are found from the bulk points' curvatures: coordinate 2's log
   * curvature is −x₀ (a scale, R² = 1), so 0 and 2 get no coordinate experts; coordinate 1's
   * curvature changes with x₀ too, but not log-linearly (1 + x₀², R² = 0 over a symmetric
   * sample), and coordinate 3's not at all.
   */
  @Test
  void aFunnelsCoordinatesGetNone() {
    UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(9);
    int n = 64;
    double[][] points = new double[n][DIM];
    double[][] hessians = new double[n][DIM * DIM];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < DIM; d++) {
        points[i][d] = 2 * rng.nextDouble() - 1;
      }
      points[i][0] = (i < n / 2 ? -1 : 1) * (1 + i % (n / 2)) / 10.0;
      double x = points[i][0];
      hessians[i][0] = 1;
      hessians[i][DIM + 1] = 1 + x * x;
      hessians[i][2 * DIM + 2] = Math.exp(-x);
      hessians[i][3 * DIM + 3] = 2;
    }
    assertArrayEquals(new boolean[] {true, false, true, false},
        AxisExperts.scales(points, hessians, null, DIM));
  }

  /** experts.axes = always with structured experts is refused before any work. */
  @Test
  void alwaysNeedsDenseExperts() {
    org.poevi.targets.SinhArcsinhTarget target = org.poevi.targets.SinhArcsinhTarget.of(3);
    ExpertPool.Settings pool = ExpertPool.Settings.defaults().withStructure(
        ExpertPool.Structure.STRUCTURED, 2).withAxes(AxisMode.ALWAYS);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> new PoeFitter(
        PoeSettings.builder().experts(pool).build(), org.poevi.qp.OjAlgoQpSolver.create())
        .fit(target, new org.poevi.evaluator.LocalScoreEvaluator(target, 1), Progress.SILENT));
    assertTrue(e.getMessage().startsWith("experts.axes = always needs dense experts"),
        e.getMessage());
  }

  @Test
  void badSettingsNameTheirKey() {
    assertEquals("experts.axis-offsets must be finite, got NaN", assertThrows(
        InvalidInputException.class, () -> settings(new double[] {0, Double.NaN}, WIDTHS))
        .getMessage());
    assertTrue(assertThrows(InvalidInputException.class, () -> settings(new double[0], WIDTHS))
        .getMessage().startsWith("experts.axis-offsets must not be empty"));
    assertEquals("experts.axis-widths must not be empty", assertThrows(
        InvalidInputException.class, () -> settings(OFFSETS, new double[0])).getMessage());
    assertTrue(assertThrows(InvalidInputException.class, () -> settings(OFFSETS,
        new double[] {0})).getMessage().startsWith("experts.axis-widths must be finite and > 0"));
  }
}
