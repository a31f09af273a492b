package org.poevi.fit;

import java.util.List;
import java.util.OptionalDouble;
import org.poevi.InvalidInputException;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.Expert;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.RandomStreams;

/**
 * Under q (the paper's Algorithm 1): each iteration's batch is {@code batchSize} draws of q_τα
 * with their Feynman weights C(w) ({@link QBatchTask}); τ = 1 unless {@code qTemper} &lt; 1 asks
 * for a flatter q whose batches reach further into p's tails.
 *
 * @param experts the pool (for the normalisability of q_τα)
 * @param basis the pool in the objective's score metric
 */
record QBatches(ScoreEvaluator evaluator, List<Expert> experts, List<Expert> basis,
    RandomStreams streams, int batchSize, double qTemper) implements BatchSource {

  @Override
  public Batch next(int iteration, double[] alpha) {
    double tau = batchTemper(alpha);
    double[] drawAlpha = alpha.clone();
    for (int i = 0; i < drawAlpha.length; i++) {
      drawAlpha[i] *= tau;
    }
    WeightedSums batch = QBatchTask.run(evaluator, basis, drawAlpha, streams, iteration,
        batchSize);
    // Drawn from q_α itself, the batch's weights estimate C_α; from q_τα they do not.
    OptionalDouble logC = tau < 1 ? OptionalDouble.empty()
        : OptionalDouble.of(LogMeanEstimate.of(batch.logWeights()).estimate());
    return new Batch(batch.sums(), batch.sums().effectiveSampleSize(), batchSize, tau,
        ResampleMove.Moves.NONE, logC, this);
  }

  /**
   * τ for the family q_τα the batch is drawn from: raised so that q_τα keeps ν = 2Στα − D ≥ 4
   * (below that the batch's G has infinite variance for targets whose score grows linearly), and
   * 1 when τ·α would not be normalisable.
   */
  private double batchTemper(double[] alpha) {
    if (qTemper >= 1) {
      return 1;
    }
    int dim = experts.get(0).dim();
    double tau = Math.min(1, Math.max(qTemper, (dim + 4) / (2 * AlphaStep.sum(alpha))));
    double[] scaled = alpha.clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] *= tau;
    }
    try {
      ProductOfExperts.of(experts, scaled);
      return tau;
    } catch (InvalidInputException notNormalisable) {
      return 1;
    }
  }
}
