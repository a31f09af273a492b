package org.poevi.evaluator;

import java.util.function.Function;

/**
 * Runs the target evaluations of a fit: the expensive step of every iteration (SPEC §3, step 2).
 * The work comes as {@link BlockTask}s written once in the fit layer; {@link LocalScoreEvaluator}
 * runs them on the threads of this JVM, the Spark evaluator over the partitions of a job. Neither
 * knows what a task computes: it ships the task, runs it over blocks and merges the parts
 * (MLlib's {@code RDDLossFunction} shape).
 *
 * <p>Contract: the results depend only on the tasks' inputs, never on how the blocks were split.
 * A target that throws or returns a non-finite gradient at a finite point fails the whole call
 * with a {@link org.poevi.targets.TargetEvaluationException} naming the point and the target.
 */
public interface ScoreEvaluator {
  /**
   * Runs the task {@code build} makes over all its blocks and returns the merged part. The values
   * the task shares between its runs are made with the given {@link Sharing}; they live until
   * this call returns.
   *
   * @param description what the task does, for job names (e.g. the Spark UI)
   */
  <P> P run(String description, Function<Sharing, BlockTask<P>> build);

  /**
   * log p̃ and ∇log p̃ at n points the caller holds.
   *
   * @param points n×D row-major
   * @param logDensity receives log p̃ at each point (n)
   * @param scores receives ∇log p̃ at each point (n×D row-major)
   */
  default void evaluate(double[] points, int n, double[] logDensity, double[] scores) {
    int dim = dim();
    Ranges values = run("target at " + n + " points", sharing -> new EvaluateTask(
        sharing.share(java.util.Arrays.copyOf(points, n * dim), 8L * n * dim), n, dim));
    values.copyInto(0, logDensity, 1);
    values.copyInto(1, scores, dim);
  }

  /**
   * log p̃ alone at n points the caller holds (e.g. at a fit's output draws, for lp__ and the
   * PSIS k̂). The default evaluates the scores too and drops them; counted as n evaluations.
   */
  default void logDensities(double[] points, int n, double[] logDensity) {
    evaluate(points, n, logDensity, new double[n * dim()]);
  }

  /**
   * What the fit is doing, for the evaluations that follow (e.g. "iteration 3"): a distributed
   * evaluator names its jobs with it (the Spark UI then shows the fit's progress). No-op here.
   */
  default void stage(String description) {}

  /** D, the dimension of the target it evaluates. */
  int dim();

  /** Number of (log density, score) evaluations made so far. */
  long evaluations();
}
