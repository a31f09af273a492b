package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.poevi.math.RandomStreams;

/**
 * The MALA kernel's BLAS-3 path for blocks of chains (used above D = 100, issue #20) against the
 * chain-by-chain loops: the same random numbers in the same order, so the same proposals and
 * accept decisions up to rounding (1e-10 relative on the proposals).
 */
class MalaKernelBlockTest {
  @Test
  void blocksMatchChainByChain() {
    int dim = 40;
    int n = 300;
    Random rng = new Random(1);
    double[] cov = new double[dim * dim];
    double[] a = new double[dim * dim];
    for (int i = 0; i < a.length; i++) {
      a[i] = rng.nextGaussian();
    }
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        double s = 0;
        for (int k = 0; k < dim; k++) {
          s += a[i * dim + k] * a[j * dim + k];
        }
        cov[i * dim + j] = s / dim + (i == j ? 0.3 : 0);
      }
    }
    MalaKernel loops = MalaKernel.of(dim, cov, 0.5).withBlocked(false);
    MalaKernel blocks = loops.withBlocked(true);
    double[] z = new double[n * dim];
    double[] scores = new double[n * dim];
    double[] logP = new double[n];
    for (int i = 0; i < n * dim; i++) {
      z[i] = rng.nextGaussian();
      scores[i] = -z[i] + (i % 7 == 0 ? 50 : 0);
    }
    for (int i = 0; i < n; i++) {
      logP[i] = -0.5 * i;
    }
    MalaKernel[] kernels = {loops, blocks};
    MalaKernel.Buffers[] buffers = new MalaKernel.Buffers[2];
    double[][] zs = new double[2][];
    for (int k = 0; k < 2; k++) {
      buffers[k] = new MalaKernel.Buffers(n, dim);
      zs[k] = z.clone();
      double[] scratch = new double[kernels[k].scratchLength()];
      for (int block = 0; block < 2; block++) {
        kernels[k].propose(RandomStreams.of(3), 7, 1, block, n, zs[k], scores, buffers[k],
            scratch);
      }
      // The proposals' "evaluation": a Gaussian's log density and score.
      double[] prop = MalaKernel.proposals(buffers[k]);
      for (int i = 0; i < n; i++) {
        double q = 0;
        for (int d = 0; d < dim; d++) {
          q += prop[i * dim + d] * prop[i * dim + d];
          MalaKernel.proposalScores(buffers[k])[i * dim + d] = -prop[i * dim + d];
        }
        MalaKernel.proposalLogDensities(buffers[k])[i] = -0.5 * q;
      }
      boolean[] moved = new boolean[n];
      for (int block = 0; block < 2; block++) {
        kernels[k].accept(block, n, zs[k], logP.clone(), scores.clone(), buffers[k], moved,
            scratch);
      }
    }
    double max = 0;
    for (double v : MalaKernel.proposals(buffers[0])) {
      max = Math.max(max, Math.abs(v));
    }
    assertArrayEquals(MalaKernel.proposals(buffers[0]), MalaKernel.proposals(buffers[1]),
        1e-10 * max);
    assertArrayEquals(buffers[0].forward, buffers[1].forward, 0.0);
    int accepted = 0;
    for (int i = 0; i < n; i++) {
      assertEquals(MalaKernel.accepted(buffers[0], i), MalaKernel.accepted(buffers[1], i),
          "chain " + i);
      accepted += MalaKernel.accepted(buffers[0], i) ? 1 : 0;
    }
    assertTrue(accepted > 0 && accepted < n, "some but not all accepted: " + accepted);
    assertArrayEquals(zs[0], zs[1], 1e-10 * max);
  }
}
