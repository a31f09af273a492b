package org.poevi.fit;

import org.apache.commons.rng.UniformRandomProvider;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;

/**
 * The independence Metropolis–Hastings step of {@link MalaKernel#independence}: z* ~ r, accepted
 * with probability min(1, p̃(z*)r(z) / (p̃(z)r(z*))), on the kernel's blocks of chains and
 * buffers.
 */
final class IndependenceStep {
  private IndependenceStep() {}

  /**
   * Proposals z* ~ r for block {@code block}'s chains, with forward = log r(z) − log r(z*), the
   * Metropolis–Hastings correction, and the accept uniforms.
   */
  static void propose(MultivariateT r, UniformRandomProvider rng, int block, int n, double[] z,
      MalaKernel.Buffers buffers, double[] scratch) {
    int dim = r.dim();
    MultivariateT.Sampler sampler = r.sampler(rng);
    for (int i = block * MalaKernel.BLOCK - buffers.base;
        i < Math.min(n, (block + 1) * MalaKernel.BLOCK) - buffers.base; i++) {
      sampler.sample(buffers.proposal, i * dim);
      double correction = r.logDensity(z, i * dim, scratch)
          - r.logDensity(buffers.proposal, i * dim, scratch);
      if (Double.isFinite(correction)) {
        buffers.forward[i] = correction;
      } else {
        System.arraycopy(z, i * dim, buffers.proposal, i * dim, dim);
        buffers.forward[i] = Double.NaN;
      }
      buffers.logU[i] = Math.log(RandomStreams.openClosedUniform(rng));
    }
  }

  /** Metropolis–Hastings for block {@code block}'s evaluated proposals. */
  static void accept(int block, int n, double[] z, double[] logP, double[] scores,
      MalaKernel.Buffers buffers, boolean[] moved) {
    for (int i = block * MalaKernel.BLOCK - buffers.base;
        i < Math.min(n, (block + 1) * MalaKernel.BLOCK) - buffers.base; i++) {
      if (!MalaKernel.rejectedOutright(buffers, i)
          && buffers.logU[i] < buffers.proposalLogP[i] - logP[i] + buffers.forward[i]) {
        MalaKernel.take(i, z, logP, scores, buffers, moved);
      }
    }
  }
}
