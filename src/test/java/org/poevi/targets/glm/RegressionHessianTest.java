package org.poevi.targets.glm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.poevi.family.AffineMap;
import org.poevi.targets.AffineTarget;
import org.poevi.targets.BatchTarget;

/**
 * The regressions' analytic Hessians ({@link RegressionTarget#hessians}: Xᵀ diag(w ⊙ ℓ''(η)) X
 * in one pass, plus the priors' curvature; for the linear model the (β, log σ) cross terms)
 * against central differences of the analytic scores, for every family with weights, offsets,
 * an intercept and non-normal priors, over several blocks; and through an {@link AffineTarget}
 * (Aᵀ H A).
 */
class RegressionHessianTest {
  private static final int ROWS = 1500;
  private static final int COLUMNS = 4;
  private static final int POINTS = 3;

  /** Blocks of 700, 700 and 100 rows: an intercept, three N(0, 1) columns, weights, offsets. */
  private static RowData data(RegressionTarget.Family family, SplittableRandom rng) {
    List<RowBlock> blocks = new ArrayList<>();
    int index = 0;
    for (int first = 0; first < ROWS; first += 700, index++) {
      int m = Math.min(700, ROWS - first);
      double[] x = new double[m * COLUMNS];
      double[] y = new double[m];
      double[] w = new double[m];
      double[] o = new double[m];
      for (int i = 0; i < m; i++) {
        x[i] = 1;
        for (int j = 1; j < COLUMNS; j++) {
          x[i + j * m] = rng.nextGaussian();
        }
        y[i] = switch (family) {
          case LINEAR -> 1 + rng.nextGaussian();
          case LOGISTIC -> rng.nextInt(2);
          case POISSON -> rng.nextInt(6);
        };
        w[i] = rng.nextInt(3);
        o[i] = 0.3 * rng.nextGaussian();
      }
      blocks.add(new RowBlock(index, first, m, COLUMNS, x, y, w, o));
    }
    return new InMemoryRowData(blocks, 2);
  }

  private static RegressionTarget target(RegressionTarget.Family family) {
    RowData data = data(family, new SplittableRandom(7));
    List<Prior> priors = new ArrayList<>(List.of(Prior.coefficient("k", "student_t(3, 0, 2)"),
        Prior.coefficient("k", "normal(0.5, 2)"), Prior.coefficient("k", "cauchy(0, 1)"),
        Prior.coefficient("k", "normal(0, 2.5)")));
    if (family.hasScale()) {
      priors.add(Prior.scale("k", "half_normal(1.5)"));
    }
    return new RegressionTarget(family, data, true, priors.toArray(new Prior[0]), null);
  }

  private static double[] points(int dim, SplittableRandom rng) {
    double[] z = new double[POINTS * dim];
    for (int i = 0; i < z.length; i++) {
      z[i] = 0.4 * rng.nextGaussian();
    }
    return z;
  }

  /**
   * Central differences of the scores, step 1e-5: truncation error h²/6 times the fourth
   * derivative of log p̃ (for these ~1000-weight sums, of order 10³ at most: about 1e-7), and
   * rounding about ε·|score|/h (|score| at most about 10³: 2e-8); the tolerance 1e-5 relative to
   * the Hessian's largest entry (10² to 10³) leaves room for both.
   */
  private static void assertMatchesDifferences(BatchTarget target, double[] z) {
    int dim = target.dim();
    double[] h = new double[POINTS * dim * dim];
    assertTrue(target.hessians(z, POINTS, h));
    double step = 1e-5;
    for (int p = 0; p < POINTS; p++) {
      double largest = 0;
      for (int i = 0; i < dim * dim; i++) {
        largest = Math.max(largest, Math.abs(h[p * dim * dim + i]));
      }
      for (int j = 0; j < dim; j++) {
        double[] plus = java.util.Arrays.copyOfRange(z, p * dim, (p + 1) * dim);
        double[] minus = plus.clone();
        plus[j] += step;
        minus[j] -= step;
        double[] gp = new double[dim];
        double[] gm = new double[dim];
        target.logDensity(plus, gp);
        target.logDensity(minus, gm);
        for (int i = 0; i < dim; i++) {
          double fd = (gp[i] - gm[i]) / (2 * step);
          assertEquals(fd, h[p * dim * dim + i * dim + j], 1e-5 * largest,
              target.name() + " point " + p + " entry (" + i + ", " + j + ")");
        }
      }
    }
  }

  @Test
  void everyFamilysHessianMatchesDifferencedScores() {
    for (RegressionTarget.Family family : RegressionTarget.Family.values()) {
      RegressionTarget target = target(family);
      assertMatchesDifferences(target, points(target.dim(), new SplittableRandom(3)));
    }
  }

  /** Through an affine map (standardised coordinates): Aᵀ H A, checked the same way. */
  @Test
  void anAffineTargetsHessianIsPulledBack() {
    for (RegressionTarget.Family family : RegressionTarget.Family.values()) {
      RegressionTarget original = target(family);
      int dim = original.dim();
      SplittableRandom rng = new SplittableRandom(11);
      double[] a = new double[dim * dim];
      double[] b = new double[dim];
      for (int i = 0; i < dim; i++) {
        a[i * dim + i] = 0.5 + rng.nextDouble();
        b[i] = 0.1 * rng.nextGaussian();
        for (int j = i + 1; j < dim; j++) {
          a[i * dim + j] = 0.3 * rng.nextGaussian();
        }
      }
      List<String> names = original.parameterNames();
      AffineTarget target = new AffineTarget(original, new AffineMap(a, b), names);
      assertMatchesDifferences(target, points(dim, new SplittableRandom(5)));
    }
  }

