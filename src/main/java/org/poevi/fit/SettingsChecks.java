package org.poevi.fit;

import org.poevi.InvalidInputException;

/** The checks of the settings records, each naming the configuration key it checks. */
final class SettingsChecks {
  private SettingsChecks() {}

  static int atLeastOne(int v, String key) {
    if (v < 1) {
      throw new InvalidInputException(key + " must be >= 1, got " + v);
    }
    return v;
  }

  /**
   * A loop count's sanity bound: above {@code max} a fit would run for days (found by the fuzz
   * harness: init.gaussian-rounds = 2^31 - 1 never ended).
   */
  static int atMost(int v, int max, String key) {
    if (v > max) {
      throw new InvalidInputException(key + " must be <= " + max + ", got " + v);
    }
    return v;
  }

  static int nonNegative(int v, String key) {
    if (v < 0) {
      throw new InvalidInputException(key + " must be >= 0, got " + v);
    }
    return v;
  }

  static double positiveFinite(double v, String key) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new InvalidInputException(key + " must be finite and > 0, got " + v);
    }
    return v;
  }

  /** Every value finite and positive; returns a copy. */
  static double[] positiveFinite(double[] values, String key) {
    for (double v : values) {
      positiveFinite(v, key);
    }
    return values.clone();
  }

  /** Every value finite; returns a copy. */
  static double[] finite(double[] values, String key) {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        throw new InvalidInputException(key + " must be finite, got " + v);
      }
    }
    return values.clone();
  }
}
