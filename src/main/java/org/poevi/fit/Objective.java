package org.poevi.fit;

/** Under which distribution the Fisher divergence between q_α and p is matched (SPEC §3). */
public enum Objective implements ConfigChoice {
  /**
   * The paper's Algorithm 1: points drawn from q_α itself (Feynman weights), proximal steps. Its
   * fixed point minimises the Fisher divergence under q, which can collapse q's variance.
   */
  UNDER_Q("under-q"),
  /**
   * Points drawn from a broad proposal r around a preliminary Gaussian, weighted by p̃/r: the
   * Fisher divergence under p, the metric the paper evaluates with.
   */
  UNDER_P("under-p");

  private final String label;

  Objective(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }

  public static Objective parse(String s) {
    return ConfigChoice.parse(values(), "fit.objective", s);
  }
}
