package org.poevi.fit;

import java.util.OptionalDouble;

/**
 * One iteration's batch: the QP's sums over its weighted points, what its weights were like, and
 * the source of the next batch.
 *
 * @param sums the QP's sums over the batch
 * @param ess Kish effective sample size of its weights (see {@link TraceRow.BatchInfo#ess})
 * @param size number of points
 * @param tempering the exponent applied to the weights, or under q to α (1 = none)
 * @param moves what the MALA moves did (NaN when there were none)
 * @param logNormalizer an estimate of log C_α that comes with the batch (the Feynman weights of
 *     a batch drawn from q_α itself), if any
 * @param next the source of the next iteration's batch
 */
public record Batch(ScoreSums sums, double ess, int size, double tempering,
    ResampleMove.Moves moves, OptionalDouble logNormalizer, BatchSource next) {

  public double essFraction() {
    return ess / size;
  }

  /** The batch's part of a trace row. */
  TraceRow.BatchInfo info() {
    return new TraceRow.BatchInfo(ess, essFraction(), tempering, moves.acceptance(),
        moves.unmovedFraction());
  }
}
