package org.poevi.fit;

import java.util.List;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.math.RandomStreams;
import org.poevi.targets.Target;

/**
 * The {@code init} phase: the modes of log p̃ by multi-start L-BFGS ({@link ModeFinder}), a
 * Laplace start at the best one, and a preliminary Gaussian (m, S) by adaptive importance
 * sampling ({@link GaussianFit}).
 *
 * @param modes the distinct modes found, best first
 * @param gaussian the preliminary Gaussian
 * @param evaluations target evaluations of the mode search (the Gaussian's go through the
 *     evaluator, which counts them)
 * @param warnings what a user should know
 */
record Preliminary(List<ModeFinder.Mode> modes, GaussianFit gaussian, long evaluations,
    List<String> warnings) {

  static Preliminary run(Target target, InitSettings init, ScoreEvaluator evaluator,
      RandomStreams streams, int threads, Progress progress,
      java.util.function.Consumer<String> stage) {
    return of(search(target, init, streams, threads, progress, stage), target, init, evaluator,
        streams, threads, progress, stage);
  }

  /** The mode search of the init phase. */
  static ModeFinder.Search search(Target target, InitSettings init, RandomStreams streams,
      int threads, Progress progress, java.util.function.Consumer<String> stage) {
    stage.accept("mode search (" + init.modeStarts() + " L-BFGS starts)");
    return ModeFinder.find(target, init.modeStarts(), init.startScale(), streams, threads,
        progress);
  }

  /** The rest of the init phase after {@code search} (in the target's coordinates). */
  static Preliminary of(ModeFinder.Search search, Target target, InitSettings init,
      ScoreEvaluator evaluator, RandomStreams streams, int threads, Progress progress,
      java.util.function.Consumer<String> stage) {
    int dim = target.dim();
    List<ModeFinder.Mode> modes = search.modes();
    double[] start = new double[dim];
    double[] laplace = new double[dim * dim];
    List<String> warnings = List.of();
    if (modes.isEmpty()) {
      // No stationary point (an unbounded density, e.g. a funnel's neck): the preliminary
      // Gaussian starts from the distribution of the mode search's starts, N(0, s² I).
      warnings = List.of("the mode search found no stationary point in " + init.modeStarts()
          + " starts (the density may be unbounded, as in a funnel's neck): the preliminary"
          + " Gaussian starts from N(0, init.start-scale^2 I)");
      for (int d = 0; d < dim; d++) {
        laplace[d * dim + d] = init.startScale() * init.startScale();
      }
    } else {
      ModeFinder.Mode best = modes.get(0);
      start = best.location();
      laplace = Frames.laplaceCovariance(best.negativeHessian(), dim);
    }
    stage.accept(init.rounds(dim) == 0 ? "preliminary Gaussian: the Laplace approximation"
        : "preliminary Gaussian (" + init.rounds(dim) + " rounds of " + init.draws(dim)
            + " draws" + (init.gaussianReuse() ? ", all reused" : "") + ")");
    GaussianFit gaussian = GaussianFit.of(evaluator, dim, start, laplace, init.rounds(dim),
        init.draws(dim), init.gaussianReuse(), streams, threads, progress);
    return new Preliminary(modes, gaussian, search.evaluations(), warnings);
  }
}
