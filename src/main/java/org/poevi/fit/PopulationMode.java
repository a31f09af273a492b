package org.poevi.fit;

/**
 * When the under-p objective replaces importance-weighted batches by a population of MALA chains
 * ({@link ResampleMove}; key {@code fit.under-p.population}).
 */
public enum PopulationMode implements ConfigChoice {
  /**
   * When the first batch's importance weights keep fewer than fit.under-p.min-ess-fraction of its draws
   * effective (the default): weighted batches are cheaper and, while they keep enough draws,
   * as good (docs/design-study.md); in high dimension they do not.
   */
  AUTO("auto"),
  /** Always. */
  ALWAYS("always"),
  /** Never: the batches are importance-weighted (tempered when they keep too few draws). */
  NEVER("never");

  private final String label;

  PopulationMode(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }

  public static PopulationMode parse(String s) {
    return ConfigChoice.parse(values(), "fit.under-p.population", s);
  }
}
