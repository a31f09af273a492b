package org.poevi.fit;

import org.poevi.InvalidInputException;

/**
 * The {@code fit.under-p} block: batches drawn from a broad proposal r = t_ν(m, c²S) around the
 * preliminary Gaussian and weighted by p̃/r, or a population of MALA chains ({@link
 * ResampleMove}) when those weights degenerate.
 *
 * @param proposalDof {@code fit.under-p.proposal-dof}: ν of the proposal
 * @param proposalScale {@code fit.under-p.proposal-scale}: c
 * @param minEssFraction {@code fit.under-p.min-ess-fraction}: weights are tempered to (p̃/r)^τ,
 *     τ ≤ 1 as large as keeps this effective fraction
 * @param population {@code fit.under-p.population}: when the MALA population replaces the
 *     weighted batches
 * @param moveSteps {@code fit.under-p.move-steps}: MALA steps per iteration
 * @param moveBurnIn {@code fit.under-p.move-burn-in}: MALA steps before the population is used
 * @param affineCalibration {@code fit.under-p.affine-calibration}: whether a fit with a
 *     population ends with the affine map of q fitted to its chains ({@link AffineCalibration})
 * @param independenceEvery {@code fit.under-p.independence-every}: every this many burn-in
 *     steps one is an independence step from t_ν(m, c²S) around the population's moments
 *     ({@link ResampleMove#independence}); 0 for none
 * @param klProjection {@code fit.under-p.kl-projection}: whether the fit ends with α moved
 *     towards the minimiser of KL(p; q) estimated from q's draws ({@link KlProjection})
 */
public record UnderPSettings(double proposalDof, double proposalScale, double minEssFraction,
    PopulationMode population, int moveSteps, int moveBurnIn, boolean affineCalibration,
    int independenceEvery, boolean klProjection) implements ObjectiveSettings {
  public UnderPSettings {
    SettingsChecks.positiveFinite(proposalDof, "fit.under-p.proposal-dof");
    SettingsChecks.positiveFinite(proposalScale, "fit.under-p.proposal-scale");
    if (!(minEssFraction > 0 && minEssFraction <= 1)) {
      throw new InvalidInputException("fit.under-p.min-ess-fraction must be in (0, 1], got "
          + minEssFraction);
    }
    SettingsChecks.atLeastOne(moveSteps, "fit.under-p.move-steps");
    SettingsChecks.atMost(moveSteps, 10_000, "fit.under-p.move-steps");
    SettingsChecks.nonNegative(moveBurnIn, "fit.under-p.move-burn-in");
    SettingsChecks.atMost(moveBurnIn, 100_000, "fit.under-p.move-burn-in");
    SettingsChecks.nonNegative(independenceEvery, "fit.under-p.independence-every");
    SettingsChecks.atMost(independenceEvery, 10_000, "fit.under-p.independence-every");
  }

  /** The defaults of conf/reference.conf. */
  public static UnderPSettings defaults() {
    return new UnderPSettings(5, 1.5, 0.05, PopulationMode.AUTO, 5, 50, true, 3, true);
  }

  /** The same settings with {@code population}. */
  UnderPSettings withPopulation(PopulationMode v) {
    return new UnderPSettings(proposalDof, proposalScale, minEssFraction, v, moveSteps,
        moveBurnIn, affineCalibration, independenceEvery, klProjection);
  }

  /** The same settings with {@code move-burn-in}. */
  UnderPSettings withMoveBurnIn(int v) {
    return new UnderPSettings(proposalDof, proposalScale, minEssFraction, population, moveSteps,
        v, affineCalibration, independenceEvery, klProjection);
  }

  /** The same settings with {@code affine-calibration}. */
  UnderPSettings withAffineCalibration(boolean v) {
    return new UnderPSettings(proposalDof, proposalScale, minEssFraction, population, moveSteps,
        moveBurnIn, v, independenceEvery, klProjection);
  }

  /** The same settings with {@code independence-every}. */
  UnderPSettings withIndependenceEvery(int v) {
    return new UnderPSettings(proposalDof, proposalScale, minEssFraction, population, moveSteps,
        moveBurnIn, affineCalibration, v, klProjection);
  }

  /** The same settings with {@code kl-projection}. */
  UnderPSettings withKlProjection(boolean v) {
    return new UnderPSettings(proposalDof, proposalScale, minEssFraction, population, moveSteps,
        moveBurnIn, affineCalibration, independenceEvery, v);
  }

  @Override
  public Objective objective() {
    return Objective.UNDER_P;
  }

  /** The average over every batch so far: all are draws of p. */
  @Override
  public Quadratic quadratic(int numExperts) {
    return Quadratic.averaged(numExperts);
  }

  /** Under p the QP's answer is taken as it is. */
  @Override
  public double growthCap() {
    return Double.POSITIVE_INFINITY;
  }

  @Override
  public double essFloor() {
    return 0;
  }

  @Override
  public double maxNu() {
    return Double.POSITIVE_INFINITY;
  }

  /** The proposal r = t_ν(m, c²S) around the Gaussian (m, S). */
  org.poevi.math.MultivariateT proposal(GaussianFit gaussian) {
    return org.poevi.math.MultivariateT.of(gaussian.mean(), GaussianFit.scaled(
        gaussian.covariance(), proposalScale * proposalScale), proposalDof);
  }
}
