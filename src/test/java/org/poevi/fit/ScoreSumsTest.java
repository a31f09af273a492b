package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.poevi.family.Expert;
import org.poevi.family.ProductOfExperts;
import org.poevi.family.QMatrixBlock;
import org.poevi.math.RandomStreams;

/**
 * The BLAS-3 accumulation of G and h against a naive point-by-point sum with
 * ProductOfExperts.qMatrix, the accumulator's identity and merge, and thread independence.
 */
class ScoreSumsTest {
  private static final int DIM = 3;
  private static final int K = 7;

  private static List<Expert> experts(UniformRandomProvider rng) {
    return RandomExperts.of(rng, DIM, K);
  }

  @Test
  void blockedSumsMatchNaiveSums() {
    UniformRandomProvider rng = RandomStreams.of(5).stream(1);
    List<Expert> experts = experts(rng);
    double[] alpha = new double[K];
    java.util.Arrays.fill(alpha, 1);
    ProductOfExperts family = ProductOfExperts.of(experts, alpha);
    int n = 700;
    double[] z = new double[n * DIM];
    double[] scores = new double[n * DIM];
    double[] logW = new double[n];
    for (int i = 0; i < z.length; i++) {
      z[i] = rng.nextDouble() * 6 - 3;
      scores[i] = rng.nextDouble() - 0.5;
    }
    for (int i = 0; i < n; i++) {
      logW[i] = 40 * rng.nextDouble() - 20;
    }
    logW[3] = Double.NEGATIVE_INFINITY;
    ScoreSums one = ScoreAccumulation.accumulate(experts, z, scores, logW, n, DIM, 1);
    ScoreSums two = ScoreAccumulation.accumulate(experts, z, scores, logW, n, DIM, 2);
    assertArrayEquals(one.normalizedGram(), two.normalizedGram(), "threads change G");
    assertArrayEquals(one.normalizedCross(), two.normalizedCross(), "threads change h");

    double[] gram = new double[K * K];
    double[] cross = new double[K];
    double total = 0;
    double totalSq = 0;
    double scoreSq = 0;
    double max = java.util.Arrays.stream(logW).max().orElseThrow();
    for (int i = 0; i < n; i++) {
      double w = Math.exp(logW[i] - max);
      double[] q = family.qMatrix(java.util.Arrays.copyOfRange(z, i * DIM, (i + 1) * DIM));
      total += w;
      totalSq += w * w;
      for (int a = 0; a < K; a++) {
        for (int b = 0; b < K; b++) {
          double s = 0;
          for (int d = 0; d < DIM; d++) {
            s += q[a * DIM + d] * q[b * DIM + d];
          }
          gram[a * K + b] += w * s;
        }
        for (int d = 0; d < DIM; d++) {
          cross[a] += w * q[a * DIM + d] * scores[i * DIM + d];
        }
      }
      for (int d = 0; d < DIM; d++) {
        scoreSq += w * scores[i * DIM + d] * scores[i * DIM + d];
      }
    }
    // Rounding of sums of 700 terms in a different order: 1e-12 relative is ample.
    double[] g = one.normalizedGram();
    double[] h = one.normalizedCross();
    for (int i = 0; i < K * K; i++) {
      assertEquals(gram[i] / total, g[i], 1e-12 * Math.max(1, Math.abs(g[i])));
    }
    for (int i = 0; i < K; i++) {
      assertEquals(cross[i] / total, h[i], 1e-12 * Math.max(1, Math.abs(h[i])));
    }
    assertEquals(total * total / totalSq, one.effectiveSampleSize(), 1e-9 * n);
    assertEquals(n, one.count());
    // Fisher divergence (αᵀGα − 2hᵀα + S)/W against the direct residual sum.
    double direct = 0;
    for (int i = 0; i < n; i++) {
      double w = Math.exp(logW[i] - max);
      double[] zi = java.util.Arrays.copyOfRange(z, i * DIM, (i + 1) * DIM);
      double[] s = family.score(zi);
      for (int d = 0; d < DIM; d++) {
        double r = s[d] - scores[i * DIM + d];
        direct += w * r * r;
      }
    }
    assertEquals(direct / total, one.fisherDivergence(alpha), 1e-9 * direct / total);
    assertEquals(scoreSq / total, one.fisherDivergence(new double[K]), 1e-9 * scoreSq / total);
  }

