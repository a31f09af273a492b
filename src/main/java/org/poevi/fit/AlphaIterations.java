package org.poevi.fit;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.Expert;
import org.poevi.family.FeynmanSampler;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.RandomStreams;

/**
 * The iterations on α (SPEC §3), one {@link #step} at a time: a batch from the state's source,
 * its sums added to the objective, one proximal {@link AlphaStep}, the {@link StoppingRule}
 * (blackjax's {@code step: (state) → (state, info)}). The objectives differ only in their batch
 * source, how their objective keeps batches ({@link Quadratic}) and their step control: under q,
 * η is halved when a batch's ESS fraction falls below {@code essFloor}, and the step's growth and
 * ν are capped.
 *
 * @param evaluator counts the target evaluations (the trace reports them with {@code
 *     evaluationsBefore}, those made before the iterations outside the evaluator)
 * @param experts the pool (for the running estimate of log C_α)
 * @param label the objective's label, for messages ("under-p", "under-q")
 * @param essFloor η is halved when the batch's ESS fraction is below this (0: never)
 * @param start {@link System#nanoTime()} at the start of the fit
 */
record AlphaIterations(ScoreEvaluator evaluator, AlphaStep alphaStep, StoppingRule rule,
    List<Expert> experts, String label, double essFloor, RandomStreams streams, int threads,
    long evaluationsBefore, long start) {

  /**
   * What one step did: the new state, its trace row (none when the step failed), why the fit
   * stops (empty to go on) and what a user should know.
   */
  record Step(FitState state, Optional<TraceRow> row, Optional<StopReason> stop,
      List<String> warnings) {
    static Step failed(FitState state, StopReason stop, String warning) {
      return new Step(state, Optional.empty(), Optional.of(stop), List.of(warning));
    }
  }

  Step step(FitState state) {
    int t = state.iteration() + 1;
    evaluator.stage("iteration " + t + " (" + label.replace('-', ' ') + ")");
    Batch batch = state.source().next(t, state.alpha());
    if (!batch.sums().isFinite()) {
      return Step.failed(state, StopReason.DIVERGED, label + " iteration " + t
          + ": the batch's score sums are not finite; stopped");
    }
    Quadratic objective = state.objective().add(batch.sums());
    double eta = batch.essFraction() < essFloor ? state.eta() / 2 : state.eta();
    AlphaStep.Result r = alphaStep.take(objective, state.alpha(), eta);
    if (r.failed()) {
      return Step.failed(state, StopReason.QP_FAILED, "QP failed: " + r.qp().message());
    }
    double[] alpha = r.alpha();
    if (!allFinite(alpha)) {
      return Step.failed(state, StopReason.DIVERGED, label + " iteration " + t
          + " produced a non-finite alpha; stopped");
    }
    double nu = 2 * AlphaStep.sum(alpha) - experts.get(0).dim();
    TraceRow.StepInfo info = new TraceRow.StepInfo(batch.sums().fisherDivergence(alpha),
        r.delta(), r.objectiveChange(), countActive(alpha), AlphaStep.sum(alpha), nu,
        r.status(), r.qpMillis(), eta);
    double logNormalizer = batch.logNormalizer().orElseGet(() -> runningLogNormalizer(alpha, t));
    TraceRow row = new TraceRow(t, batch.info(), info, logNormalizer,
        evaluator.evaluations() + evaluationsBefore, (System.nanoTime() - start) * 1e-9);
    double[] fishers = java.util.Arrays.copyOf(state.batchFishers(),
        state.batchFishers().length + 1);
    fishers[fishers.length - 1] = info.fisher();
    Optional<StopReason> stop = rule.stop(t, r.delta(), alpha, r.objectiveChange(), nu,
        state.source() instanceof PopulationBatches ? StoppingRule.noise(fishers) : 0);
    List<String> warnings = stop.filter(s -> s == StopReason.DIVERGED).isPresent()
        ? List.of(String.format(Locale.ROOT, "%s diverged: nu = 2 sum(alpha) - D = %.3g"
            + " exceeded %.0e at iteration %d", label, nu, rule.maxNu(), t)) : List.of();
    return new Step(new FitState(t, alpha, eta, objective, batch.next(), fishers),
        Optional.of(row),
        stop, warnings);
  }

  /** A cheap Dirichlet estimate of log C_α (4096 draws, no target evaluations). */
  private double runningLogNormalizer(double[] alpha, int iteration) {
    ProductOfExperts family = ProductOfExperts.of(experts, alpha);
    return LogMeanEstimate.of(FeynmanSampler.of(family).weighted(streams, 1_000_000L + iteration,
        4096, threads).logWeights()).estimate();
  }

  private static int countActive(double[] a) {
    int n = 0;
    for (double v : a) {
      if (v > 0) {
        n++;
      }
    }
    return n;
  }

  static boolean allFinite(double[] a) {
    for (double v : a) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
