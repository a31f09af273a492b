package org.poevi.targets.glm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ExactRowData}: the exact sums are the floating-point sums to rounding (so the kernels'
 * finite-difference tests carry over: RegressionTargetTest, RegressionHessianTest), for every
 * family with weights and offsets; and their bits do not depend on how the rows are blocked or
 * ordered.
 */
class ExactRowDataTest {
  private static final int ROWS = 1200;
  private static final int COLUMNS = 4;

  /** Rows (x with an intercept column, y, w, o) of the family, in row order. */
  private static double[][] rows(RegressionTarget.Family family, SplittableRandom rng) {
    double[][] rows = new double[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      double[] r = new double[COLUMNS + 3];
      r[0] = 1;
      for (int j = 1; j < COLUMNS; j++) {
        r[j] = rng.nextGaussian();
      }
      r[COLUMNS] = switch (family) {
        case LINEAR -> 1 + rng.nextGaussian();
        case LOGISTIC -> rng.nextInt(2);
        case POISSON -> rng.nextInt(6);
      };
      r[COLUMNS + 1] = rng.nextInt(4) * 0.75;
      r[COLUMNS + 2] = 0.3 * rng.nextGaussian();
      rows[i] = r;
    }
    return rows;
  }

  /** The rows in blocks of {@code size}, in the order given. */
  private static RowData blocks(double[][] rows, int size) {
    List<RowBlock> blocks = new ArrayList<>();
    for (int first = 0; first < rows.length; first += size) {
      int m = Math.min(size, rows.length - first);
      double[] x = new double[m * COLUMNS];
      double[] y = new double[m];
      double[] w = new double[m];
      double[] o = new double[m];
      for (int i = 0; i < m; i++) {
        double[] r = rows[first + i];
        for (int j = 0; j < COLUMNS; j++) {
          x[i + j * m] = r[j];
        }
        y[i] = r[COLUMNS];
        w[i] = r[COLUMNS + 1];
        o[i] = r[COLUMNS + 2];
      }
      blocks.add(new RowBlock(blocks.size(), first, m, COLUMNS, x, y, w, o));
    }
    return new InMemoryRowData(blocks, 2);
  }

  private static RegressionTarget target(RegressionTarget.Family family, RowData data) {
    Prior[] priors = new Prior[COLUMNS + (family.hasScale() ? 1 : 0)];
    Arrays.fill(priors, Prior.normal(0, 2));
    if (family.hasScale()) {
      priors[COLUMNS] = Prior.halfNormal(1.5);
    }
    return new RegressionTarget(family, data, true, priors, null);
  }

  /** Everything the fit asks of a target at n points: log p̃, scores, values alone, Hessians. */
  private static double[][] evaluate(RegressionTarget target, double[] points, int n) {
    int dim = target.dim();
    double[][] out = {new double[n], new double[n * dim], new double[n],
        new double[n * dim * dim]};
    target.logDensities(points, n, out[0], out[1]);
    target.logDensityValues(points, n, out[2]);
    target.hessians(points, n, out[3]);
    return out;
  }

  private static double[] points(int dim, int n) {
    SplittableRandom rng = new SplittableRandom(3);
    double[] z = new double[n * dim];
    for (int i = 0; i < z.length; i++) {
      z[i] = 0.4 * rng.nextGaussian();
    }
    return z;
  }

  @Test
  void exactSumsAreTheFloatingSumsToRoundingAndIgnoreBlocksAndOrder() {
    for (RegressionTarget.Family family : RegressionTarget.Family.values()) {
      double[][] rows = rows(family, new SplittableRandom(11));
      int dim = COLUMNS + (family.hasScale() ? 1 : 0);
      int n = 7;
      double[] z = points(dim, n);
      double[][] plain = evaluate(target(family, blocks(rows, 500)), z, n);
      double[][] exact = evaluate(target(family, ExactRowData.over(blocks(rows, 500))), z, n);
      for (int k = 0; k < plain.length; k++) {
        for (int i = 0; i < plain[k].length; i++) {
          // A floating sum of 1200 terms of size at most ~10 is off by at most 1200·ε·10 ≈
          // 3e-12 (times e^{-2u} ≤ e^{1.6} for the linear scale); a wrong weight, offset or
          // term moves these sums by 1e-3 or more.
          assertEquals(plain[k][i], exact[k][i], 1e-9 * (1 + Math.abs(plain[k][i])),
              family + " output " + k + "[" + i + "]");
        }
      }
      List<double[]> reversed = new ArrayList<>(List.of(rows));
      java.util.Collections.reverse(reversed);
      for (RowData other : new RowData[] {blocks(rows, ROWS), blocks(rows, 7),
          blocks(reversed.toArray(new double[0][]), 333)}) {
        double[][] again = evaluate(target(family, ExactRowData.over(other)), z, n);
        for (int k = 0; k < exact.length; k++) {
          assertArrayEquals(exact[k], again[k], 0, family + " output " + k);
        }
      }
    }
  }

  @Test
  void columnMomentsAndTheWeightSumAreExact() {
    double[][] rows = rows(RegressionTarget.Family.LINEAR, new SplittableRandom(5));
    ColumnMoments.Summary plain = ColumnMoments.of(blocks(rows, 500));
    ColumnMoments.Summary exact = ColumnMoments.of(ExactRowData.over(blocks(rows, 500)));
    ColumnMoments.Summary other = ColumnMoments.of(ExactRowData.over(blocks(rows, 9)));
    assertEquals(plain.rows(), exact.rows(), 0);
    // Two-pass moments of 1200 rows: rounding about 1e-13 relative.
    assertArrayEquals(plain.meanX(), exact.meanX(), 1e-12);
    assertArrayEquals(plain.sdX(), exact.sdX(), 1e-12);
    assertEquals(plain.sdY(), exact.sdY(), 1e-12);
    assertArrayEquals(exact.meanX(), other.meanX(), 0);
    assertArrayEquals(exact.sdX(), other.sdX(), 0);
    assertEquals(exact.meanY(), other.meanY(), 0);
    assertEquals(exact.sdY(), other.sdY(), 0);
  }

  @Test
  void aLikelihoodWithoutExactSumsIsRefused() {
    RowLikelihood plain = new RowLikelihood() {
      @Override
      public Workspace workspace() {
        return new Workspace() {};
      }

      @Override
      public void add(RowBlock block, double[] points, int n, double[] out, Workspace w) {}
    };
    RowData data = ExactRowData.over(blocks(rows(RegressionTarget.Family.LOGISTIC,
        new SplittableRandom(1)), 500));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> data.sums(plain, new double[COLUMNS], 1));
    assertTrue(e.getMessage().startsWith("exact sums are for the built-in regressions"),
        e.getMessage());
  }

  @Test
  void tooManyColumnsAreAOneLineError() {
    int columns = ExactRowData.MAX_COLUMNS + 1;
    RowBlock block = new RowBlock(0, 0, 1, columns, new double[columns], new double[1]);
    org.poevi.InvalidInputException e = assertThrows(org.poevi.InvalidInputException.class,
        () -> ExactRowData.over(new InMemoryRowData(List.of(block), 1)));
    assertTrue(e.getMessage().contains("at most 256 columns, and the design has 257"),
        e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
  }
}
