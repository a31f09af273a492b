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
 * @param gaussianDraws {@code init.gaussian-draws}: draws per round (at least 1000), or
 *     {@link #AUTO_DRAWS} for {@code auto}: {@link #draws(int)}
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

  /** {@code init.gaussian-draws = auto}. */
  public static final int AUTO_DRAWS = 0;

  public InitSettings {
    if (frame == null) {
      throw new InvalidInputException("init.frame must be auto, laplace or none");
    }
    SettingsChecks.atLeastOne(modeStarts, "init.mode-starts");
    SettingsChecks.atMost(modeStarts, 10_000, "init.mode-starts");
    SettingsChecks.atMost(gaussianRounds, 1_000, "init.gaussian-rounds");
    SettingsChecks.positiveFinite(startScale, "init.start-scale");
    SettingsChecks.nonNegative(gaussianRounds, "init.gaussian-rounds");
    if (gaussianDraws < 1000 && gaussianDraws != AUTO_DRAWS) {
      throw new InvalidInputException("init.gaussian-draws must be auto or >= 1000, got "
          + gaussianDraws);
    }
  }

  /**
   * Draws per round at dimension D: the given number, or under {@code auto} max(2560, 160·D).
   * The moments' error shrinks with the effective draws per dimension: at D = 31 (a logistic
   * regression on nearly collinear predictors) 8 reused rounds of 2560 left q's largest mean
   * error at 0.10–0.11 posterior sd over three seeds, rounds of 5120 at 0.056–0.061
   * (docs/benchmarks.md); up to D = 16 it is 2560, which matched 8 rounds of 20,000 on the design
   * study's targets.
   */
  public int draws(int dim) {
    return draws(gaussianDraws, dim);
  }

  /** {@link #draws(int)} for a value of init.gaussian-draws ({@link #AUTO_DRAWS} or a number). */
  public static int draws(int gaussianDraws, int dim) {
    return gaussianDraws == AUTO_DRAWS ? (int) Math.min(1 << 24, Math.max(2560, 160L * dim))
        : gaussianDraws;
  }

  /** 16 starts of scale 2, 8 rounds of max(2560, 160·D) draws, reused (conf/reference.conf). */
  public static InitSettings defaults() {
    return new InitSettings(16, 2, 8, AUTO_DRAWS, Frames.Choice.AUTO, true);
  }
}