  /**
   * The values-only pass ({@link RegressionTarget#logDensityValues}, without Xᵀr) gives the
   * values of the full pass bit for bit, for every family with weights and offsets, directly,
   * through an affine map and through the local evaluator (which counts them).
   */
  @Test
  void valuesAloneAreTheFullPassesValues() {
    for (RegressionTarget.Family family : RegressionTarget.Family.values()) {
      RegressionTarget target = target(family);
      int dim = target.dim();
      double[] z = points(dim, new SplittableRandom(13));
      double[] full = new double[POINTS];
      target.logDensities(z, POINTS, full, new double[POINTS * dim]);
      double[] alone = new double[POINTS];
      target.logDensityValues(z, POINTS, alone);
      assertArrayEquals(full, alone, 0.0, family.type());
      double[] a = new double[dim * dim];
      for (int i = 0; i < dim; i++) {
        a[i * dim + i] = 2;
      }
      AffineTarget affine = new AffineTarget(target, new AffineMap(a, new double[dim]),
          target.parameterNames());
      affine.logDensities(z, POINTS, full, new double[POINTS * dim]);
      affine.logDensityValues(z, POINTS, alone);
      assertArrayEquals(full, alone, 0.0, family.type() + " through an affine map");
      org.poevi.evaluator.LocalScoreEvaluator evaluator =
          new org.poevi.evaluator.LocalScoreEvaluator(affine, 2);
      evaluator.logDensities(z, POINTS, alone);
      assertArrayEquals(full, alone, 0.0);
      assertEquals(POINTS, evaluator.evaluations());
    }
  }

  /**
   * At D = 70 the kernel takes its rows in chunks of 421 (the rows' products are bounded to 2²⁰
   * numbers); at D = 200 (chunks of 52 rows, below GlmHessian.WIDE_CHUNK) it scales the rows and
   * takes one dsyrk per point and chunk instead. Either way the result is the plain
   * Σ_i w_i·ℓ''(η_i)·x_i x_iᵀ, to rounding (1e-12 relative).
   */
  @ParameterizedTest
  @ValueSource(ints = {70, 200})
  void wideDesignsAreSummedInSmallerChunks(int dim) {
    int rows = 1000;
    SplittableRandom rng = new SplittableRandom(17);
    double[] x = new double[rows * dim];
    double[] y = new double[rows];
    double[] w = new double[rows];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextGaussian();
    }
    for (int i = 0; i < rows; i++) {
      y[i] = rng.nextInt(2);
      w[i] = 0.5 + rng.nextDouble();
    }
    double[] z = new double[2 * dim];
    for (int i = 0; i < z.length; i++) {
      z[i] = 0.1 * rng.nextGaussian();
    }
    GlmHessian kernel = new GlmHessian(RegressionTarget.Family.LOGISTIC, dim);
    double[] out = new double[2 * dim * dim];
    kernel.add(new RowBlock(0, 0, rows, dim, x, y, w, null), z, 2, out, kernel.workspace());
    for (int p = 0; p < 2; p++) {
      double[] plain = new double[dim * dim];
      for (int i = 0; i < rows; i++) {
        double eta = 0;
        for (int d = 0; d < dim; d++) {
          eta += x[d * rows + i] * z[p * dim + d];
        }
        double sigma = 1 / (1 + Math.exp(-eta));
        double c = -w[i] * sigma * (1 - sigma);
        for (int a = 0; a < dim; a++) {
          for (int b = 0; b < dim; b++) {
            plain[a * dim + b] += c * x[a * rows + i] * x[b * rows + i];
          }
        }
      }
      double largest = 0;
      for (double v : plain) {
        largest = Math.max(largest, Math.abs(v));
      }
      assertArrayEquals(plain, java.util.Arrays.copyOfRange(out, p * dim * dim,
          (p + 1) * dim * dim), 1e-12 * largest, "point " + p);
    }
  }

  /**
   * One point's Hessian is the batch's and symmetric. Not bit for bit: OpenBLAS's AVX-512 dgemm
   * sums a one-column product in another order than a wider tile (measured: the last bit of
   * −323.37 differs), so the tolerance is a few units in the last place of the largest entry,
   * 1e-13 relative. Determinism does not rest on this: the fit evaluates the same points in
   * the same tiles on any number of threads.
   */
  @Test
  void onePointIsABatchOfOne() {
    RegressionTarget target = target(RegressionTarget.Family.LOGISTIC);
    int dim = target.dim();
    double[] z = points(dim, new SplittableRandom(9));
    double[] all = new double[POINTS * dim * dim];
    target.hessians(z, POINTS, all);
    double[] second = new double[dim * dim];
    assertTrue(target.hessian(java.util.Arrays.copyOfRange(z, dim, 2 * dim), second));
    double[] batch = java.util.Arrays.copyOfRange(all, dim * dim, 2 * dim * dim);
    double largest = 0;
    for (double v : batch) {
      largest = Math.max(largest, Math.abs(v));
    }
    assertArrayEquals(batch, second, 1e-13 * largest);
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        assertEquals(second[i * dim + j], second[j * dim + i], 1e-12 * Math.abs(second[0]));
      }
    }
  }
}
