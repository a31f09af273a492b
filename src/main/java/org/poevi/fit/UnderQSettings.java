package org.poevi.fit;

import org.poevi.InvalidInputException;

/**
 * The {@code fit.under-q} block: the paper's Algorithm 1, batches drawn from q itself with their
 * Feynman weights, with step control.
 *
 * @param growthCap {@code fit.under-q.growth-cap}: Σα grows by at most this factor per step
 * @param essFloor {@code fit.under-q.ess-floor}: η is halved when the batch's ESS fraction falls
 *     below this
 * @param qTemper {@code fit.under-q.q-temper}: batches come from q with exponents τ·α, τ ∈ (0, 1]
 *     (1 = the paper)
 */
public record UnderQSettings(double growthCap, double essFloor, double qTemper)
    implements ObjectiveSettings {
  public UnderQSettings {
    if (!(growthCap > 1) || Double.isInfinite(growthCap)) {
      throw new InvalidInputException("fit.under-q.growth-cap must be finite and > 1, got "
          + growthCap);
    }
    if (!(essFloor >= 0 && essFloor < 1)) {
      throw new InvalidInputException("fit.under-q.ess-floor must be in [0, 1), got "
          + essFloor);
    }
    if (!(qTemper > 0 && qTemper <= 1)) {
      throw new InvalidInputException("fit.under-q.q-temper must be in (0, 1], got " + qTemper);
    }
  }

  /** The defaults of conf/reference.conf. */
  public static UnderQSettings defaults() {
    return new UnderQSettings(1.2, 0.2, 1);
  }

  /** ν beyond this is a runaway Σα (the prototype's failure mode 3): the fit has diverged. */
  static final double MAX_NU = 1e6;

  @Override
  public Objective objective() {
    return Objective.UNDER_Q;
  }

  /** The latest batch only: each comes from the q of its own iteration. */
  @Override
  public Quadratic quadratic(int numExperts) {
    return Quadratic.latest();
  }

  @Override
  public double maxNu() {
    return MAX_NU;
  }
}
