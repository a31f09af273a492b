package org.poevi.fit;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.Expert;
import org.poevi.math.LogSpace;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.targets.TargetEvaluationException;

/**
 * Under p: each iteration's batch is {@code batchSize} fresh draws of the proposal r = t_ν(m, c²S),
 * weighted by p̃/r, tempered to (p̃/r)^τ when that keeps too few draws effective ({@link
 * ImportanceTask}).
 *
 * <p>Draws the fit has already evaluated serve as the first iterations' batches ({@link
 * Evaluated}): batch 1, which {@link Population#start} draws from batch 1's streams to decide
 * between weighted batches and a population (the same points, weights and sums as a fresh
 * batch 1, without evaluating the target there again).
 *
 * @param minEss the smallest Kish ESS the weights may keep before they are tempered
 * @param first the evaluated draws of the first batches, or null to evaluate every batch
 */
record ImportanceBatches(ScoreEvaluator evaluator, MultivariateT proposal, List<Expert> basis,
    RandomStreams streams, int batchSize, double minEss, int threads, String targetName,
    Evaluated first) implements BatchSource {

  /** Batches that evaluate the target at every iteration. */
  ImportanceBatches(ScoreEvaluator evaluator, MultivariateT proposal, List<Expert> basis,
      RandomStreams streams, int batchSize, double minEss, int threads, String targetName) {
    this(evaluator, proposal, basis, streams, batchSize, minEss, threads, targetName, null);
  }

  /**
   * n draws of the proposal, made as batch 1's draws, then batch 2's, … (the last batch perhaps in
   * part), with log p̃ and the scores there.
   *
   * @param z n×D draws
   * @param logP log p̃ at each
   * @param scores n×D
   * @param batchSize the draws of one batch
   */
  record Evaluated(double[] z, double[] logP, double[] scores, int batchSize) {
    /**
     * n draws of the batches' proposal from their streams: draw i is draw i mod batchSize of
     * batch 1 + i / batchSize.
     */
    static double[] draw(MultivariateT proposal, RandomStreams streams, int n, int batchSize,
        int threads) {
      double[] z = new double[n * proposal.dim()];
      for (int from = 0; from < n; from += batchSize) {
        ImportanceTask.drawBatch(proposal, streams, 1 + from / batchSize,
            Math.min(batchSize, n - from), z, from, threads);
      }
      return z;
    }

    /** The batches held whole: batches 1 to this. */
    int wholeBatches() {
      return logP.length / batchSize;
    }
  }

  @Override
  public Batch next(int iteration, double[] alpha) {
    if (first != null && iteration >= 1 && iteration <= first.wholeBatches()) {
      return reused(iteration);
    }
    ImportanceTask.Weighted batch = ImportanceTask.run(evaluator, proposal, basis, streams,
        iteration, batchSize, logW -> {
          checkedEss(logW, iteration, targetName);
          return temper(logW, minEss);
        }, threads);
    return new Batch(batch.sums(), batch.sums().effectiveSampleSize(), batchSize,
        batch.tempering(), ResampleMove.Moves.NONE, OptionalDouble.empty(), this);
  }

  /**
   * Batch {@code iteration} from the evaluated first draws, as {@link ImportanceTask#run} folds a
   * batch it holds: its log weights, the driver's tempering, the sums over the basis.
   */
  private Batch reused(int iteration) {
    int dim = proposal.dim();
    int from = (iteration - 1) * batchSize;
    double[] z = Arrays.copyOfRange(first.z(), from * dim, (from + batchSize) * dim);
    double[] logP = Arrays.copyOfRange(first.logP(), from, from + batchSize);
    double[] scores = Arrays.copyOfRange(first.scores(), from * dim, (from + batchSize) * dim);
    double[] logW = new double[batchSize];
    ImportanceTask.logWeights(proposal, z, logP, logW, 0, batchSize, 0);
    checkedEss(logW, iteration, targetName);
    double tau = temper(logW, minEss);
    ScoreSums sums = ScoreAccumulation.accumulate(basis, z, scores, logW, batchSize, dim,
        threads);
    return new Batch(sums, sums.effectiveSampleSize(), batchSize, tau, ResampleMove.Moves.NONE,
        OptionalDouble.empty(), this);
  }

  /**
   * The Kish ESS of a batch's log weights.
   *
   * @throws TargetEvaluationException when p̃ is 0 at every draw (nothing to fit)
   */
  static double checkedEss(double[] logW, long iteration, String targetName) {
    int b = logW.length;
    double ess = LogSpace.effectiveSampleSize(logW, 0, b);
    if (!(ess >= 1)) {
      throw new TargetEvaluationException("target " + targetName + " has log density -infinity"
          + " at all " + b + " draws of the proposal around the preliminary Gaussian (batch "
          + iteration + "): its support is not where the mode search and the Gaussian put it");
    }
    return ess;
  }

  /**
   * Tempers log weights in place to τ·logW with τ ∈ (0, 1] the largest keeping an effective
   * sample size of at least {@code minEss} (bisection; the ESS of τ·logW falls as τ grows for
   * weights that are not all equal). Returns τ.
   */
  static double temper(double[] logW, double minEss) {
    int n = logW.length;
    if (LogSpace.effectiveSampleSize(logW, 0, n) >= minEss) {
      return 1;
    }
    double lo = 0;
    double hi = 1;
    double[] scaled = new double[n];
    for (int it = 0; it < 40; it++) {
      double mid = 0.5 * (lo + hi);
      for (int i = 0; i < n; i++) {
        scaled[i] = mid * logW[i];
      }
      if (LogSpace.effectiveSampleSize(scaled, 0, n) >= minEss) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double tau = Math.max(lo, 1e-6);
    for (int i = 0; i < n; i++) {
      logW[i] *= tau;
    }
    return tau;
  }
}
