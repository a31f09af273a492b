package org.poevi.math;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AhrensDieterMarsagliaTsangGammaSampler;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;

/**
 * Draws log u for u ~ χ²_ν = 2·Gamma(ν/2, 1), bound to one generator.
 *
 * <p>For ν/2 &lt; 1 the draw is made in log space, log Gamma(a) = log Gamma(a + 1) + log(U)/a, so a
 * very small u is represented exactly instead of underflowing to 0 (which would make a t draw
 * infinite). The gamma sampler is Commons RNG's Marsaglia–Tsang, always with shape ≥ 1.
 */
public final class LogChiSquareSampler {
  private static final double LOG_2 = Math.log(2);

  private final UniformRandomProvider rng;
  private final ContinuousSampler gamma;
  private final double halfDof;

  private LogChiSquareSampler(UniformRandomProvider rng, double dof) {
    this.rng = rng;
    this.halfDof = dof / 2;
    this.gamma = AhrensDieterMarsagliaTsangGammaSampler.of(rng, halfDof < 1 ? halfDof + 1 : halfDof,
        1);
  }

  /** @param dof ν, finite and &gt; 0 */
  public static LogChiSquareSampler of(UniformRandomProvider rng, double dof) {
    if (!(dof > 0) || Double.isInfinite(dof)) {
      throw new IllegalArgumentException("chi-square degrees of freedom must be finite and > 0, got "
          + dof);
    }
    return new LogChiSquareSampler(rng, dof);
  }

  /** One draw of log u. */
  public double sampleLog() {
    double logGamma = Math.log(gamma.sample());
    if (halfDof < 1) {
      logGamma += Math.log(RandomStreams.openClosedUniform(rng)) / halfDof;
    }
    return LOG_2 + logGamma;
  }
}
