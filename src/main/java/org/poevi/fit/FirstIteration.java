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

  private static ProductOfExperts active(List<Expert> experts, double[] alpha) {
    List<Expert> kept = new ArrayList<>();
    List<Double> exponents = new ArrayList<>();
    for (int k = 0; k < alpha.length; k++) {
      if (alpha[k] > 0) {
        kept.add(experts.get(k));
        exponents.add(alpha[k]);
      }
    }
    return ProductOfExperts.of(kept, exponents.stream().mapToDouble(Double::doubleValue)
        .toArray());
  }
}

