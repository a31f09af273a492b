package org.poevi.fit;

import org.poevi.InvalidInputException;

/**
 * The {@code init} block: how the fit finds its bearings before the experts exist, by a mode
 * search (multi-start L-BFGS) and a preliminary Gaussian (adaptive importance sampling, {@link
 * GaussianFit}).
 *
 * @param modeStarts {@code init.mode-starts}: L-BFGS starts
 * @param startScale {@code init.start-scale}: starts are N(0, startScale²·I)
 * @param gaussianRounds {@code init.gaussian-rounds}: importance-sampling rounds; 0 keeps the
 *     Laplace approximation at the best mode (a log-concave posterior of many rows, where it is
 *     already accurate)
 * @param gaussianDraws {@code init.gaussian-draws}: draws per round (at least 1000)
 * @param frame {@code init.frame}: the coordinates the fit runs in ({@link Frames})
 * @param gaussianReuse {@code init.gaussian-reuse}: each round's moments from the draws of all
 *     rounds so far ({@link GaussianFit}), not the last round's alone
 */
public record InitSettings(int modeStarts, double startScale, int gaussianRounds,
    int gaussianDraws, Frames.Choice frame, boolean gaussianReuse) {
  /** With the frame chosen automatically ({@code init.frame = auto}), without reuse. */
  public InitSettings(int modeStarts, double startScale, int gaussianRounds, int gaussianDraws) {
    this(modeStarts, startScale, gaussianRounds, gaussianDraws, Frames.Choice.AUTO, false);
  }

  public InitSettings {
    if (frame == null) {
      throw new InvalidInputException("init.frame must be auto, laplace or none");
    }
    SettingsChecks.atLeastOne(modeStarts, "init.mode-starts");
    SettingsChecks.atMost(modeStarts, 10_000, "init.mode-starts");
    SettingsChecks.atMost(gaussianRounds, 1_000, "init.gaussian-rounds");
    SettingsChecks.positiveFinite(startScale, "init.start-scale");
    SettingsChecks.nonNegative(gaussianRounds, "init.gaussian-rounds");
    if (gaussianDraws < 1000) {
      throw new InvalidInputException("init.gaussian-draws must be >= 1000, got "
          + gaussianDraws);
    }
  }

  /** 16 starts of scale 2, 8 rounds of 2560 draws, reused (conf/reference.conf). */
  public static InitSettings defaults() {
    return new InitSettings(16, 2, 8, 2560, Frames.Choice.AUTO, true);
  }
}
