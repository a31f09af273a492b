package org.poevi.fit;

import java.util.ArrayList;
import java.util.List;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.AffineMap;
import org.poevi.math.Cholesky;
import org.poevi.math.RandomStreams;
import org.poevi.targets.FramedTarget;
import org.poevi.targets.Target;

/**
 * A fit in the Laplace frame ({@code init.frame = laplace}): the mode search runs on the target
 * as given, and the fit itself on the target in coordinates z̃ where its Laplace approximation
 * N(m, Σ) at the best mode is N(0, I): z = A·z̃ + m with Σ = A·Aᵀ (A upper triangular). The
 * fitted product of t's (and its draws, log q and normaliser) is carried back to z exactly
 * ({@link AffineMap}). How the user centred, scaled or correlated the parameters then changes
 * the fitted problem only by a rotation of the frame: an uncentred regression's intercept–slope
 * ridge (condition 10¹¹) is a round cloud in z̃. Without a mode (an unbounded density) the fit
 * runs as given. The mode search's evaluations are counted with the fit's. Not the default: on
 * targets already near N(0, I) in their own coordinates it fits worse than the plain fit
 * (docs/benchmarks.md).
 */
public final class FramedFitter implements Fitter {
  private final Fitter inner;
  private final InitSettings init;
  private final long seed;
  private final int threads;

  public FramedFitter(Fitter inner, InitSettings init, long seed, int threads) {
    this.inner = inner;
    this.init = init;
    this.seed = seed;
    this.threads = threads;
  }

  @Override
  public FitResult fit(Target target, ScoreEvaluator evaluator, Progress progress) {
    ModeFinder.Search search = ModeFinder.find(target, init.modeStarts(), init.startScale(),
        RandomStreams.of(seed), threads, progress);
    if (search.modes().isEmpty()) {
      return inner.fit(target, evaluator, progress);
    }
    ModeFinder.Mode best = search.modes().get(0);
    int dim = target.dim();
    double[] h = best.negativeHessian();
    double[] range = Hessians.eigenRange(h, dim);
    double[] covariance = Cholesky.inverse(Hessians.floored(h, dim,
        Math.max(1e-8 * Math.abs(range[1]), 1e-12)), dim);
    AffineMap map = new AffineMap(upperFactor(covariance, dim), best.location());
    List<String> names = new ArrayList<>(dim);
    for (int d = 1; d <= dim; d++) {
      names.add("frame[" + d + "]");
    }
    FitResult framed = inner.fit(FramedTarget.of(target, map, names),
        new FramedEvaluator(evaluator, map, search.evaluations()), progress);
    return framed.mapped(map, target.parameterNames());
  }

  /**
   * U upper triangular with Σ = U·Uᵀ (row-major D×D): the Cholesky factor of Σ with its rows
   * and columns in reverse order, reversed back. Σ is symmetric positive definite here (the
   * inverse of a floored Hessian).
   */
  static double[] upperFactor(double[] sigma, int dim) {
    double[] reversed = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        reversed[i * dim + j] = sigma[(dim - 1 - i) * dim + (dim - 1 - j)];
      }
    }
    double[] packed = Cholesky.pack(reversed, dim);
    if (!Cholesky.factor(packed, 0, dim)) {
      throw new IllegalStateException("the Laplace covariance is not positive definite");
    }
    double[] upper = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j <= i; j++) {
        // L[i][j] (packed lower, row i) is U[D−1−i][D−1−j].
        upper[(dim - 1 - i) * dim + (dim - 1 - j)] = packed[i * (i + 1) / 2 + j];
      }
    }
    return upper;
  }
}
