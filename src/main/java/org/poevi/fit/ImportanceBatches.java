package org.poevi.fit;

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
 * <p>Batch 1 may come already evaluated ({@link Evaluated}): {@link Population#start} draws it
 * from batch 1's streams to choose between weighted batches and a population, and it is then the
 * first iteration's batch (the same points, weights and sums as a fresh batch 1, without
 * evaluating the target there again). Batches a {@link Trajectory} holds are read, not evaluated
 * again; while the trajectory records, each batch's points come back to the driver, also from
 * Spark's executors.
 *
 * @param minEss the smallest Kish ESS the weights may keep before they are tempered
 * @param first batch 1, evaluated, or null to evaluate every batch
 */
record ImportanceBatches(ScoreEvaluator evaluator, MultivariateT proposal, List<Expert> basis,
    RandomStreams streams, int batchSize, double minEss, int threads, String targetName,
    Evaluated first, Trajectory<ImportanceTask.Drawn> trajectory) implements BatchSource {

  /** Batches that evaluate the target at every iteration. */
  ImportanceBatches(ScoreEvaluator evaluator, MultivariateT proposal, List<Expert> basis,
      RandomStreams streams, int batchSize, double minEss, int threads, String targetName) {
    this(evaluator, proposal, basis, streams, batchSize, minEss, threads, targetName, null);
  }

  /** Batches that record nothing. */
  ImportanceBatches(ScoreEvaluator evaluator, MultivariateT proposal, List<Expert> basis,
      RandomStreams streams, int batchSize, double minEss, int threads, String targetName,
      Evaluated first) {
    this(evaluator, proposal, basis, streams, batchSize, minEss, threads, targetName, first,
        Trajectory.none());
  }

  /**
   * Batch 1's draws with log p̃ and the scores there.
   *
   * @param z n×D draws: {@link #draw}
   * @param logP log p̃ at each
   * @param scores n×D
   */
  record Evaluated(double[] z, double[] logP, double[] scores) {
    /** Batch 1's n draws (from its streams, as {@link ImportanceTask} draws them). */
    static double[] draw(MultivariateT proposal, RandomStreams streams, int n, int threads) {
      double[] z = new double[n * proposal.dim()];
      ImportanceTask.drawBatch(proposal, streams, 1, n, z, threads);
      return z;
    }
  }

  @Override
  public Batch next(int iteration, double[] alpha) {
    java.util.Optional<ImportanceTask.Drawn> recorded = trajectory.at(iteration);
    if (recorded.isPresent()) {
      return folded(recorded.get(), iteration);
    }
    if (iteration == 1 && first != null && first.logP().length == batchSize) {
      double[] logW = new double[batchSize];
      ImportanceTask.logWeights(proposal, first.z(), first.logP(), logW, 0, batchSize, 0);
      ImportanceTask.Drawn drawn = new ImportanceTask.Drawn(first.z(), logW, first.scores());
      trajectory.record(1, drawn, drawn.bytes());
      return folded(drawn, 1);
    }
    ImportanceTask.Weighted batch = ImportanceTask.run(evaluator, proposal, basis, streams,
        iteration, batchSize, logW -> {
          checkedEss(logW, iteration, targetName);
          return temper(logW, minEss);
        }, threads, trajectory.recording());
    if (batch.drawn() != null) {
      trajectory.record(iteration, batch.drawn(), batch.drawn().bytes());
    }
    return new Batch(batch.sums(), batch.sums().effectiveSampleSize(), batchSize,
        batch.tempering(), ResampleMove.Moves.NONE, OptionalDouble.empty(), this);
  }

  /**
   * A batch from points the driver holds (batch 1 evaluated before the iterations, or a recorded
   * one), as {@link ImportanceTask#run} folds a batch it holds: the log weights as drawn, the
   * driver's tempering, the sums over the basis. No evaluations.
   */
  private Batch folded(ImportanceTask.Drawn drawn, int iteration) {
    double[] logW = drawn.logWeights().clone();
    checkedEss(logW, iteration, targetName);
    double tau = temper(logW, minEss);
    ScoreSums sums = ScoreAccumulation.accumulate(basis, drawn.z(), drawn.scores(), logW,
        batchSize, proposal.dim(), threads);
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
