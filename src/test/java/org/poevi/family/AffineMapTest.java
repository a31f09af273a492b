package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;

/**
 * The affine closure of both families: the density of the mapped family at z = A·z̃ + b is the
 * fitted one's at z̃ less log|det A|. Checked against the definitions at random points; the
 * tolerance is rounding in D-term sums of O(1) numbers after an O(10) amplification by A⁻¹:
 * 1e-11.
 */
class AffineMapTest {
  /** A standardisation's shape: intercept row −m/s, then 1/s on the diagonal, and a log σ. */
  private static AffineMap standardisation() {
    double[] m = {2000, -3};
    double[] s = {30, 0.5};
    int dim = 4;
    double[] a = new double[dim * dim];
    a[0] = 1;
    for (int j = 0; j < 2; j++) {
      a[j + 1] = -m[j] / s[j];
      a[(j + 1) * dim + j + 1] = 1 / s[j];
    }
    a[dim * dim - 1] = 1;
    return new AffineMap(a, new double[] {0.5, 0, 0, 0});
  }

  private static double[] point(SplittableRandom rng, int dim) {
    double[] z = new double[dim];
    for (int i = 0; i < dim; i++) {
      z[i] = rng.nextGaussian();
    }
    return z;
  }

  @Test
  void aProductOfExpertsKeepsItsDensityUpToTheJacobian() {
    AffineMap map = standardisation();
    SplittableRandom rng = new SplittableRandom(1);
    List<Expert> experts = List.of(
        Expert.of(point(rng, 4), new double[] {2, 0.3, 0, 0, 0.3, 1, 0.1, 0, 0, 0.1, 1.5, 0, 0,
            0, 0, 0.7}),
        Expert.of(point(rng, 4), new double[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}));
    ProductOfExperts fitted = ProductOfExperts.of(experts, new double[] {2, 1.5});
    ProductOfExperts mapped = map.map(fitted);
    assertArrayEquals(fitted.alpha(), mapped.alpha());
    for (int t = 0; t < 5; t++) {
      double[] zTilde = point(rng, 4);
      double[] z = map.apply(zTilde, 1);
      // Unnormalised: the quadratic forms are the same numbers.
      assertEquals(fitted.logDensityUnnormalized(zTilde), mapped.logDensityUnnormalized(z),
          1e-11 * Math.abs(fitted.logDensityUnnormalized(zTilde)));
    }
  }

  @Test
  void aGaussianKeepsItsDensityUpToTheJacobian() {
    AffineMap map = standardisation();
    List<String> names = List.of("a", "b", "c", "d");
    GaussianModel fitted = new GaussianModel(names, new double[] {0.1, 0.2, -0.3, 0.4},
        new double[] {1, 0.2, 0, 0, 0.2, 2, 0.1, 0, 0, 0.1, 0.5, 0, 0, 0, 0, 1});
    GaussianModel mapped = map.map(fitted, names);
    SplittableRandom rng = new SplittableRandom(2);
    for (int t = 0; t < 5; t++) {
      double[] zTilde = point(rng, 4);
      double expected = fitted.density().logDensity(zTilde, null) - map.logAbsDet();
      assertEquals(expected, mapped.density().logDensity(map.apply(zTilde, 1), null),
          1e-9 * Math.max(1, Math.abs(expected)));
    }
  }

  /** ∇_z̃ f(A z̃ + b) = Aᵀ ∇f against central differences (step 1e-5: error O(h²) ≈ 1e-9). */
  @Test
  void thePulledBackGradientIsTheChainRule() {
    AffineMap map = standardisation();
    double[] zTilde = {0.3, -0.2, 0.1, 0.05};
    // f(z) = Σ sin(z_i)·(i + 1) + z_0·z_1 / 1000.
    java.util.function.ToDoubleFunction<double[]> f = z -> {
      double v = z[0] * z[1] / 1000;
      for (int i = 0; i < z.length; i++) {
        v += Math.sin(z[i]) * (i + 1);
      }
      return v;
    };
    double[] z = map.apply(zTilde, 1);
    double[] g = new double[4];
    for (int i = 0; i < 4; i++) {
      g[i] = Math.cos(z[i]) * (i + 1);
    }
    g[0] += z[1] / 1000;
    g[1] += z[0] / 1000;
    map.pullBack(g, 1);
    for (int j = 0; j < 4; j++) {
      double h = 1e-5;
      double[] plus = zTilde.clone();
      double[] minus = zTilde.clone();
      plus[j] += h;
      minus[j] -= h;
      double fd = (f.applyAsDouble(map.apply(plus, 1)) - f.applyAsDouble(map.apply(minus, 1)))
          / (2 * h);
      assertEquals(fd, g[j], 1e-6 * Math.max(1, Math.abs(fd)), "coordinate " + j);
    }
  }

