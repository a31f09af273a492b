package org.poevi.fit;

import java.util.ArrayList;
import java.util.List;
import org.poevi.family.Expert;
import org.poevi.family.ProductOfExperts;

/**
 * The first q of a fit under p whose first weighted batch keeps too few draws effective, taken
 * before its MALA population: the pool around the preliminary Gaussian and one iteration on
 * that batch (already evaluated; its weights tempered). It is exactly the first iteration of the
 * weighted batches the fit falls back to when the population fails, which then go on from it.
 *
 * @param pool the pool around the preliminary Gaussian
 * @param iterations the weighted batches' iterations
 * @param state the state before that iteration
 * @param step the iteration
 */
record FirstIteration(ExpertPool pool, AlphaIterations iterations, FitState state,
    AlphaIterations.Step step) {
  /** The q for the result, or null when the iteration failed. */
  PoeResult.FirstQ result() {
    return step.row().map(row -> new PoeResult.FirstQ(active(pool.experts(),
        step.state().alpha()), row)).orElse(null);
  }

  /** The product of {@code experts} with exponents {@code alpha}, its active experts only. */
  private static ProductOfExperts active(List<Expert> experts, double[] alpha) {
    ProductOfExperts all = ProductOfExperts.of(experts, alpha);
    int[] active = all.activeExperts();
    List<Expert> kept = new ArrayList<>(active.length);
    double[] exponents = new double[active.length];
    for (int i = 0; i < active.length; i++) {
      kept.add(all.expert(active[i]));
      exponents[i] = all.alpha(active[i]);
    }
    return ProductOfExperts.of(kept, exponents);
  }
}

