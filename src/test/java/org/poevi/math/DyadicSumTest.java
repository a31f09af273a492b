package org.poevi.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DyadicSumTest {
  /** Values of wildly different magnitudes, so that any change of summation order shows. */
  private static double[][] values(int blocks, int length, long seed) {
    Random rng = new Random(seed);
    double[][] v = new double[blocks][length];
    for (double[] row : v) {
      for (int i = 0; i < length; i++) {
        row[i] = rng.nextGaussian() * Math.pow(10, rng.nextInt(17) - 8);
      }
    }
    return v;
  }

  private static double[] sumOf(List<List<Integer>> groups, double[][] v) {
    DyadicSum<double[]> total = DyadicSum.vectors(v.length);
    for (List<Integer> group : groups) {
      DyadicSum<double[]> part = DyadicSum.vectors(v.length);
      for (int b : group) {
        part.add(b, v[b].clone());
      }
      total = DyadicSum.vectors(v.length).merge(part).merge(total);
    }
    return total.total();
  }

  @Test
  void anyGroupingAndOrderGivesTheSameBits() {
    for (int blocks : new int[] {1, 2, 3, 5, 8, 13, 100}) {
      double[][] v = values(blocks, 7, blocks);
      List<Integer> all = new ArrayList<>();
      for (int b = 0; b < blocks; b++) {
        all.add(b);
      }
      double[] reference = sumOf(List.of(all), v);
      Random rng = new Random(blocks);
      for (int trial = 0; trial < 20; trial++) {
        List<Integer> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, rng);
        List<List<Integer>> groups = new ArrayList<>();
        int from = 0;
        while (from < blocks) {
          int to = Math.min(blocks, from + 1 + rng.nextInt(blocks));
          groups.add(shuffled.subList(from, to));
          from = to;
        }
        assertArrayEquals(reference, sumOf(groups, v), 0.0, blocks + " blocks, trial " + trial);
      }
    }
  }

  @Test
  void mergeWithTheEmptySumIsTheIdentityAndMergingEqualsFolding() {
    double[][] v = values(11, 4, 3);
    DyadicSum<double[]> folded = DyadicSum.vectors(11);
    DyadicSum<double[]> left = DyadicSum.vectors(11);
    DyadicSum<double[]> right = DyadicSum.vectors(11);
    for (int b = 0; b < 11; b++) {
      folded.add(b, v[b].clone());
      (b < 6 ? left : right).add(b, v[b].clone());
    }
    double[] merged = DyadicSum.vectors(11).merge(left.merge(right)).total();
    assertArrayEquals(folded.total(), merged, 0.0);
    // A merged sum is consumed: it is left empty, and cannot be merged with itself.
    assertEquals(0, right.pendingNodes());
    assertThrows(IllegalArgumentException.class, () -> left.merge(left));
  }

  @Test
  void theTotalIsTheSumAndAContiguousRunKeepsFewNodes() {
    int blocks = 1000;
    double[][] v = new double[blocks][1];
    DyadicSum<double[]> part = DyadicSum.vectors(blocks);
    for (int b = 123; b < 877; b++) {
      v[b][0] = b;
      part.add(b, v[b].clone());
    }
    // A run of blocks is covered by at most two maximal dyadic intervals per level.
    assertTrue(part.pendingNodes() <= 2 * 10, part.pendingNodes() + " nodes");
    for (int b = 0; b < blocks; b++) {
      if (b < 123 || b >= 877) {
        part.add(b, new double[] {b});
      }
    }
    // Integers: every order is exact.
    assertEquals(blocks * (blocks - 1) / 2.0, part.total()[0], 0.0);
  }

  /**
   * A combiner that is not commutative (concatenation) sees each left node before its right
   * sibling: the total lists the blocks in index order, whatever the grouping and arrival order.
   */
  @Test
  void nodesCombineLeftBeforeRightForAnyGrouping() {
    for (int blocks : new int[] {1, 2, 3, 7, 13, 40}) {
      StringBuilder expected = new StringBuilder();
      List<Integer> order = new ArrayList<>();
      for (int b = 0; b < blocks; b++) {
        expected.append('[').append(b).append(']');
        order.add(b);
      }
      Random rng = new Random(blocks);
      for (int trial = 0; trial < 10; trial++) {
        Collections.shuffle(order, rng);
        int groups = 1 + rng.nextInt(blocks);
        List<DyadicSum<String>> parts = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
          parts.add(new DyadicSum<>(blocks, (left, right) -> left + right));
        }
        for (int b : order) {
          parts.get(rng.nextInt(groups)).add(b, "[" + b + "]");
        }
        Collections.shuffle(parts, rng);
        DyadicSum<String> total = parts.get(0);
        for (int g = 1; g < groups; g++) {
          total = rng.nextBoolean() ? total.merge(parts.get(g)) : parts.get(g).merge(total);
        }
        assertEquals(expected.toString(), total.total(), blocks + " blocks, trial " + trial);
      }
    }
  }

  @Test
  void incompleteOrRepeatedBlocksAreErrors() {
    DyadicSum<double[]> s = DyadicSum.vectors(4);
    s.add(0, new double[] {1});
    assertThrows(IllegalStateException.class, s::total);
    assertThrows(IllegalStateException.class, () -> s.add(0, new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> s.add(4, new double[] {1}));
  }
}
