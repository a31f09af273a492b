package org.poevi.targets;

/**
 * A target could not be evaluated at a point (an exception inside it, or a non-finite gradient).
 * The message names the target and the point, in one line.
 */
public final class TargetEvaluationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TargetEvaluationException(String message) {
    super(message);
  }

  public TargetEvaluationException(String message, Throwable cause) {
    super(message, cause);
  }
}
