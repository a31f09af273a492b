package org.poevi.targets.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The column moments about their means: exact to rounding for uncentred columns, where the
 * one-pass formula Σv² − N·m² loses every digit, and the same for any split of the rows.
 */
class ColumnMomentsTest {
  private static final int ROWS = 3000;

  /**
   * A timestamp-like column near 1.7·10⁹ with sd about 1, a year near 2000 with sd about 17, and
   * a response near 10⁶: means and sds against exact decimal arithmetic (BigDecimal, 60 digits).
   * The two-pass sums about the mean carry a relative error of a few ulps per row at most, so
   * 1e-12 relative is about 10³ times the expected error and still 10¹² times smaller than the
   * one-pass formula's error here (its Σv² and N·m² agree to all of a double's digits).
   */
  @Test
  void uncentredColumnsKeepTheirSd() {
    Random rng = new Random(11);
    double[][] columns = new double[3][ROWS];
    for (int i = 0; i < ROWS; i++) {
      columns[0][i] = 1;
      columns[1][i] = 1.7e9 + rng.nextGaussian();
      columns[2][i] = 2000 + 17 * rng.nextGaussian();
    }
    double[] y = new double[ROWS];
    for (int i = 0; i < ROWS; i++) {
      y[i] = 1e6 + 3 * rng.nextGaussian();
    }
    for (int split : new int[] {1, 7}) {
      ColumnMoments.Summary m = ColumnMoments.of(new InMemoryRowData(blocks(columns, y, split),
          2));
      assertMoments(y, m.meanY(), m.sdY());
      for (int d = 0; d < 3; d++) {
        assertMoments(columns[d], m.meanX()[d], m.sdX()[d]);
      }
    }
  }

  /** The rows in {@code parts} blocks of about equal size. */
  private static List<RowBlock> blocks(double[][] columns, double[] y, int parts) {
    List<RowBlock> blocks = new ArrayList<>();
    int dim = columns.length;
    for (int b = 0; b < parts; b++) {
      int from = (int) ((long) b * ROWS / parts);
      int to = (int) ((long) (b + 1) * ROWS / parts);
      int rows = to - from;
      double[] x = new double[rows * dim];
      for (int d = 0; d < dim; d++) {
        System.arraycopy(columns[d], from, x, d * rows, rows);
      }
      blocks.add(new RowBlock(b, from, rows, dim, x, java.util.Arrays.copyOfRange(y, from, to)));
    }
    return blocks;
  }

  private static void assertMoments(double[] v, double mean, double sd) {
    MathContext mc = new MathContext(60);
    BigDecimal sum = BigDecimal.ZERO;
    for (double x : v) {
      sum = sum.add(new BigDecimal(x));
    }
    BigDecimal exactMean = sum.divide(BigDecimal.valueOf(v.length), mc);
    BigDecimal squares = BigDecimal.ZERO;
    for (double x : v) {
      BigDecimal dev = new BigDecimal(x).subtract(exactMean);
      squares = squares.add(dev.multiply(dev));
    }
    double exactSd = exactSdOf(squares, v.length, mc);
    // The corrected mean m + Σ(v − m)/N: a few ulps of m, plus the second sum's rounding
    // (N ulps of terms of size sd at most).
    double m = exactMean.doubleValue();
    assertEquals(m, mean, 4 * Math.ulp(m) + 1e-12 * exactSdOf(squares, v.length, mc), "mean");
    assertEquals(exactSd, sd, 1e-12 * exactSd, "sd");
  }

  private static double exactSdOf(BigDecimal squares, int n, MathContext mc) {
    return squares.divide(BigDecimal.valueOf(n - 1), mc).sqrt(mc).doubleValue();
  }
}
