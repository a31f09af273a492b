package org.poevi.fit;

/**
 * The {@code fit} block of a product-of-experts fit: the iterations on α, shared by every
 * objective, and the chosen objective's own block.
 *
 * @param iterations {@code fit.iterations}: maximum iterations (batches)
 * @param batchSize {@code fit.batch-size}: points per iteration
 * @param eta {@code fit.eta}: proximal step η, relative: the proximal weight is trace(G)/(K·η)
 * @param sumSlack {@code fit.sum-slack}: ε in the constraint Σα ≥ D/2 + ε
 * @param tolerance {@code fit.tolerance}: stop when ‖Δα‖ ≤ tolerance·‖α‖, or when the step lowers
 *     the objective by at most tolerance, relatively
 * @param metric {@code fit.metric}: how the objective measures score differences
 * @param objective {@code fit.objective} with its block
 */
public record AlphaSettings(int iterations, int batchSize, double eta, double sumSlack,
    double tolerance, ScoreMetric metric, ObjectiveSettings objective) {
  public AlphaSettings {
    SettingsChecks.atLeastOne(iterations, "fit.iterations");
    SettingsChecks.atMost(iterations, 100_000, "fit.iterations");
    SettingsChecks.atLeastOne(batchSize, "fit.batch-size");
    SettingsChecks.positiveFinite(eta, "fit.eta");
    SettingsChecks.positiveFinite(sumSlack, "fit.sum-slack");
    SettingsChecks.positiveFinite(tolerance, "fit.tolerance");
  }

  /** The defaults of conf/reference.conf (under p). */
  public static AlphaSettings defaults() {
    return new AlphaSettings(20, 2048, 100, 0.5, 1e-3, ScoreMetric.INFORMATION,
        UnderPSettings.defaults());
  }
}