  @Test
  void mergeHasAnIdentityAndRescales() {
    UniformRandomProvider rng = RandomStreams.of(6).stream(1);
    List<Expert> experts = experts(rng);
    int n = 40;
    double[] z = new double[n * DIM];
    double[] scores = new double[n * DIM];
    double[] logW = new double[n];
    for (int i = 0; i < z.length; i++) {
      z[i] = rng.nextDouble();
      scores[i] = rng.nextDouble();
    }
    for (int i = 0; i < n; i++) {
      logW[i] = i < n / 2 ? 0 : 300;
    }
    ScoreSums all = ScoreAccumulation.accumulate(experts, z, scores, logW, n, DIM, 1);
    ScoreSums merged = ScoreSums.empty(K).merge(all);
    assertArrayEquals(all.normalizedGram(), merged.normalizedGram());
    assertEquals(all.effectiveSampleSize(), merged.effectiveSampleSize());
    // Halves with log scales 300 apart merge to the same normalised sums.
    ScoreSums first = ScoreAccumulation.accumulate(experts, java.util.Arrays.copyOf(z, n * DIM
        / 2), scores, java.util.Arrays.copyOf(logW, n / 2), n / 2, DIM, 1);
    double[] z2 = java.util.Arrays.copyOfRange(z, n * DIM / 2, n * DIM);
    double[] s2 = java.util.Arrays.copyOfRange(scores, n * DIM / 2, n * DIM);
    double[] w2 = java.util.Arrays.copyOfRange(logW, n / 2, n);
    ScoreSums second = ScoreAccumulation.accumulate(experts, z2, s2, w2, n / 2, DIM, 1);
    double[] g = first.merge(second).normalizedGram();
    double[] expected = all.normalizedGram();
    for (int i = 0; i < g.length; i++) {
      assertEquals(expected[i], g[i], 1e-12 * Math.max(1, Math.abs(expected[i])));
    }
  }

  @Test
  void qBlockMatchesPointwiseQ() {
    UniformRandomProvider rng = RandomStreams.of(7).stream(1);
    List<Expert> experts = experts(rng);
    double[] alpha = new double[K];
    java.util.Arrays.fill(alpha, 1);
    ProductOfExperts family = ProductOfExperts.of(experts, alpha);
    int nb = 5;
    double[] z = new double[nb * DIM];
    for (int i = 0; i < z.length; i++) {
      z[i] = rng.nextDouble() * 10 - 5;
    }
    double[] stacked = new double[nb * DIM * K];
    new QMatrixBlock(experts, 8).compute(z, 0, nb, stacked);
    for (int b = 0; b < nb; b++) {
      double[] q = family.qMatrix(java.util.Arrays.copyOfRange(z, b * DIM, (b + 1) * DIM));
      for (int k = 0; k < K; k++) {
        for (int d = 0; d < DIM; d++) {
          assertEquals(q[k * DIM + d], stacked[k * nb * DIM + b * DIM + d],
              1e-13 * Math.max(1, Math.abs(q[k * DIM + d])));
        }
      }
    }
  }

  /** The serialized form (upper triangle only) restores every bit. */
  @Test
  void serializationKeepsEveryBit() throws Exception {
    UniformRandomProvider rng = RandomStreams.of(12).stream(1);
    int dim = 3;
    int k = 7;
    int n = 300;
    List<Expert> experts = RandomExperts.of(rng, dim, k);
    double[][] data = RandomExperts.batch(rng, n, dim, 5);
    ScoreSums sums = ScoreAccumulation.accumulate(experts, data[0], data[1], data[2], n, dim, 2);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(sums);
    }
    ScoreSums back;
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
        new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      back = (ScoreSums) in.readObject();
    }
    assertArrayEquals(sums.gram, back.gram, 0.0);
    assertArrayEquals(sums.cross, back.cross, 0.0);
    assertEquals(sums.count(), back.count());
    assertEquals(sums.effectiveSampleSize(), back.effectiveSampleSize(), 0.0);
    assertArrayEquals(sums.normalizedGram(), back.normalizedGram(), 0.0);
    assertEquals(sums.fisherDivergence(new double[k]), back.fisherDivergence(new double[k]), 0.0);
    // More data merged into both gives the same bits.
    ScoreSums more = ScoreAccumulation.accumulate(experts, data[0], data[1], data[2], n, dim, 1);
    assertArrayEquals(sums.merge(more).normalizedGram(), back.merge(more).normalizedGram(), 0.0);
  }
}
