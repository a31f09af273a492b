package org.poevi.fit;

import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.targets.Target;

/**
 * A fit method with its settings, ready to run on a target: the product of experts
 * ({@link PoeFitter}) or a Gaussian baseline ({@code org.poevi.baselines}). The configuration
 * maps each {@code fit.method} to one ({@code org.poevi.config.FitMethod}).
 */
@FunctionalInterface
public interface Fitter {
  /**
   * Fits {@code target}, its evaluations run by {@code evaluator}, telling {@code progress}.
   *
   * @throws org.poevi.InvalidInputException for settings that do not fit the target
   * @throws org.poevi.targets.TargetEvaluationException when the target fails at a point
   */
  FitResult fit(Target target, ScoreEvaluator evaluator, Progress progress);
}
