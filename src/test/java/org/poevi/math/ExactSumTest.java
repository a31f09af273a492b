package org.poevi.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ExactSum} against exact decimal arithmetic: BigDecimal holds every double and every sum
 * of them exactly, and Double.parseDouble rounds its decimal string to the nearest double (ties
 * to even). So every assertion here is of equal bits, no tolerance.
 */
class ExactSumTest {
  private static double exact(List<Double> values) {
    BigDecimal sum = BigDecimal.ZERO;
    for (double v : values) {
      sum = sum.add(new BigDecimal(v));
    }
    return Double.parseDouble(sum.toString());
  }

  private static double summed(List<Double> values) {
    double[] acc = new double[ExactSum.CHUNKS];
    for (double v : values) {
      ExactSum.add(acc, 0, v);
    }
    return ExactSum.round(acc, 0);
  }

  /** The same sum by {@link ExactSum#addAll}, in two batches. */
  private static double summedAll(List<Double> values) {
    double[] acc = new double[ExactSum.CHUNKS];
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    int cut = v.length / 3;
    ExactSum.addAll(acc, 0, v, cut);
    double[] rest = java.util.Arrays.copyOfRange(v, cut, v.length);
    ExactSum.addAll(acc, 0, rest, rest.length);
    return ExactSum.round(acc, 0);
  }

  /** A double of random sign, exponent in [lo, hi] and mantissa. */
  private static double random(Random rng, int lo, int hi) {
    double m = 1 + rng.nextDouble();
    double v = Math.scalb(m, lo + rng.nextInt(hi - lo + 1));
    return rng.nextBoolean() ? v : -v;
  }

  @Test
  void sumsOfValuesOverTheWholeRangeAreRoundedOnce() {
    Random rng = new Random(1);
    int[][] ranges = {{-3, 3}, {-60, 60}, {-1074, -1000}, {-1100, 1023}, {900, 1022},
        {-40, 40}};
    for (int[] range : ranges) {
      for (int trial = 0; trial < 40; trial++) {
        List<Double> values = new ArrayList<>();
        int count = 1 + rng.nextInt(300);
        for (int i = 0; i < count; i++) {
          values.add(random(rng, range[0], range[1]));
        }
        double expected = exact(values);
        assertEquals(expected, summed(values), 0, () -> "range " + range[0] + ".." + range[1]);
        assertEquals(expected, summedAll(values), 0, () -> "addAll, range " + range[0] + ".."
            + range[1]);
      }
    }
  }

  @Test
  void cancellationTiesAndTheEdgesOfTheRange() {
    assertEquals(0x1p-1074, summed(List.of(1e300, 0x1p-1074, -1e300)), 0);
    assertEquals(0.0, summed(List.of(1.5, -1.5)), 0);
    // 1 + 2^−53 is a tie: to even, 1; a sticky bit far below breaks it upwards.
    assertEquals(1.0, summed(List.of(1.0, 0x1p-53)), 0);
    assertEquals(Math.nextUp(1.0), summed(List.of(1.0, 0x1p-53, 0x1p-1000)), 0);
    assertEquals(Math.nextUp(1.0), summed(List.of(1.0, 0x1p-53, 0x1p-53)), 0);
    assertEquals(-1.0, summed(List.of(-1.0, -0x1p-53)), 0);
    assertEquals(2 * Double.MIN_VALUE, summed(List.of(Double.MIN_VALUE, Double.MIN_VALUE)), 0);
    assertEquals(Double.MIN_NORMAL, summed(List.of(Double.MIN_NORMAL / 2,
        Double.MIN_NORMAL / 2)), 0);
    // Past the largest double on the way, back inside at the end: exact.
    assertEquals(Double.MAX_VALUE, summed(List.of(Double.MAX_VALUE, Double.MAX_VALUE,
        -Double.MAX_VALUE)), 0);
    assertEquals(Double.POSITIVE_INFINITY, summed(List.of(Double.MAX_VALUE,
        Double.MAX_VALUE)), 0);
    assertEquals(Double.NEGATIVE_INFINITY, summed(List.of(-Double.MAX_VALUE,
        -Double.MAX_VALUE)), 0);
  }