  /** pullIn undoes apply, pushForward undoes pullBack, and then composes two maps. */
  @Test
  void theInverseOperationsUndoTheMapAndThenComposes() {
    AffineMap map = standardisation();
    SplittableRandom rng = new SplittableRandom(4);
    double[] points = new double[3 * 4];
    for (int i = 0; i < points.length; i++) {
      points[i] = rng.nextGaussian();
    }
    // Rounding of D-term triangular products and solves with entries up to |m/s| = 67: 1e-12.
    assertArrayEquals(points, map.pullIn(map.apply(points, 3), 3), 1e-12);
    double[] gradients = points.clone();
    map.pullBack(gradients, 3);
    map.pushForward(gradients, 3);
    assertArrayEquals(points, gradients, 1e-12);
    // Composed: A·A has entries up to (m/s)² ≈ 4,400 and the points reach about 10⁴ after two
    // maps, so rounding is about 10⁴·10⁻¹⁶ per term, 10⁻¹² in all; 1e-9 leaves a factor of 10³.
    AffineMap twice = map.then(map);
    assertArrayEquals(map.apply(map.apply(points, 3), 3), twice.apply(points, 3), 1e-9);
    assertEquals(2 * map.logAbsDet(), twice.logAbsDet(), 1e-12);
  }

  @Test
  void theLogDeterminantIsTheDiagonalsLogs() {
    assertEquals(-Math.log(30) - Math.log(0.5), standardisation().logAbsDet(), 1e-15);
  }

  /**
   * A structured product maps to a structured one (M once, U = A⁻ᵀŨ) with the same Λ_k as the
   * dense map of the same experts, to rounding (1e-10 of the largest entry), and one metric.
   */
  @Test
  void structuredExpertsStayStructured() {
    AffineMap map = standardisation();
    SharedMetric metric = SharedMetric.of(new double[] {2, 0.3, 0, 0.1, 0.3, 1, 0.2, 0, 0, 0.2,
        1.5, -0.4, 0.1, 0, -0.4, 0.8}, 4);
    List<Expert> structured = List.of(
        Expert.structured(new double[] {1, 0, -1, 0.5}, metric, 0.7,
            new double[] {0.3, -0.2, 0.1, 0.4}),
        Expert.structured(new double[] {0, 2, 0, -0.5}, metric, 1.3, new double[0]));
    List<Expert> dense = new java.util.ArrayList<>();
    for (Expert e : structured) {
      dense.add(Expert.of(e.location(), e.lambda()));
    }
    double[] alpha = {2, 1.5};
    ProductOfExperts a = map.map(ProductOfExperts.of(structured, alpha));
    ProductOfExperts b = map.map(ProductOfExperts.of(dense, alpha));
    assertSame(a.expert(0).metric(), a.expert(1).metric());
    for (int k = 0; k < 2; k++) {
      assertTrue(a.expert(k).isStructured());
      double[] la = a.expert(k).lambda();
      double[] lb = b.expert(k).lambda();
      double scale = 0;
      for (double v : lb) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int i = 0; i < la.length; i++) {
        assertEquals(lb[i], la[i], 1e-10 * scale, "expert " + k + " entry " + i);
      }
      assertArrayEquals(b.expert(k).location(), a.expert(k).location(), 0);
    }
  }

  @Test
  void aSingularMapIsRefused() {
    assertThrows(InvalidInputException.class, () -> new AffineMap(new double[] {1, 0, 0, 0},
        new double[2]));
  }
}
