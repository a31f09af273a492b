package org.poevi.fit;

import java.util.List;
import org.poevi.family.NormalizerValidation;
import org.poevi.family.ProductOfExperts;
import org.poevi.family.SampleResult;

/**
 * What a fit produced.
 *
 * @param family the fitted product of experts (the whole pool, most α_k = 0)
 * @param kinds "mode", "bulk" or "broad" per expert
 * @param parameterNames the target's coordinate names
 * @param trace one row per iteration
 * @param alphaPath α after each iteration (α⁽¹⁾, α⁽²⁾, …)
 * @param stop why the iterations ended
 * @param draws unweighted draws of the fitted q, with how they were made
 * @param normalizer the validated log-normaliser of q
 * @param psisKhat Pareto k̂ of log p̃ − log q over the draws (&gt; 0.7: q misses mass of p)
 * @param scoreEvaluations target evaluations in all (each gives log p̃ and its gradient)
 * @param seconds wall time
 * @param modes number of distinct modes found
 * @param warnings what a user should know
 */
public record FitResult(ProductOfExperts family, List<String> kinds, List<String> parameterNames,
    List<TraceRow> trace, List<double[]> alphaPath, StopReason stop, SampleResult draws, NormalizerValidation normalizer,
    double psisKhat, long scoreEvaluations, double seconds, int modes, List<String> warnings) {

  /** Why the iterations ended. */
  public enum StopReason {
    CONVERGED("converged"),
    MAX_ITERATIONS("max-iterations"),
    DIVERGED("diverged"),
    QP_FAILED("qp-failed");

    private final String label;

    StopReason(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public boolean converged() {
    return stop == StopReason.CONVERGED;
  }
}
