package org.poevi.family;

/** How unweighted draws of q_α were produced. */
public enum SamplingMode {
  /** Rejection on w with the bound C(w) ≤ sup C: exact, independent draws. */
  EXACT("exact"),
  /** Sampling-importance-resampling of the C(w)-weighted Dirichlet draws, then z | w afresh. */
  SIR("sir"),
  /**
   * Sampling-importance-resampling in z: draws of a heavy-tailed t proposal fitted to q, weighted
   * by q̃/r ({@link ZSpaceNormalizer}); used when it keeps more effective draws than the Feynman
   * weights do.
   */
  Z_SIR("z-sir"),
  /**
   * Tempered sequential Monte Carlo with Gibbs moves ({@link TemperedGibbs}): its particles at
   * β = 1, moved on and kept sweep by sweep (correlated along each particle's path); used when the
   * Feynman weights and the z-space proposal both degenerate.
   */
  TEMPERED("tempered-gibbs");

  private final String label;

  SamplingMode(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
