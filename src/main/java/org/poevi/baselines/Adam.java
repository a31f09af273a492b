package org.poevi.baselines;

/**
 * Adam (Kingma and Ba) for gradient ascent on ADVI's (μ, θ), with Stan's step-size decay:
 * the step shrinks as t^(-1/2) after 100 steps.
 */
final class Adam {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;
  private final double[] first;
  private final double[] second;
  private final double rate;
  private int steps;

  Adam(int size, double rate) {
    this.first = new double[size];
    this.second = new double[size];
    this.rate = rate;
  }

  /** One step up {@code grad} = (∂μ, ∂θ); entries of θ the family does not free stay put. */
  void ascend(double[] grad, double[] mu, double[] theta, GaussianFamily family) {
    int dim = mu.length;
    steps++;
    double c1 = 1 - Math.pow(BETA1, steps);
    double c2 = 1 - Math.pow(BETA2, steps);
    for (int p = 0; p < grad.length; p++) {
      if (p >= dim && !family.isFree(p - dim, dim)) {
        continue;
      }
      first[p] = BETA1 * first[p] + (1 - BETA1) * grad[p];
      second[p] = BETA2 * second[p] + (1 - BETA2) * grad[p] * grad[p];
      double decay = 1 / Math.sqrt(Math.max(1, steps / 100.0));
      double step = decay * rate * (first[p] / c1) / (Math.sqrt(second[p] / c2) + EPSILON);
      if (p < dim) {
        mu[p] += step;
      } else {
        theta[p - dim] += step;
      }
    }
  }
}
