package org.poevi.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.poevi.math.LogSpace;
import org.poevi.testing.Quadrature;

class FunnelTargetTest {
  private static final int KS_DRAWS = 20_000;
  /**
   * Outer (v) nodes stop at t = 2, |v| ≈ 150σ, where the Gaussian factor is below e^(−11000): the
   * rest carries nothing, and further out e^(v/2), the scale of the inner nodes, would overflow.
   */
  private static final double OUTER_T_MAX = 2;

  /** v/σ and x_i e^(−v/2) are independent standard normals. */
  @Test
  void exactDrawsHaveTheKnownConditionals() {
    for (FunnelTarget t : new FunnelTarget[] {FunnelTarget.of(3), FunnelTarget.of(5, 1.5)}) {
      int dim = t.dim();
      double[] draws = TargetChecks.draws(t, 4, KS_DRAWS);
      double[] v = new double[KS_DRAWS];
      double[] x = new double[KS_DRAWS * (dim - 1)];
      for (int i = 0; i < KS_DRAWS; i++) {
        v[i] = draws[i * dim] / t.scale();
        for (int d = 1; d < dim; d++) {
          // The x_i are i.i.d. N(0, 1) after scaling, so they pool into one sample.
          x[i * (dim - 1) + d - 1] = draws[i * dim + d] * Math.exp(-0.5 * draws[i * dim]);
        }
      }
      NormalDistribution normal = NormalDistribution.of(0, 1);
      TargetChecks.assertKs(v, normal::cumulativeProbability, t + ": v/scale");
      TargetChecks.assertKs(x, normal::cumulativeProbability, t + ": x exp(-v/2)");
    }
  }

  /** 2-D quadrature with x nodes scaled by e^(v/2) per slice, so the neck is resolved. */
  @Test
  void normalizedDensityIntegratesToOneIn2d() {
    for (FunnelTarget t : new FunnelTarget[] {FunnelTarget.of(2), FunnelTarget.of(2, 1)}) {
      TargetChecks.assertLogIntegralZero(h -> TargetChecks.logIntegral2d(t,
          Quadrature.realLine(0, t.scale(), h, OUTER_T_MAX),
          v -> Quadrature.realLine(0, Math.exp(0.5 * v), h, 3.5)), 1e-8, t.toString());
    }
  }

  /**
   * In D dimensions the integral over x given v factorises into D − 1 equal one-dimensional ones,
   * each read off the target as logDensity(v, x, 0, …) − logDensity(v, 0, …); so a nested 1-D
   * quadrature checks the whole D-dimensional normaliser, including its (D − 1) v/2 term.
   */
  @Test
  void normalizedDensityIntegratesToOneInHigherDimensions() {
    for (FunnelTarget t : List.of(FunnelTarget.of(4), FunnelTarget.of(7, 1.5))) {
      int dim = t.dim();
      TargetChecks.assertLogIntegralZero(h -> {
        Quadrature.Nodes outer = Quadrature.realLine(0, t.scale(), h, OUTER_T_MAX);
        double[] terms = new double[outer.size()];
        for (int i = 0; i < outer.size(); i++) {
          double v = outer.x()[i];
          double[] z = new double[dim];
          z[0] = v;
          double base = t.logDensity(z);
          Quadrature.Nodes inner = Quadrature.realLine(0, Math.exp(0.5 * v), h, 3.5);
          double[] slice = new double[inner.size()];
          for (int j = 0; j < inner.size(); j++) {
            z[1] = inner.x()[j];
            slice[j] = inner.logWeight()[j] + t.logDensity(z) - base;
          }
          terms[i] = outer.logWeight()[i] + base + (dim - 1) * LogSpace.logSumExp(slice);
        }
        return LogSpace.logSumExp(terms) - t.logNormalizer();
      }, 1e-8, t.toString());
    }
  }

  /** Far down the neck the terms overflow: −∞ and an infinite score, never NaN. */
  @Test
  void farDownTheNeckIsMinusInfinityNotNaN() {
    FunnelTarget t = FunnelTarget.of(3);
    double[] g = new double[3];
    assertEquals(Double.NEGATIVE_INFINITY, t.logDensity(new double[] {-2000, 1, 0}, g));
    for (double v : g) {
      assertTrue(!Double.isNaN(v), "score entry " + v);
    }
    // x = 0 contributes nothing, however narrow the neck.
    double value = t.logDensity(new double[] {-2000, 0, 0}, g);
    assertTrue(Double.isFinite(value), "log density " + value);
    assertEquals(0, g[1], 0);
    double[] h = new double[9];
    t.hessian(new double[] {-2000, 0, 0}, h);
    assertEquals(0, h[1], 0);
  }

  @Test
  void namesItsCoordinates() {
    assertEquals(List.of("v", "x[1]", "x[2]"), FunnelTarget.of(3).parameterNames());
  }

  @Test
  void rejectsBadParameters() {
    BananaTargetTest.assertMessage("dimension must be between 2 and 10000, got 1",
        () -> FunnelTarget.of(1, 3));
    BananaTargetTest.assertMessage("scale must be > 0, got 0.0", () -> FunnelTarget.of(3, 0));
    BananaTargetTest.assertMessage("scale must be finite, got NaN",
        () -> FunnelTarget.of(3, Double.NaN));
  }
}
