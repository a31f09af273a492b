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
}
