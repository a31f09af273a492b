package org.poevi.fit;

import java.util.Optional;

/**
 * When the iterations on α stop (SPEC §3): at the maximum number of iterations, or from the
 * second iteration on when the relative change of α, or the relative decrease of the objective
 * that the step bought, is at most the tolerance. The second is blind to moves of α along
 * directions the objective cannot see (near-duplicate experts trading weight), which keep ‖Δα‖
 * large long after q itself has stopped changing. With a MALA population the objective's tolerance
 * is at least its own Monte Carlo error (the batches' Fisher divergences' relative standard
 * error, {@link #noise}): a step that buys less cannot be told from noise. On the funnel, whose
 * first fit ran 4–15 iterations at fit seeds 1–4, the fits cut at 4 iterations were as close to p
 * (KL ratios 0.634, 0.747, 0.729, 0.524 against 0.634, 0.768, 0.752, 0.524). Under q the fit also
 * stops, diverged, when ν exceeds {@code maxNu}.
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
    return converged(delta, alpha, objectiveChange, 0);
  }

  /**
   * As {@link #converged(double, double[], double)}, with the objective's own relative standard
   * error {@code noise}: a step that lowers the objective by at most max(tolerance, noise),
   * relatively, bought less than the batches can tell apart.
   */
  public boolean converged(double delta, double[] alpha, double objectiveChange, double noise) {
    return delta <= tolerance * AlphaStep.distance(alpha, new double[alpha.length])
        || (objectiveChange >= 0 && objectiveChange <= Math.max(tolerance, noise));
  }

  /**
   * Why the fit stops after iteration t, whose step moved α by {@code delta} to {@code alpha}
   * with ν = {@code nu}; empty to go on.
   */
  public Optional<StopReason> stop(int t, double delta, double[] alpha, double objectiveChange,
      double nu) {
    return stop(t, delta, alpha, objectiveChange, nu, 0);
  }

  /**
   * As {@link #stop(int, double, double[], double, double)}, with the objective's relative
   * standard error {@code noise} ({@link #noise}; 0 when unknown).
   */
  public Optional<StopReason> stop(int t, double delta, double[] alpha, double objectiveChange,
      double nu, double noise) {
    if (nu > maxNu) {
      return Optional.of(StopReason.DIVERGED);
    }
    if (t >= 2 && converged(delta, alpha, objectiveChange, noise)) {
      return Optional.of(StopReason.CONVERGED);
    }
    return t >= iterations ? Optional.of(StopReason.MAX_ITERATIONS) : Optional.empty();
  }

  /**
   * The relative standard error of an objective averaged over batches whose own values were
   * {@code batchFishers}: their sd/√t over their mean, from {@value #NOISE_BATCHES} batches on
   * (0 before, and when the mean is not positive). The batches of a MALA population are
   * correlated, so this understates the error: the rule it feeds stops late rather than early.
   */
  public static double noise(double[] batchFishers) {
    if (batchFishers.length < NOISE_BATCHES) {
      return 0;
    }
    double[] ms = org.poevi.math.SampleMoments.meanAndStandardError(batchFishers);
    return ms[0] > 0 ? ms[1] / ms[0] : 0;
  }

  /** Batches before the objective's noise counts ({@link #noise}). */
  static final int NOISE_BATCHES = 3;
}
