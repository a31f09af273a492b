package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.poevi.family.Expert;
import org.poevi.family.QMatrixBlock;
import org.poevi.family.ScoreBasis;
import org.poevi.math.Cholesky;
import org.poevi.math.RandomStreams;

/** The score metric: Q and the scores measured as Lᵀ(·) with S = L Lᵀ, in the QP's sums. */
class ScoreBasisTest {
  private static final int DIM = 3;
  private static final double[] S = {2, 0.3, -0.1, 0.3, 1, 0.2, -0.1, 0.2, 0.5};

  /** L, row-major lower, computed here independently of ScoreBasis. */
  private static double[] lower() {
    double[] packed = Cholesky.pack(S, DIM);
    Cholesky.factor(packed, 0, DIM);
    double[] l = new double[DIM * DIM];
    for (int i = 0; i < DIM; i++) {
      for (int j = 0; j <= i; j++) {
        l[i * DIM + j] = packed[Cholesky.packedIndex(i, j)];
      }
    }
    return l;
  }

  /** Lᵀ v for a D-vector at v[off]. */
  private static double[] lt(double[] l, double[] v, int off) {
    double[] out = new double[DIM];
    for (int j = 0; j < DIM; j++) {
      for (int i = 0; i < DIM; i++) {
        out[j] += l[i * DIM + j] * v[off + i];
      }
    }
    return out;
  }

  /**
   * The stacked Q in the metric is Lᵀ times the plain Q for every point and expert (one dtrmm
   * against D-term dot products: a few ulps of entries of size at most 2·√λ_max(Λ)·‖L‖, held to
   * 1e-12 absolute), and the sums' Fisher divergence at any α is Σ w‖Lᵀ(Qα − s)‖²/Σw.
   */
  @Test
  void theMetricMultipliesEveryScoreByLTransposed() {
    UniformRandomProvider rng = RandomStreams.of(5).stream(2);
    int k = 7;
    int n = 50;
    List<Expert> experts = RandomExperts.of(rng, DIM, k);
    double[][] data = RandomExperts.batch(rng, n, DIM, 3);
    ScoreBasis basis = ScoreBasis.of(experts, S);
    assertSame(basis, ScoreBasis.copyOf(basis));
    double[] plain = new double[n * DIM * k];
    double[] metric = new double[n * DIM * k];
    new QMatrixBlock(experts, n).compute(data[0], 0, n, plain);
    new QMatrixBlock(basis, n).compute(data[0], 0, n, metric);
    double[] l = lower();
    int rows = n * DIM;
    for (int e = 0; e < k; e++) {
      for (int b = 0; b < n; b++) {
        assertArrayEquals(lt(l, plain, e * rows + b * DIM),
            java.util.Arrays.copyOfRange(metric, e * rows + b * DIM, e * rows + (b + 1) * DIM),
            1e-12, "expert " + e + " point " + b);
      }
    }
    ScoreSums sums = ScoreAccumulation.accumulate(basis, data[0], data[1], data[2], n, DIM, 2);
    double[] alpha = new double[k];
    for (int e = 0; e < k; e++) {
      alpha[e] = 0.1 + 0.3 * e;
    }
    double total = 0;
    double weights = 0;
    double max = java.util.Arrays.stream(data[2]).max().orElseThrow();
    for (int b = 0; b < n; b++) {
      double[] r = new double[DIM];
      for (int d = 0; d < DIM; d++) {
        r[d] = -data[1][b * DIM + d];
        for (int e = 0; e < k; e++) {
          r[d] += plain[e * rows + b * DIM + d] * alpha[e];
        }
      }
      double[] m = lt(l, r, 0);
      double w = Math.exp(data[2][b] - max);
      total += w * (m[0] * m[0] + m[1] * m[1] + m[2] * m[2]);
      weights += w;
    }
    // αᵀGα − 2hᵀα + c against the direct sum: the K² + K = 56 products of the quadratic form
    // each round by about ε, on terms up to ‖Qα‖² + ‖s‖², at most about 1e3 times the result
    // here: 56·2.2e-16·1e3 ≈ 1.2e-11 relative; 1e-9 leaves two decades of margin.
    assertEquals(total / weights, sums.fisherDivergence(alpha), 1e-9 * Math.max(1, total
        / weights));
  }
}
