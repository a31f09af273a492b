package org.poevi.fit;

import org.poevi.math.BlockParallel;

/**
 * What every fit method shares: the master seed that fixes the whole fit, the worker threads
 * (never change the result), and how many unweighted draws of the fitted q are made.
 *
 * @param seed {@code fit.seed}
 * @param threads {@code fit.threads} (0 in the configuration: every core)
 * @param outputDraws {@code output.draws}
 */
public record RunSettings(long seed, int threads, int outputDraws) {
  public RunSettings {
    SettingsChecks.atLeastOne(threads, "fit.threads");
    SettingsChecks.atLeastOne(outputDraws, "output.draws");
  }

  /** Seed 1, every core, 10 000 draws (conf/reference.conf). */
  public static RunSettings defaults() {
    return new RunSettings(1, BlockParallel.defaultThreads(), 10_000);
  }
}
