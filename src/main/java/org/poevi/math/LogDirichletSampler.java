package org.poevi.math;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AhrensDieterMarsagliaTsangGammaSampler;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;

/**
 * Dirichlet(α) draws returned both as w and as log w, robust for small α.
 *
 * <p>w = G / ΣG with independent G_k ~ Gamma(α_k, 1). For α_k &lt; 1 a gamma draw is often so small
 * that it underflows, and the normalised vector can become 0/0. As Stan does, the draw is made in log
 * space: log G_k = log Gamma(α_k + 1) + log(U)/α_k with U ~ Uniform(0, 1] (a Gamma(α+1) draw times
 * U^{1/α} is Gamma(α)), and log w = log G − logΣexp(log G). The largest w_k is at least 1/K, so
 * the vector never underflows to zero; individual w_k may still round to 0 while log w_k stays
 * exact, and callers that need precision (densities of w) use log w.
 *
 * <p>Gamma draws come from Commons RNG's Marsaglia–Tsang sampler, whose shape here is always ≥ 1.
 */
public final class LogDirichletSampler {
  private final double[] alpha;

  private LogDirichletSampler(double[] alpha) {
    this.alpha = alpha;
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
    private final UniformRandomProvider rng;
    private final ContinuousSampler[] gamma;

    private Bound(UniformRandomProvider rng) {
      this.rng = rng;
      this.gamma = new ContinuousSampler[alpha.length];
      for (int k = 0; k < alpha.length; k++) {
        double shape = alpha[k] < 1 ? alpha[k] + 1 : alpha[k];
        gamma[k] = AhrensDieterMarsagliaTsangGammaSampler.of(rng, shape, 1);
      }
    }

    /**
     * Writes one draw: log w into {@code logW[logOff ..]} and w into {@code w[wOff ..]}, K entries
     * each.
     */
    public void sample(double[] logW, int logOff, double[] w, int wOff) {
      int numComponents = alpha.length;
      if (numComponents == 1) {
        logW[logOff] = 0;
        w[wOff] = 1;
        return;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < numComponents; k++) {
        double logG = Math.log(gamma[k].sample());
        if (alpha[k] < 1) {
          logG += Math.log(RandomStreams.openClosedUniform(rng)) / alpha[k];
        }
        logW[logOff + k] = logG;
        max = Math.max(max, logG);
      }
      double sum = 0;
      for (int k = 0; k < numComponents; k++) {
        sum += Math.exp(logW[logOff + k] - max);
      }
      double logNorm = max + Math.log(sum);
      for (int k = 0; k < numComponents; k++) {
        double lw = logW[logOff + k] - logNorm;
        logW[logOff + k] = lw;
        w[wOff + k] = Math.exp(lw);
      }
    }
  }
}
