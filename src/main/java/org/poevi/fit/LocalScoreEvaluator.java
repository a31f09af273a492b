package org.poevi.fit;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.poevi.math.BlockParallel;
import org.poevi.targets.BatchTarget;
import org.poevi.targets.Target;
import org.poevi.targets.TargetEvaluationException;

/**
 * Evaluates a target on the threads of this JVM, in blocks of points; a {@link BatchTarget} (e.g.
 * a posterior whose data lives on Spark executors) gets the whole batch at once.
 */
public final class LocalScoreEvaluator implements ScoreEvaluator {
  private static final int BLOCK = 256;

  private final Target target;
  private final int threads;
  private final AtomicLong evaluations = new AtomicLong();

  public LocalScoreEvaluator(Target target, int threads) {
    this.target = target;
    this.threads = threads;
  }

  @Override
  public void evaluate(double[] points, int n, double[] logDensity, double[] scores) {
    if (target instanceof BatchTarget batch) {
      batch.logDensities(points, n, logDensity, scores);
      evaluations.addAndGet(n);
      return;
    }
    int dim = target.dim();
    int numBlocks = (n + BLOCK - 1) / BLOCK;
    BlockParallel.forEach(numBlocks, threads, () -> new double[][] {new double[dim],
        new double[dim]}, (block, scratch) -> {
          int from = block * BLOCK;
          int to = Math.min(n, from + BLOCK);
          for (int i = from; i < to; i++) {
            System.arraycopy(points, i * dim, scratch[0], 0, dim);
            logDensity[i] = evaluateOne(target, scratch[0], scratch[1], i);
            System.arraycopy(scratch[1], 0, scores, i * dim, dim);
          }
        });
    evaluations.addAndGet(n);
  }

  @Override
  public void stage(String description) {
    if (target instanceof BatchTarget batch) {
      batch.stage(description);
    }
  }

  @Override
  public long evaluations() {
    return evaluations.get();
  }

  /**
   * One evaluation with the target's contract enforced: an exception or a non-finite gradient (at
   * a point of positive density) becomes a TargetEvaluationException naming the point.
   */
  public static double evaluateOne(Target target, double[] z, double[] gradient, long index) {
    double value;
    try {
      value = target.logDensity(z, gradient);
    } catch (RuntimeException e) {
      throw new TargetEvaluationException("target " + target.name() + " failed at sample "
          + index + " " + Arrays.toString(z) + ": " + e, e);
    }
    if (Double.isNaN(value) || value == Double.POSITIVE_INFINITY) {
      throw new TargetEvaluationException("target " + target.name() + " returned log density "
          + value + " at sample " + index + " " + Arrays.toString(z));
    }
    if (value > Double.NEGATIVE_INFINITY) {
      for (double g : gradient) {
        if (!Double.isFinite(g)) {
          throw new TargetEvaluationException("target " + target.name()
              + " returned a non-finite gradient " + Arrays.toString(gradient) + " at sample "
              + index + " " + Arrays.toString(z));
        }
      }
    } else {
      Arrays.fill(gradient, 0);
    }
    return value;
  }
}
