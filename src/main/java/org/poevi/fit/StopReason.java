package org.poevi.fit;

/** Why a fit's iterations ended. */
public enum StopReason {
  CONVERGED("converged"),
  MAX_ITERATIONS("max-iterations"),
  DIVERGED("diverged"),
  QP_FAILED("qp-failed");

  private final String label;

  StopReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
