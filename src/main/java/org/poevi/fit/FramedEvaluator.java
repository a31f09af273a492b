package org.poevi.fit;

import java.util.function.Function;
import org.poevi.evaluator.BlockRun;
import org.poevi.evaluator.BlockTask;
import org.poevi.evaluator.PointEvaluator;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.evaluator.Sharing;
import org.poevi.family.AffineMap;

/**
 * An evaluator of a target in other coordinates, z = A·z̃ + b: the points its tasks and callers
 * give are in z̃, the wrapped evaluator evaluates the original target at z, and the scores come
 * back as ∇_z̃ = Aᵀ·∇_z (log p̃ is the same number; the constant log|det A| is left out). Every
 * task runs on the wrapped evaluator (on Spark, over its partitions), with its point evaluator
 * mapped, so a fit in a standardised frame needs no new evaluator.
 */
public final class FramedEvaluator implements ScoreEvaluator {
  private final ScoreEvaluator inner;
  private final AffineMap map;

  public FramedEvaluator(ScoreEvaluator inner, AffineMap map) {
    this.inner = inner;
    this.map = map;
  }

  @Override
  public <P> P run(String description, Function<Sharing, BlockTask<P>> build) {
    return inner.run(description, sharing -> new Mapped<>(build.apply(sharing), map));
  }

  @Override
  public void evaluate(double[] points, int n, double[] logDensity, double[] scores) {
    inner.evaluate(map.apply(points, n), n, logDensity, scores);
    map.pullBack(scores, n);
  }

  @Override
  public void logDensities(double[] points, int n, double[] logDensity) {
    inner.logDensities(map.apply(points, n), n, logDensity);
  }

  @Override
  public void stage(String description) {
    inner.stage(description);
  }

  @Override
  public int dim() {
    return inner.dim();
  }

  @Override
  public long evaluations() {
    return inner.evaluations();
  }

  /** A task whose runs evaluate the target through the map. */
  private record Mapped<P>(BlockTask<P> task, AffineMap map) implements BlockTask<P> {
    @Override
    public int numBlocks() {
      return task.numBlocks();
    }

    @Override
    public P run(BlockRun run) {
      PointEvaluator target = run.target();
      int dim = map.dim();
      PointEvaluator mapped = (z, zBase, from, to, logP, scores, outBase) -> {
        int n = to - from;
        double[] x = map.apply(java.util.Arrays.copyOfRange(z, (from - zBase) * dim,
            (to - zBase) * dim), n);
        double[] lp = new double[n];
        double[] g = new double[n * dim];
        target.evaluate(x, from, from, to, lp, g, from);
        map.pullBack(g, n);
        System.arraycopy(lp, 0, logP, from - outBase, n);
        System.arraycopy(g, 0, scores, (from - outBase) * dim, n * dim);
      };
      return task.run(new BlockRun(run.first(), run.last(), run.threads(), mapped, run.local()));
    }

    @Override
    public P merge(P left, P right) {
      return task.merge(left, right);
    }

    @Override
    public long evaluations() {
      return task.evaluations();
    }
  }
}
