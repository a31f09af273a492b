package org.poevi.evaluator;

/**
 * Where one run of a {@link BlockTask} happens: its contiguous blocks [first, last] (none when
 * last &lt; first), the threads it may use for its own loops, how it evaluates the target, and
 * whether its part stays on this JVM.
 *
 * @param first first block of the run
 * @param last last block of the run (inclusive)
 * @param threads threads for the run's own loops (1 in a Spark task: Spark runs one task per
 *     core already)
 * @param target evaluates the target at the run's points
 * @param local true when the part is used where it was made (the local evaluator), so it may
 *     keep what it computed for the driver instead of reducing it first; false when it travels
 *     (a Spark task's result)
 */
public record BlockRun(int first, int last, int threads, PointEvaluator target, boolean local) {
  public BlockRun {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
  }

  /** Whether the run has no block. */
  public boolean isEmpty() {
    return last < first;
  }

  /** Number of blocks in the run. */
  public int size() {
    return Math.max(0, last - first + 1);
  }
}
