package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
    for (int partitions : new int[] {1, 3, 8}) {
      try (SparkRowData rows = SparkRowData.generate(sc, data, partitions)) {
        assertEquals(data.rows(), rows.rows());
        assertArrayEquals(driver, rows.sums(lik, z, n), 0.0, partitions + " partitions");
      }
    }
  }
}
