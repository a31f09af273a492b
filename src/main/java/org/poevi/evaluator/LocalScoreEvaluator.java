package org.poevi.evaluator;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.poevi.math.BlockParallel;
import org.poevi.targets.BatchTarget;
import org.poevi.targets.Target;

/**
 * Runs tasks on the threads of this JVM: every task in one run over all its blocks, with the
 * task's own loops (drawing, folding) on {@code threads} threads and the target evaluated in
 * blocks of {@value #BLOCK} points over the same threads. A {@link BatchTarget} (a posterior
 * whose rows live on Spark executors or in memory) gets each range of points in one call: one
 * pass over its rows.
 */
public final class LocalScoreEvaluator implements ScoreEvaluator {
  private static final int BLOCK = 256;

  private final Target target;
  private final int threads;
  private final AtomicLong evaluations = new AtomicLong();

  public LocalScoreEvaluator(Target target, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.target = target;
    this.threads = threads;
  }

  @Override
  public <P> P run(String description, Function<Sharing, BlockTask<P>> build) {
    BlockTask<P> task = build.apply(Sharing.LOCAL);
    P part = task.run(new BlockRun(0, task.numBlocks() - 1, threads, this::evaluateRange, true));
    evaluations.addAndGet(task.evaluations());
    return part;
  }

  @Override
  public void evaluate(double[] points, int n, double[] logDensity, double[] scores) {
    evaluateRange(points, 0, 0, n, logDensity, scores, 0);
    evaluations.addAndGet(n);
  }

  /** A batch target's own values-only pass ({@link BatchTarget#logDensityValues}). */
  @Override
  public void logDensities(double[] points, int n, double[] logDensity) {
    if (target instanceof BatchTarget batch) {
      batch.logDensityValues(points, n, logDensity);
      evaluations.addAndGet(n);
    } else {
      ScoreEvaluator.super.logDensities(points, n, logDensity);
    }
  }

  /** {@link PointEvaluator} over this JVM's threads, or one call of a batch target. */
  private void evaluateRange(double[] z, int zBase, int from, int to, double[] logP,
      double[] scores, int outBase) {
    int dim = target.dim();
    if (target instanceof BatchTarget batch) {
      int n = to - from;
      if (from == zBase && from == outBase) {
        batch.logDensities(z, n, logP, scores);
      } else {
        double[] lp = new double[n];
        double[] sc = new double[n * dim];
        batch.logDensities(java.util.Arrays.copyOfRange(z, (from - zBase) * dim,
            (to - zBase) * dim), n, lp, sc);
        System.arraycopy(lp, 0, logP, from - outBase, n);
        System.arraycopy(sc, 0, scores, (from - outBase) * dim, n * dim);
      }
      return;
    }
    PointEvaluator one = PointEvaluator.sequential(target);
    int numBlocks = (to - from + BLOCK - 1) / BLOCK;
    BlockParallel.forEach(numBlocks, threads, () -> null, (block, unused) -> {
      int start = from + block * BLOCK;
      one.evaluate(z, zBase, start, Math.min(to, start + BLOCK), logP, scores, outBase);
    });
  }

  @Override
  public void stage(String description) {
    if (target instanceof BatchTarget batch) {
      batch.stage(description);
    }
  }

  @Override
  public int dim() {
    return target.dim();
  }

  @Override
  public long evaluations() {
    return evaluations.get();
  }
}
