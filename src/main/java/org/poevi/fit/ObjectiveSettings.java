package org.poevi.fit;

/**
 * The settings of the chosen objective ({@code fit.objective}): the {@code fit.under-p} or the
 * {@code fit.under-q} block. A new objective adds its record here, a {@link BatchSource} for its
 * batches and, if it needs one, a {@link Quadratic} and step control.
 */
public sealed interface ObjectiveSettings permits UnderPSettings, UnderQSettings {
  Objective objective();

  /** The objective before the first batch. */
  Quadratic quadratic(int numExperts);

  /** Σα grows by at most this factor per step (∞: no cap). */
  double growthCap();

  /** η is halved when a batch's ESS fraction falls below this (0: never). */
  double essFloor();

  /** The fit counts as diverged when ν = 2Σα − D exceeds this (∞: never). */
  double maxNu();
}
