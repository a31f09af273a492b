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
}
