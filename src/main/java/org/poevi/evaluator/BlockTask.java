package org.poevi.evaluator;

import java.io.Serializable;

/**
 * A piece of an iteration's work over a fixed set of blocks of points (drawing points,
 * evaluating the target there, folding them into sums), written once and run by a
 * {@link ScoreEvaluator}: the local evaluator runs all blocks in one run over its threads, the
 * Spark evaluator one run of contiguous blocks per partition. MLlib's loss aggregators have the
 * same shape: per-run work, then an associative merge.
 *
 * <p>Contract: a block's result depends on the block index and the task's inputs only (random
 * streams keyed by purpose, iteration and block, never by run), and {@link #merge} combines the
 * parts of disjoint runs into the part of their union whatever the grouping (e.g. sums over a
 * fixed tree on the block indices, values keyed by position). So the result is bit-identical for
 * any split of the blocks.
 *
 * @param <P> the part one run produces
 */
public interface BlockTask<P> extends Serializable {
  /** Blocks of the work (0 when there is nothing to do). */
  int numBlocks();

  /** The part of the run's blocks (an empty run gives the empty part). */
  P run(BlockRun run);

  /** The part of two disjoint runs; may reuse {@code left}. */
  P merge(P left, P right);

  /** Target evaluations the whole task makes (each gives log p̃ and its score). */
  long evaluations();
}
