package org.poevi.math;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AhrensDieterMarsagliaTsangGammaSampler;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * Dirichlet(α) draws, robust for small α, with log w on request.
 *
 * <p>w = G / ΣG with independent G_k ~ Gamma(α_k, 1). For α_k &lt; 1 a gamma draw is often so small
 * that it underflows, and the normalised vector can become 0/0. As Stan does, such a draw is made
 * in log space: Gamma(α) = Gamma(α + 1) · U^{1/α}, and log U^{1/α} = −E/α with E ~ Exp(1). The
 * factors e^{−E_k/α_k} are shifted by their largest exponent when every α_k is below 1, so the
 * largest term is of order one and the sum never underflows; when some α_k ≥ 1 its Gamma(α_k) term
 * already is of order one and nothing is shifted. Individual w_k may round to 0, but log w_k, when
 * asked for, is computed from the exponent and stays exact.
 *
 * <p>Cost per draw: K gamma draws (Commons RNG's Marsaglia–Tsang, shape always ≥ 1), one exponential
 * and one exp per small-α component, no logarithm unless log w is requested.
 */
public final class LogDirichletSampler {
  private final double[] alpha;
  private final double[] inverseAlpha;
  private final boolean[] small;
  private final boolean anyLarge;

  private LogDirichletSampler(double[] alpha) {
    this.alpha = alpha;
    this.inverseAlpha = new double[alpha.length];
    this.small = new boolean[alpha.length];
    boolean large = false;
    for (int k = 0; k < alpha.length; k++) {
      inverseAlpha[k] = 1 / alpha[k];
      small[k] = alpha[k] < 1;
      large |= !small[k];
    }
    this.anyLarge = large;
  }

  /** @param alpha concentrations, each finite and strictly positive; copied */
  public static LogDirichletSampler of(double[] alpha) {
    if (alpha.length == 0) {
      throw new IllegalArgumentException("Dirichlet needs at least one concentration");
    }
    for (int k = 0; k < alpha.length; k++) {
      if (!(alpha[k] > 0) || Double.isInfinite(alpha[k])) {
        throw new IllegalArgumentException(
            "Dirichlet concentration alpha[" + k + "] must be finite and > 0, got " + alpha[k]);
      }
    }
    return new LogDirichletSampler(alpha.clone());
  }

  public int dimension() {
    return alpha.length;
  }

  /** Binds the sampler to one random stream; the result is not thread-safe. */
  public Bound bind(UniformRandomProvider rng) {
    return new Bound(rng);
  }

  /** A sampler bound to one generator, holding one gamma sampler per component. */
  public final class Bound {
    private final ContinuousSampler[] gamma;
    private final ContinuousSampler exponential;

    private Bound(UniformRandomProvider rng) {
      this.gamma = new ContinuousSampler[alpha.length];
      for (int k = 0; k < alpha.length; k++) {
        gamma[k] = AhrensDieterMarsagliaTsangGammaSampler.of(rng, small[k] ? alpha[k] + 1
            : alpha[k], 1);
      }
      this.exponential = ZigguratSampler.Exponential.of(rng);
    }

    /**
     * Writes one draw: w into {@code w[wOff ..]} and, when {@code logW} is not null, log w into
     * {@code logW[logOff ..]}, K entries each. Per draw the stream yields the exponentials of the
     * small-α components first, then the K gamma draws, whatever is requested.
     */
    public void sample(double[] w, int wOff, double[] logW, int logOff) {
      int numComponents = alpha.length;
      if (numComponents == 1) {
        w[wOff] = 1;
        if (logW != null) {
          logW[logOff] = 0;
        }
        return;
      }
      // Exponents −E_k/α_k of the small components, parked in w; shift by their maximum only when
      // no component has α ≥ 1 (those contribute terms of order one themselves).
      double shift = anyLarge ? 0 : Double.NEGATIVE_INFINITY;
      for (int k = 0; k < numComponents; k++) {
        if (small[k]) {
          double e = -exponential.sample() * inverseAlpha[k];
          w[wOff + k] = e;
          if (!anyLarge) {
            shift = Math.max(shift, e);
          }
        }
      }
      double sum = 0;
      for (int k = 0; k < numComponents; k++) {
        double g = gamma[k].sample();
        double v;
        if (small[k]) {
          double exponent = w[wOff + k] - shift;
          v = g * Math.exp(exponent);
          if (logW != null) {
            logW[logOff + k] = Math.log(g) + exponent;
          }
        } else {
          v = g;
          if (logW != null) {
            logW[logOff + k] = Math.log(g);
          }
        }
        w[wOff + k] = v;
        sum += v;
      }
      double inverse = 1 / sum;
      for (int k = 0; k < numComponents; k++) {
        w[wOff + k] *= inverse;
      }
      if (logW != null) {
        double logSum = Math.log(sum);
        for (int k = 0; k < numComponents; k++) {
          logW[logOff + k] -= logSum;
        }
      }
    }
  }
}
