package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.LogisticLikelihood;
import org.poevi.targets.glm.SyntheticLogisticData;

class SparkRowDataTest {
  @Test
  void sumsOnExecutorsEqualTheDriversBitForBitForAnyPartitioning() {
    JavaSparkContext sc = SparkTestContext.get();
    SyntheticLogisticData data = new SyntheticLogisticData(
        11 * SyntheticLogisticData.BLOCK_ROWS + 77, 5, true, 2);
    int dim = data.columns();
    int n = 37;
    double[] z = new double[n * dim];
    Random rng = new Random(1);
    for (int i = 0; i < z.length; i++) {
      z[i] = 0.5 * rng.nextGaussian();
    }
    LogisticLikelihood lik = new LogisticLikelihood(dim);
    double[] driver = InMemoryRowData.of(data, 2).sums(lik, z, n);
    long direct = SparkRowData.directResultBytes;
    for (int partitions : new int[] {1, 3, 8}) {
      try (SparkRowData rows = SparkRowData.generate(sc, data, partitions)) {
        assertEquals(data.rows(), rows.rows());
        assertTrue(SparkRowData.direct(partitions, 12, lik.outputLength(n, dim)));
        assertArrayEquals(driver, rows.sums(lik, z, n), 0.0, partitions + " partitions");
        // The same sums through treeReduce (what many partitions or wide outputs take).
        SparkRowData.directResultBytes = 0;
        try {
          assertFalse(SparkRowData.direct(partitions, 12, lik.outputLength(n, dim)));
          assertArrayEquals(driver, rows.sums(lik, z, n), 0.0, partitions + " partitions, tree");
        } finally {
          SparkRowData.directResultBytes = direct;
        }
      }
    }
  }

  @Test
  void theDriverCollectsPartialSumsOnlyWhileTheyAreSmall() {
    // 16 partitions of a 10^7-row pass (1221 blocks: 12 nodes at most) at 512 points, D = 20:
    // 16.5 MB of partial sums, collected directly; at D = 1000 and 2048 points, the tree.
    assertTrue(SparkRowData.direct(16, 1221, 512 * 21));
    assertFalse(SparkRowData.direct(16, 1221, 2048 * 1001));
    assertFalse(SparkRowData.direct(10_000, 1221, 512 * 21));
  }
}
