/**
 * How the target's evaluations run: a {@link org.poevi.evaluator.ScoreEvaluator} runs {@link
 * org.poevi.evaluator.BlockTask}s, pieces of work over fixed blocks of points written once in
 * the fit layer, and merges their parts. {@link org.poevi.evaluator.LocalScoreEvaluator} runs
 * them on this JVM's threads; the Spark evaluator ({@code spark}) over partitions, bit for bit
 * the same. Values a task shares travel as {@link org.poevi.evaluator.Shared}.
 *
 * <p>Depends on: {@code targets}, {@code math}.
 *
 * <p>Add here: a new way to run tasks (it implements {@code ScoreEvaluator} and only ships and
 * merges). A new kind of distributed work is a {@code BlockTask} in the layer that needs it.
 */
package org.poevi.evaluator;
