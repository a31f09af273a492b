package org.poevi.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.poevi.evaluator.BlockRun;
import org.poevi.evaluator.BlockTask;
import org.poevi.evaluator.PointEvaluator;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.evaluator.Shared;
import org.poevi.evaluator.Sharing;
import org.poevi.targets.BatchTarget;
import org.poevi.targets.Target;
import org.poevi.targets.TargetEvaluationException;

/**
 * Runs the fit's {@link BlockTask}s on Spark executors, sample-parallel: a task's blocks are
 * spread over {@code partitions} partitions in contiguous runs, one Spark task per partition
 * runs its blocks (one thread, its points evaluated one by one), and the driver merges the parts
 * in partition order. Every block's result depends on the block only and the tasks merge
 * order-independently, so every result is bit-identical to {@link
 * org.poevi.evaluator.LocalScoreEvaluator}'s for any number of partitions, executors or cores.
 * This class ships and merges; what a task computes is written once, in the fit layer.
 *
 * <p>A fit's iteration is one Spark job (two for an importance batch whose weights the driver
 * tempers), named after the fit's stage in the Spark UI. Values the
 * tasks share travel inside the task when small and in a broadcast of their own, destroyed after
 * the job, when large ({@link JobSharing}).
 */
public final class SparkScoreEvaluator implements ScoreEvaluator {
  private final JavaSparkContext sc;
  private final Target target;
  private final int partitions;
  private final AtomicLong evaluations = new AtomicLong();
  private volatile String stage = "";

  /**
   * @param partitions how many partitions the blocks are spread over (never changes the result)
   * @throws IllegalArgumentException for a {@link BatchTarget}, whose rows are already spread
   *     over the executors (it is evaluated a batch at a time from the driver)
   */
  public SparkScoreEvaluator(JavaSparkContext sc, Target target, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    if (target instanceof BatchTarget) {
      throw new IllegalArgumentException("target " + target.name() + " is evaluated over its"
          + " rows on Spark already: use a LocalScoreEvaluator for it");
    }
    this.sc = sc;
    this.target = target;
    this.partitions = partitions;
  }

  @Override
  public <P> P run(String description, Function<Sharing, BlockTask<P>> build) {
    JobSharing sharing = new JobSharing(sc);
    try {
      BlockTask<P> task = build.apply(sharing);
      P total;
      if (task.numBlocks() == 0) {
        total = task.run(new BlockRun(0, -1, 1, PointEvaluator.sequential(target), false));
      } else {
        total = job(description, task);
      }
      evaluations.addAndGet(task.evaluations());
      return total;
    } finally {
      sharing.destroy();
    }
  }

  /**
   * One job: each partition runs its contiguous blocks; the parts are merged on the driver in
   * partition order. A failure on an executor becomes the one-line error it was there.
   */
  private <P> P job(String description, BlockTask<P> task) {
    sc.setJobDescription("poevi " + stage + ": " + description);
    try {
      List<P> parts = PartitionJobs.run(blockIndices(task.numBlocks()), new Runs<>(task, target));
      P total = null;
      for (P part : parts) {
        if (part != null) {
          total = total == null ? part : task.merge(total, part);
        }
      }
      return total;
    } catch (Exception e) {
      throw unwrap(e);
    } finally {
      sc.setJobDescription(null);
    }
  }

  /** A partition's run of a task: its block indices (contiguous, ascending) as one run. */
  private static final class Runs<P> implements PartitionJobs.Task<Integer, P> {
    private static final long serialVersionUID = 1L;
    private final BlockTask<P> task;
    private final Target target;

    Runs(BlockTask<P> task, Target target) {
      this.task = task;
      this.target = target;
    }

    @Override
    public P run(Iterator<Integer> indices) {
      if (!indices.hasNext()) {
        return null;
      }
      int first = indices.next();
      int last = first;
      while (indices.hasNext()) {
        int next = indices.next();
        if (next != last + 1) {
          throw new IllegalStateException("a partition's blocks are not contiguous: " + last
              + " then " + next);
        }
        last = next;
      }
      return task.run(new BlockRun(first, last, 1, PointEvaluator.sequential(target), false));
    }
  }

  /**
   * The values one task shares. Up to {@value #INLINE_BYTES} bytes a value travels inside the
   * task itself, which Spark broadcasts with the job (once per executor and job, cleaned up by
   * Spark); larger values get their own broadcast, read once per executor and destroyed after
   * the job. A broadcast of its own costs about 1.5 ms per job on the driver (creating, storing
   * and destroying it; docs/benchmarks.md), as much as the experts' bytes themselves at K = 64,
   * D = 10.
   */
  static final class JobSharing implements Sharing {
    /** Values inside the task up to this size; Spark warns of task binaries above 1000 KiB. */
    static final long INLINE_BYTES = 256 * 1024;
    private final JavaSparkContext sc;
    private final List<Broadcast<?>> broadcasts = new ArrayList<>();

    JobSharing(JavaSparkContext sc) {
      this.sc = sc;
    }

    @Override
    public <T> Shared<T> share(T value, long bytes) {
      if (bytes <= INLINE_BYTES) {
        return new Sharing.Local<>(value);
      }
      Broadcast<T> broadcast = sc.broadcast(value);
      broadcasts.add(broadcast);
      return new Broadcasted<>(broadcast);
    }

    /** Destroys every broadcast made, even if one destroy fails (the first failure is thrown). */
    void destroy() {
      RuntimeException failed = null;
      for (Broadcast<?> b : broadcasts) {
        try {
          b.destroy();
        } catch (RuntimeException e) {
          failed = failed == null ? e : failed;
        }
      }
      broadcasts.clear();
      if (failed != null) {
        throw failed;
      }
    }
  }

  /** A value in a broadcast of its own. */
  private record Broadcasted<T>(Broadcast<T> broadcast) implements Shared<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public T value() {
      return broadcast.value();
    }
  }

  /** Block indices 0..count−1 spread over the partitions in contiguous runs. */
  private JavaRDD<Integer> blockIndices(int count) {
    List<Integer> indices = new ArrayList<>(count);
    for (int b = 0; b < count; b++) {
      indices.add(b);
    }
    return sc.parallelize(indices, Math.min(partitions, Math.max(count, 1)));
  }

  /** A target failure on an executor as the one-line error it was there. */
  static RuntimeException unwrap(Exception e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof TargetEvaluationException t) {
        return new TargetEvaluationException(t.getMessage());
      }
    }
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    int at = message.indexOf("TargetEvaluationException: ");
    if (at >= 0) {
      String rest = message.substring(at + "TargetEvaluationException: ".length());
      return new TargetEvaluationException(rest.lines().findFirst().orElse(rest));
    }
    if (e instanceof RuntimeException r && !(e.getCause() instanceof SparkException)) {
      return r;
    }
    return new IllegalStateException("Spark job failed: " + message.lines().findFirst()
        .orElse(message), e);
  }

  @Override
  public void stage(String description) {
    stage = description;
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
