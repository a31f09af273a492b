package org.poevi.baselines;

import org.poevi.InvalidInputException;

/**
 * The {@code fit.advi} block. Stan's ELBO evaluation (every 100 iterations, 100 draws), 10
 * gradient draws per step (Stan uses 1), a relative tolerance of 0.001 (Stan: 0.01, which stops
 * a fit on a 3-D Gaussian with its covariance 30% off), Adam with step 0.1 decaying as t^(-1/2)
 * after 100 steps (Stan's own sequence decays the same way).
 *
 * @param iterations {@code fit.advi.iterations}: maximum steps
 * @param gradSamples {@code fit.advi.grad-samples}: draws per gradient
 * @param elboSamples {@code fit.advi.elbo-samples}: draws per ELBO estimate
 * @param evalElbo {@code fit.advi.eval-elbo}: steps between ELBO estimates
 * @param tolRelObj {@code fit.advi.tol-rel-obj}: stop when the mean or median relative ELBO
 *     change is below this
 * @param learningRate {@code fit.advi.learning-rate}: Adam's step
 */
public record AdviSettings(int iterations, int gradSamples, int elboSamples, int evalElbo,
    double tolRelObj, double learningRate) {
  public AdviSettings {
    atLeastOne(iterations, "fit.advi.iterations");
    atMost(iterations, 10_000_000, "fit.advi.iterations");
    atLeastOne(gradSamples, "fit.advi.grad-samples");
    atLeastOne(elboSamples, "fit.advi.elbo-samples");
    atLeastOne(evalElbo, "fit.advi.eval-elbo");
    if (!(tolRelObj > 0) || Double.isInfinite(tolRelObj)) {
      throw new InvalidInputException("fit.advi.tol-rel-obj must be finite and > 0, got "
          + tolRelObj);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new InvalidInputException("fit.advi.learning-rate must be finite and > 0, got "
          + learningRate);
    }
  }

  public static AdviSettings defaults() {
    return new AdviSettings(10000, 10, 100, 100, 0.001, 0.1);
  }

  /** A loop count's sanity bound (a fit above it would run for days). */
  static void atMost(int v, int max, String key) {
    if (v > max) {
      throw new InvalidInputException(key + " must be <= " + max + ", got " + v);
    }
  }

  static void atLeastOne(int v, String key) {
    if (v < 1) {
      throw new InvalidInputException(key + " must be >= 1, got " + v);
    }
  }
}
