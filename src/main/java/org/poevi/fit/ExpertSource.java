package org.poevi.fit;

import org.poevi.family.ProductOfExperts;

/**
 * The {@code experts} block: where the pool comes from. Either the experts of a fitted model
 * ({@code experts.from}: a warm start, or explicit experts) or a pool built around the target
 * ({@link ExpertPool}).
 */
public sealed interface ExpertSource permits ExpertSource.Given, ExpertPool.Settings {
  /**
   * The experts (and starting α) of a model.
   *
   * @param model the model's product of experts
   */
  record Given(ProductOfExperts model) implements ExpertSource {}

  /**
   * The starting α over {@code k} experts: a given model's, scaled up to Σα = c + 1 when it is not
   * inside the constraint set Σα ≥ c = {@code minSum}; else (c + 1)/K each.
   */
  default double[] startingAlpha(int k, double minSum) {
    if (this instanceof Given given) {
      double[] alpha = given.model().alpha();
      double total = AlphaStep.sum(alpha);
      if (total < minSum + 1e-9) {
        for (int i = 0; i < alpha.length; i++) {
          alpha[i] *= (minSum + 1) / total;
        }
      }
      return alpha;
    }
    double[] alpha = new double[k];
    java.util.Arrays.fill(alpha, (minSum + 1) / k);
    return alpha;
  }
}
