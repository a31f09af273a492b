package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  /**
   * The tree adds the same terms as the left-to-right fold it replaced, in another order: equal
   * within a round-off bound derived from the terms.
   */
  @Test
  void theTreeAgreesWithALeftFoldWithinRoundOff() {
    UniformRandomProvider rng = RandomStreams.of(5).stream(1);
    List<Expert> experts = RandomExperts.of(rng, DIM, K);
    int numBlocks = 40;
    int n = numBlocks * ScoreAccumulation.blockSize(DIM, K);
    double[][] data = RandomExperts.batch(rng, n, DIM, 30);
    ScoreSums folded = ScoreAccumulation.accumulate(experts, data[0], data[1], data[2], n, DIM,
        2);
    ScoreSums leftFold = ScoreSums.empty(K);
    // Σ_b |term_b| per entry, on the total's scale and normalised by its W.
    double[] absGram = new double[K * K];
    double[] absCross = new double[K];
    for (int b = 0; b < numBlocks; b++) {
      ScoreSums s = block(experts, data, b);
      double f = Math.exp(s.logScale - folded.logScale) / folded.weightSum;
      for (int j = 0; j < K; j++) {
        for (int i = 0; i <= j; i++) {
          absGram[i * K + j] += f * Math.abs(s.gram[j * K + i]);
          absGram[j * K + i] = absGram[i * K + j];
        }
        absCross[j] += f * Math.abs(s.cross[j]);
      }
      leftFold.merge(s);
    }
    // The tree and a left-to-right fold add the same m = numBlocks terms in different orders. Any
    // order errs by at most (m − 1)·u·Σ|terms| (u = 2⁻⁵³), rescaling each term to the common log
    // scale by at most m·u of it, and W by the same relative amount: the two differ by less than
    // 4·m·u·Σ|terms|/W per entry.
    double[] g = leftFold.normalizedGram();
    double[] tg = folded.normalizedGram();
    for (int i = 0; i < K * K; i++) {
      assertEquals(g[i], tg[i], 4 * numBlocks * 0x1p-53 * absGram[i], "Gram entry " + i);
    }
    double[] c = leftFold.normalizedCross();
    double[] tc = folded.normalizedCross();
    for (int k = 0; k < K; k++) {
      assertEquals(c[k], tc[k], 4 * numBlocks * 0x1p-53 * absCross[k], "cross entry " + k);
    }
    assertTrue(!java.util.Arrays.equals(g, tg), "the orders differ in some bit (else the check"
        + " above is empty)");
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
