package org.poevi.targets.glm;

import org.poevi.InvalidInputException;

/** The argument checks of {@link Prior}'s families, each a one-line error naming the form. */
final class PriorChecks {
  private PriorChecks() {}

  /** Scales, rates and degrees of freedom square: within [1e-150, 1e150] their squares and
   * reciprocal squares are finite, so the log density and its score are. */
  static void positive(String form, String name, double v) {
    if (!(v >= 1e-150 && v <= 1e150)) {
      throw new InvalidInputException(form + " needs " + name + " > 0 within [1e-150, 1e150],"
          + " got " + Prior.format(v));
    }
  }

  /**
   * |m| at most 1e150 scales from 0, so that the density is finite at 0, where the fit's checks
   * start (found by the fuzz harness: normal(1e308, 1e38) was -Infinity there, an error that
   * named no prior).
   */
  static void near(String form, double mean, double scale) {
    if (Math.abs(mean) > 1e150 * scale) {
      throw new InvalidInputException(form + " needs |m| <= 1e150 s, got m = " + Prior.format(mean)
          + " and s = " + Prior.format(scale));
    }
  }

  static void finite(String form, String name, double v) {
    if (!Double.isFinite(v)) {
      throw new InvalidInputException(form + " needs a finite " + name + ", got " + Prior.format(v));
    }
  }
}
