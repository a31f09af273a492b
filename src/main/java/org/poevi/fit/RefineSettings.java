package org.poevi.fit;

import org.poevi.InvalidInputException;

/**
 * {@code experts.refine-count} and {@code experts.refine-candidates}: the candidate experts
 * priced into the pool of the second fit under experts.axes = auto ({@link Pricing}).
 *
 * @param count priced candidates added to the second fit's pool (0: none)
 * @param candidates candidate bulk centres per bulk centre of the pool (experts.count)
 */
public record RefineSettings(int count, int candidates) {
  public RefineSettings {
    if (count < 0 || count > 100_000) {
      throw new InvalidInputException("experts.refine-count must be between 0 and 100000, got "
          + count);
    }
    if (candidates < 0 || candidates > 64) {
      throw new InvalidInputException("experts.refine-candidates must be between 0 and 64,"
          + " got " + candidates);
    }
  }

  /** The defaults of conf/reference.conf. */
  public static RefineSettings defaults() {
    return new RefineSettings(256, 4);
  }
}
