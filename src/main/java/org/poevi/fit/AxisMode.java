package org.poevi.fit;

/** Whether the pool has coordinate experts ({@code experts.axes}, {@link AxisExperts}). */
public enum AxisMode implements ConfigChoice {
  /**
   * Dense pools fit α twice, without and with them, and keep the q with the higher ELBO when the
   * gain exceeds two standard errors ({@link AxisChoice}); structured pools have none.
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
