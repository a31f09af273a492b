package org.poevi.fit;

/**
 * One iteration's diagnostics (SPEC §3): what its batch was, what its α-step did, and where the
 * fit stood after it. {@link #COLUMNS} names trace.csv's columns.
 *
 * @param iteration 1-based
 * @param batch the iteration's batch
 * @param step the α-step
 * @param logNormalizer estimate of log C_α at the new α: a cheap Dirichlet estimate, or under q
 *     the batch's own Feynman weights when it was drawn from q_α itself
 * @param scoreEvaluations target score evaluations so far, in the whole fit
 * @param seconds wall time since the fit started
 */
public record TraceRow(int iteration, BatchInfo batch, StepInfo step, double logNormalizer,
    long scoreEvaluations, double seconds) {

  /**
   * The batch of an iteration.
   *
   * @param ess Kish effective sample size of the batch's weights (with MALA moves: at iteration
   *     1 of the tempered importance weights the population was resampled from, then the
   *     population size: its draws are equally weighted, though correlated with the previous
   *     iteration's)
   * @param essFraction ess / batch size
   * @param tempering the exponent τ applied to the importance weights (1 = none); under q, the
   *     exponent applied to α for drawing the batch (fit.under-q.q-temper)
   * @param acceptance mean MALA acceptance rate of the iteration's moves (NaN when there are
   *     none; an empty field in trace.csv)
   * @param unmovedFraction fraction of the MALA chains that accepted none of the iteration's
   *     moves (NaN when there are none; an empty field in trace.csv)
   */
  public record BatchInfo(double ess, double essFraction, double tempering, double acceptance,
      double unmovedFraction) {}

  /**
   * The α-step of an iteration.
   *
   * @param fisher the batch's weighted Fisher divergence at the new α
   * @param deltaAlpha ‖α⁽ᵗ⁺¹⁾ − α⁽ᵗ⁾‖
   * @param objectiveChange relative decrease of the objective bought by the step (NaN when the
   *     step was capped); with ‖Δα‖ the stopping rule's quantities
   * @param activeExperts experts with α_k &gt; 0
   * @param alphaSum Σα
   * @param nu ν = 2Σα − D, the degrees of freedom of q's tails
   * @param qpStatus the QP's status
   * @param qpMillis QP solve time
   * @param eta the proximal step size used
   */
  public record StepInfo(double fisher, double deltaAlpha, double objectiveChange,
      int activeExperts, double alphaSum, double nu, String qpStatus, double qpMillis,
      double eta) {}

  /** Column names of trace.csv. */
  public static final String[] COLUMNS = {"iteration", "fisher", "delta_alpha", "objective_change",
      "active_experts", "alpha_sum", "nu", "ess", "ess_fraction", "tempering", "acceptance",
      "unmoved", "log_normalizer", "qp_status", "qp_ms", "eta", "score_evaluations", "seconds"};

  /** The row's trace.csv fields in {@link #COLUMNS} order (empty for NaN where it does not apply). */
  public String[] csvFields() {
    return new String[] {String.valueOf(iteration), String.valueOf(step.fisher()),
        String.valueOf(step.deltaAlpha()), String.valueOf(step.objectiveChange()),
        String.valueOf(step.activeExperts()), String.valueOf(step.alphaSum()),
        String.valueOf(step.nu()), String.valueOf(batch.ess()),
        String.valueOf(batch.essFraction()), String.valueOf(batch.tempering()),
        optional(batch.acceptance()), optional(batch.unmovedFraction()),
        String.valueOf(logNormalizer), step.qpStatus(), String.valueOf(step.qpMillis()),
        String.valueOf(step.eta()), String.valueOf(scoreEvaluations), String.valueOf(seconds)};
  }

  private static String optional(double v) {
    return Double.isNaN(v) ? "" : String.valueOf(v);
  }
}
