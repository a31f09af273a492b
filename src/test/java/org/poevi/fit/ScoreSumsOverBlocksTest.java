package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.poevi.family.Expert;
import org.poevi.family.QMatrixBlock;
import org.poevi.math.DyadicSum;
import org.poevi.math.RandomStreams;

/** The order-independent accumulator behind the distributed reduction (SPEC §6). */
class ScoreSumsOverBlocksTest {
  private static final int DIM = 3;
  private static final int K = 9;
  private static final int N = 1000;

  private static void assertSameSums(ScoreSums expected, ScoreSums actual) {
    assertEquals(expected.count(), actual.count());
    assertArrayEquals(expected.normalizedGram(), actual.normalizedGram());
    assertArrayEquals(expected.normalizedCross(), actual.normalizedCross());
    assertEquals(expected.effectiveSampleSize(), actual.effectiveSampleSize());
    assertEquals(expected.fisherDivergence(new double[K]), actual.fisherDivergence(new double[K]));
  }

  /**
   * Blocks grouped into random partitions, each partition folded in a random order and the
   * partitions merged in a random order, give exactly the single-JVM sums, for every grouping;
   * the empty accumulator is an identity.
   */
  @Test
  void anyGroupingGivesTheFoldedSumsBitForBit() {
    UniformRandomProvider rng = RandomStreams.of(3).stream(1);
    List<Expert> experts = RandomExperts.of(rng, DIM, K);
    double[][] data = RandomExperts.batch(rng, N, DIM, 30);
    ScoreSums folded = ScoreAccumulation.accumulate(experts, data[0], data[1], data[2], N, DIM,
        2);
    int block = ScoreAccumulation.blockSize(DIM, K);
    int numBlocks = (N + block - 1) / block;
    ScoreSums leftFold = ScoreSums.empty(K);
    for (int b = 0; b < numBlocks; b++) {
      leftFold.merge(block(experts, data, b));
    }
    // The tree and a left-to-right fold add the same numbers in different orders: equal within
    // round-off (about numBlocks·2⁻⁵² relative per entry; 1e-12 is far above it).
    assertArrayEquals(leftFold.normalizedGram(), folded.normalizedGram(), 1e-12);
    assertArrayEquals(leftFold.normalizedCross(), folded.normalizedCross(), 1e-12);
    for (int trial = 0; trial < 20; trial++) {
      int groups = 1 + rng.nextInt(numBlocks);
      List<DyadicSum<ScoreSums>> partitions = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        partitions.add(ScoreSums.overBlocks(numBlocks));
      }
      List<Integer> order = new ArrayList<>();
      for (int b = 0; b < numBlocks; b++) {
        order.add(b);
      }
      Collections.shuffle(order, new java.util.Random(trial));
      for (int b : order) {
        // The sums own (and add into) their blocks' values: each gets a fresh one.
        partitions.get(rng.nextInt(groups)).add(b, block(experts, data, b));
      }
      Collections.shuffle(partitions, new java.util.Random(100 + trial));
      DyadicSum<ScoreSums> all = ScoreSums.overBlocks(numBlocks);
      for (DyadicSum<ScoreSums> p : partitions) {
        all = rng.nextBoolean() ? all.merge(p) : p.merge(all);
      }
      assertEquals(1, all.pendingNodes());
      assertSameSums(folded, all.total());
    }
  }

  /** A contiguous run of blocks (a partition's share) ships a few partial sums, not one each. */
  @Test
  void aContiguousRunKeepsFewPartialSums() {
    UniformRandomProvider rng = RandomStreams.of(4).stream(1);
    List<Expert> experts = RandomExperts.of(rng, DIM, K);
    int n = 40 * ScoreAccumulation.blockSize(DIM, K);
    double[][] data = RandomExperts.batch(rng, n, DIM, 30);
    DyadicSum<ScoreSums> second = ScoreSums.overBlocks(40);
    for (int b = 20; b < 40; b++) {
      second.add(b, block(experts, data, b));
    }
    // Blocks 20..39 of 40: [20, 24), [24, 32) and [32, 64) (which covers blocks 32..39).
    assertEquals(3, second.pendingNodes());
  }

  @Test
  void aBlockCountsOnce() {
    DyadicSum<ScoreSums> a = ScoreSums.overBlocks(2).add(0, ScoreSums.empty(K));
    assertThrows(IllegalStateException.class, () -> a.merge(ScoreSums.overBlocks(2).add(0,
        ScoreSums.empty(K))));
  }

  private static ScoreSums block(List<Expert> experts, double[][] data, int b) {
    int block = ScoreAccumulation.blockSize(DIM, K);
    int n = data[2].length;
    return ScoreAccumulation.block(b, block, new QMatrixBlock(experts, block), experts,
        new double[block * DIM * K], new double[ScoreAccumulation.scratchSize(block, DIM)],
        data[0], data[1], data[2], n, DIM, K, 0);
  }
}
