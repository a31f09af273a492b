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
import org.poevi.math.RandomStreams;

/** The order-independent accumulator behind the distributed reduction (SPEC §6). */
class BlockSumsTest {
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
    List<ScoreSums> parts = new ArrayList<>();
    for (int b = 0; b < numBlocks; b++) {
      parts.add(ScoreAccumulation.block(b, block, new QMatrixBlock(experts, block), experts,
          new double[block * DIM * K], new double[ScoreAccumulation.scratchSize(block, DIM)],
          data[0], data[1], data[2], N, DIM, K));
    }
    for (int trial = 0; trial < 20; trial++) {
      int groups = 1 + rng.nextInt(numBlocks);
      List<BlockSums> partitions = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        partitions.add(new BlockSums());
      }
      List<Integer> order = new ArrayList<>();
      for (int b = 0; b < numBlocks; b++) {
        order.add(b);
      }
      Collections.shuffle(order, new java.util.Random(trial));
      for (int b : order) {
        partitions.get(rng.nextInt(groups)).add(b, parts.get(b));
      }
      Collections.shuffle(partitions, new java.util.Random(100 + trial));
      BlockSums all = new BlockSums();
      for (BlockSums p : partitions) {
        all = rng.nextBoolean() ? all.merge(p) : p.merge(all);
      }
      assertEquals(numBlocks, all.numBlocks());
      assertSameSums(folded, all.total(K));
      assertSameSums(folded, new BlockSums().merge(all).total(K));
    }
  }

  @Test
  void aBlockCountsOnce() {
    BlockSums a = new BlockSums().add(0, ScoreSums.empty(K));
    assertThrows(IllegalStateException.class, () -> a.merge(new BlockSums().add(0,
        ScoreSums.empty(K))));
  }
}