  @Test
  void batchesOfEveryKindAreSummedExactly() {
    List<List<Double>> cases = List.of(List.of(1.0, 0x1p-53, 0x1p-1000),
        List.of(1e300, 0x1p-1074, -1e300), List.of(Double.MAX_VALUE, Double.MAX_VALUE,
            -Double.MAX_VALUE), List.of(0x1p-950, 3.0, -0x1p-1000, 0x1p-1074),
        List.of(1e-310, 2e-310, -5e-311), List.of(0.1, 0.2, 0.3, -0.6));
    for (List<Double> values : cases) {
      assertEquals(exact(values), summedAll(values), 0, values::toString);
    }
    assertEquals(Double.POSITIVE_INFINITY, summedAll(List.of(1.0, Double.POSITIVE_INFINITY)), 0);
    assertTrue(Double.isNaN(summedAll(List.of(2.0, Double.NaN, 3.0))));
  }

  @Test
  void nonFiniteValuesAreKept() {
    assertEquals(Double.POSITIVE_INFINITY, summed(List.of(1.0, Double.POSITIVE_INFINITY)), 0);
    assertTrue(Double.isNaN(summed(List.of(Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY))));
    assertTrue(Double.isNaN(summed(List.of(2.0, Double.NaN))));
  }

  /** The order, the grouping into normalised accumulators, and weights as copies. */
  @Test
  void theSumDependsOnlyOnTheMultiset() {
    Random rng = new Random(2);
    for (int trial = 0; trial < 50; trial++) {
      List<Double> values = new ArrayList<>();
      int[] weights = new int[40];
      double[] weighted = new double[ExactSum.CHUNKS];
      for (int i = 0; i < weights.length; i++) {
        double v = random(rng, -30, 30);
        weights[i] = 1 + rng.nextInt(5);
        ExactSum.addProduct(weighted, 0, weights[i], v);
        for (int k = 0; k < weights[i]; k++) {
          values.add(v);
        }
      }
      double expected = exact(values);
      assertEquals(expected, ExactSum.round(weighted, 0), 0, "weighted");
      Collections.shuffle(values, rng);
      // Two accumulators, normalised, added element by element as DyadicSum adds blocks.
      double[] left = new double[ExactSum.CHUNKS];
      double[] right = new double[ExactSum.CHUNKS];
      int cut = rng.nextInt(values.size());
      for (int i = 0; i < values.size(); i++) {
        ExactSum.add(i < cut ? left : right, 0, values.get(i));
      }
      ExactSum.normalise(left, 0);
      ExactSum.normalise(right, 0);
      for (int j = 0; j < ExactSum.CHUNKS; j++) {
        left[j] += right[j];
      }
      assertEquals(expected, ExactSum.round(left, 0), 0, "split and merged");
    }
  }

  @Test
  void normalisingKeepsTheValueAndBoundsTheSlots() {
    Random rng = new Random(3);
    double[] acc = new double[2 * ExactSum.CHUNKS];
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      double v = random(rng, -200, 200);
      values.add(v);
      ExactSum.add(acc, ExactSum.CHUNKS, v);
    }
    double before = ExactSum.round(acc, ExactSum.CHUNKS);
    ExactSum.normaliseAll(acc, ExactSum.CHUNKS, 1);
    assertEquals(exact(values), before, 0);
    assertEquals(before, ExactSum.round(acc, ExactSum.CHUNKS), 0);
    for (int j = 0; j < ExactSum.SPECIAL - 1; j++) {
      double slot = acc[ExactSum.CHUNKS + j];
      assertTrue(slot >= 0 && slot < 0x1p32, "slot " + j + ": " + slot);
    }
    for (int j = 0; j < ExactSum.CHUNKS; j++) {
      assertEquals(0.0, acc[j], 0, "the accumulator before it is untouched");
    }
  }
}
