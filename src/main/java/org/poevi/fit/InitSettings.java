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
 *     already accurate); {@link #AUTO_ROUNDS} for {@code auto}: {@link #rounds(int)}
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
  /** {@code init.gaussian-rounds = auto}. */
  public static final int AUTO_ROUNDS = Integer.MIN_VALUE;
  /** Rounds under {@code auto} up to {@link #ROUNDS_DIMENSION}; none above it. */
  static final int AUTO_ROUND_COUNT = 8;
  /** Above this dimension {@code auto} takes no rounds. */
  static final int ROUNDS_DIMENSION = 100;

  public InitSettings {
    if (frame == null) {
      throw new InvalidInputException("init.frame must be auto, laplace or none");
    }
    SettingsChecks.atLeastOne(modeStarts, "init.mode-starts");
    SettingsChecks.atMost(modeStarts, 10_000, "init.mode-starts");
    SettingsChecks.atMost(gaussianRounds, 1_000, "init.gaussian-rounds");
    SettingsChecks.positiveFinite(startScale, "init.start-scale");
    if (gaussianRounds != AUTO_ROUNDS) {
      SettingsChecks.nonNegative(gaussianRounds, "init.gaussian-rounds");
    }
    if (gaussianDraws < 1000 && gaussianDraws != AUTO_DRAWS) {
      throw new InvalidInputException("init.gaussian-draws must be auto or >= 1000, got "
          + gaussianDraws);
    }
  }

  /**
   * Rounds at dimension D: the given number, or under {@code auto} 8 up to D = 100 and none above.
   * Above D = 100 a Gaussian proposal's importance weights keep almost no effective draws of a
   * non-Gaussian target, the rounds cost minutes (8 rounds of 48,000 draws at D = 300), and the
   * MALA population that follows (fit.under-p.population) finds p's moments instead
   * (docs/benchmarks.md, "Structured fits end to end").
   */
  public int rounds(int dim) {
    return rounds(gaussianRounds, dim);
  }

  /** {@link #rounds(int)} for a value of init.gaussian-rounds ({@link #AUTO_ROUNDS} or a number). */
  public static int rounds(int gaussianRounds, int dim) {
    return gaussianRounds == AUTO_ROUNDS ? (dim > ROUNDS_DIMENSION ? 0 : AUTO_ROUND_COUNT)
        : gaussianRounds;
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

  /**
   * 16 starts of scale 2, auto rounds (8 up to D = 100) of max(2560, 160·D) draws, reused
   * (conf/reference.conf).
   */
  public static InitSettings defaults() {
    return new InitSettings(16, 2, AUTO_ROUNDS, AUTO_DRAWS, Frames.Choice.AUTO, true);
  }
}
