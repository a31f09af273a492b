package org.poevi.fit;

/**
 * One iteration's diagnostics (SPEC §3).
 *
 * @param iteration 1-based
 * @param fisher the batch's weighted Fisher divergence at the new α
 * @param deltaAlpha ‖α⁽ᵗ⁺¹⁾ − α⁽ᵗ⁾‖
 * @param objectiveChange relative decrease of the objective (the sample Fisher divergence of the
 *     iteration's G and h) bought by the step; with ‖Δα‖ the stopping rule's quantities
 * @param activeExperts experts with α_k &gt; 0
 * @param alphaSum Σα
 * @param nu ν = 2Σα − D, the degrees of freedom of q's tails
 * @param ess Kish effective sample size of the batch's weights (with MALA moves: at iteration 1
 *     of the tempered importance weights the population was resampled from, then the population
 *     size: its draws are equally weighted, though correlated with the previous iteration's)
 * @param essFraction ess / batch size
 * @param tempering the exponent τ applied to the importance weights (1 = none); under q, the
 *     exponent applied to α for drawing the batch (fit.q-temper)
 * @param acceptance mean MALA acceptance rate of the iteration's moves (NaN when there are none;
 *     an empty field in trace.csv)
 * @param unmovedFraction fraction of the MALA chains that accepted none of the iteration's moves
 *     (NaN when there are none; an empty field in trace.csv)
 * @param logNormalizer Dirichlet estimate of log C_α at the new α (a cheap running check)
 * @param qpStatus the QP's status
 * @param qpMillis QP solve time
 * @param eta the proximal step size used
 * @param scoreEvaluations target score evaluations so far, in the whole fit
 * @param seconds wall time since the fit started
 */
public record TraceRow(int iteration, double fisher, double deltaAlpha, double objectiveChange,
    int activeExperts,
    double alphaSum, double nu, double ess, double essFraction, double tempering, double acceptance,
    double unmovedFraction, double logNormalizer,
    String qpStatus, double qpMillis, double eta, long scoreEvaluations, double seconds) {

  /** Column names of trace.csv, in record order. */
  public static final String[] COLUMNS = {"iteration", "fisher", "delta_alpha", "objective_change",
      "active_experts", "alpha_sum", "nu", "ess", "ess_fraction", "tempering", "acceptance",
      "unmoved", "log_normalizer",
      "qp_status", "qp_ms", "eta", "score_evaluations", "seconds"};
}
