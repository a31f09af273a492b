package org.poevi.baselines;

import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.fit.Fitter;
import org.poevi.fit.GaussianResult;
import org.poevi.fit.Progress;
import org.poevi.targets.Target;

/** A Gaussian baseline: a {@link Fitter} whose result is a {@link GaussianResult}. */
public interface GaussianFitter extends Fitter {
  @Override
  GaussianResult fit(Target target, ScoreEvaluator evaluator, Progress progress);
}
