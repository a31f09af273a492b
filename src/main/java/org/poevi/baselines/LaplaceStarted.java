package org.poevi.baselines;

import java.util.ArrayList;
import java.util.List;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.fit.FramedEvaluator;
import org.poevi.fit.Frames;
import org.poevi.fit.GaussianResult;
import org.poevi.fit.Progress;
import org.poevi.targets.FramedTarget;
import org.poevi.targets.Target;

/**
 * A Gaussian baseline started at the Laplace approximation ({@code fit.advi.init} or
 * {@code fit.bam.init} = {@code laplace}, the default; issue #19): the mode search of a
 * product-of-experts fit (its {@code init.mode-starts} and {@code init.start-scale}), then the
 * baseline run unchanged from N(0, I) in the frame where N(0, I) is N(mode, H⁻¹)
 * ({@link Frames.Start}), and its Gaussian carried back exactly. ADVI's Adam steps are then in
 * units of the posterior's own scale, so a posterior with sds of 10⁻³ or 10³, or a correlation of
 * −0.999, starts where ADVI converges instead of far from it. The mode search's evaluations count
 * in the result (trace and path too), as a product of experts' do. Without a mode it starts from
 * N(0, I), as {@code standard} does, with a warning.
 */
public final class LaplaceStarted implements GaussianFitter {
  private final GaussianFitter baseline;
  private final String key;
  private final int starts;
  private final double startScale;
  private final long seed;
  private final int threads;
  private final boolean diagonal;

  /**
   * @param key the init key, named in the progress line and warnings
   * @param diagonal a diagonal frame (mean-field ADVI)
   */
  public LaplaceStarted(GaussianFitter baseline, String key, int starts, double startScale,
      long seed, int threads, boolean diagonal) {
    this.baseline = baseline;
    this.key = key;
    this.starts = starts;
    this.startScale = startScale;
    this.seed = seed;
    this.threads = threads;
    this.diagonal = diagonal;
  }

  @Override
  public GaussianResult fit(Target target, ScoreEvaluator evaluator, Progress progress) {
    progress.phase("mode search for the Laplace start (" + key + " = laplace, " + starts
        + " L-BFGS starts)");
    Frames.Start start = Frames.Start.find(target, starts, startScale, seed, threads, progress,
        diagonal);
    List<String> warnings = new ArrayList<>();
    if (start.warning() != null) {
      warnings.add(key + " = laplace: " + start.warning());
    }
    if (start.map() == null) {
      return baseline.fit(target, evaluator, progress).after(start.evaluations(), warnings);
    }
    GaussianResult framed = baseline.fit(FramedTarget.of(target, start.map(),
        Frames.names(target.dim())),
        new FramedEvaluator(evaluator, start.map()), progress);
    return framed.mapped(start.map(), target.parameterNames()).after(start.evaluations(),
        warnings);
  }
}
