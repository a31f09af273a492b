package org.poevi.fit;

/** Whether the pool has coordinate experts ({@code experts.axes}, {@link AxisExperts}). */
public enum AxisMode implements ConfigChoice {
  /**
   * Dense pools whose first fit leaves PSIS k̂ ≥ 0.3, and whose coordinate experts would not
   * outnumber the others, fit α a second time with them and keep the q closer to p
   * ({@link AxisChoice}); structured pools have none.
   */
  AUTO("auto"),
  /** Always in the pool (dense pools only). */
  ALWAYS("always"),
  /** Never. */
  NEVER("never");

  private final String label;

  AxisMode(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }

  public static AxisMode parse(String s) {
    return ConfigChoice.parse(values(), "experts.axes", s);
  }
}
