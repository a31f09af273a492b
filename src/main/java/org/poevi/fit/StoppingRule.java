package org.poevi.fit;

import java.util.Optional;

/**
 * When the iterations on α stop (SPEC §3): at the maximum number of iterations, or from the
 * second iteration on when the relative change of α, or the relative decrease of the objective
 * that the step bought, is at most the tolerance. The second is blind to moves of α along
 * directions the objective cannot see (near-duplicate experts trading weight), which keep ‖Δα‖
 * large long after q itself has stopped changing. Under q the fit also stops, diverged, when ν
 * exceeds {@code maxNu}.
 *
 * @param iterations the maximum number of iterations
 * @param tolerance the relative tolerance on α and on the objective
 * @param maxNu the largest ν = 2Σα − D before the fit counts as diverged (∞: no limit)
 */
public record StoppingRule(int iterations, double tolerance, double maxNu) {

  /**
   * Whether the step has converged: ‖Δα‖ ≤ tolerance·‖α‖, or 0 ≤ objectiveChange ≤ tolerance (a
   * capped step's NaN change never converges by this test).
   */
  public boolean converged(double delta, double[] alpha, double objectiveChange) {
    return delta <= tolerance * AlphaStep.distance(alpha, new double[alpha.length])
        || (objectiveChange >= 0 && objectiveChange <= tolerance);
  }

  /**
   * Why the fit stops after iteration t, whose step moved α by {@code delta} to {@code alpha}
   * with ν = {@code nu}; empty to go on.
   */
  public Optional<StopReason> stop(int t, double delta, double[] alpha, double objectiveChange,
      double nu) {
    if (nu > maxNu) {
      return Optional.of(StopReason.DIVERGED);
    }
    if (t >= 2 && converged(delta, alpha, objectiveChange)) {
      return Optional.of(StopReason.CONVERGED);
    }
    return t >= iterations ? Optional.of(StopReason.MAX_ITERATIONS) : Optional.empty();
  }
}
