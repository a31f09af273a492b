package org.poevi.targets;

import org.apache.commons.rng.UniformRandomProvider;

/**
 * A target with an exact sampler and a known normaliser, so that KL(p; q) and other divergences
 * can be measured against it (the synthetic targets of SPEC §5).
 */
public interface ExactTarget extends Target {
  /**
   * log Z = log ∫ p̃, so that the normalised log density is {@code logDensity(z) − logNormalizer()}.
   */
  double logNormalizer();

  /** Writes one exact draw of p into {@code out[off, off + D)}. */
  void sample(UniformRandomProvider rng, double[] out, int off);

  /**
   * Writes n exact draws of p into {@code out[off, off + n·D)} from one generator; by default n
   * calls of {@link #sample(UniformRandomProvider, double[], int)}. A target whose draws share
   * work across a block (e.g. one matrix product for many proposals) overrides this.
   */
  default void sample(UniformRandomProvider rng, int n, double[] out, int off) {
    for (int i = 0; i < n; i++) {
      sample(rng, out, off + i * dim());
    }
  }
}
