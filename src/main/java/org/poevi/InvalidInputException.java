package org.poevi;

/**
 * A user error: bad configuration, a bad model file, bad data or an infeasible setting.
 *
 * <p>The message is one line that names the offending key, field, column or value. The command line
 * prints it without a stack trace and exits non-zero; library callers get an
 * {@link IllegalArgumentException} they can catch.
 */
public final class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
