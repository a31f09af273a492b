package org.poevi.fit;

/**
 * Where an iteration's batch of weighted points comes from, and the QP's sums over it. One
 * implementation per way of getting a batch: importance weights from a fixed proposal
 * ({@link ImportanceBatches}), a population of MALA chains moved each iteration
 * ({@link PopulationBatches}), draws from q itself ({@link QBatches}). Immutable: a source whose
 * batches carry state (the chains) returns its successor with each batch.
 */
public sealed interface BatchSource permits ImportanceBatches, PopulationBatches, QBatches {
  /** The batch of iteration {@code iteration} (1-based) for the current exponents α. */
  Batch next(int iteration, double[] alpha);
}
