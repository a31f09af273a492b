package org.poevi.fit;

/**
 * What the iterations on α carry from one step to the next (blackjax's state; diagnostics go to
 * {@link TraceRow}). Immutable: a step returns a new state.
 *
 * @param iteration iterations done (0 before the first)
 * @param alpha the current exponents (K)
 * @param eta the current proximal step η
 * @param objective the objective from the batches so far
 * @param source where the next batch comes from
 * @param batchFishers each batch's Fisher divergence at the α of its own step, in order (the
 *     stopping rule's measure of the objective's Monte Carlo noise)
 */
public record FitState(int iteration, double[] alpha, double eta, Quadratic objective,
    BatchSource source, double[] batchFishers) {
  public FitState {
    alpha = alpha.clone();
  }

  /** A state before any batch. */
  public FitState(int iteration, double[] alpha, double eta, Quadratic objective,
      BatchSource source) {
    this(iteration, alpha, eta, objective, source, new double[0]);
  }

  @Override
  public double[] alpha() {
    return alpha.clone();
  }
}
