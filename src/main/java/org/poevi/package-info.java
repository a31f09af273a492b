/**
 * poevi: a posterior, or any density known up to a constant, fitted by a product of
 * multivariate-t experts with score-based variational inference (SPEC §1–§9).
 *
 * <p>Entry points: {@link org.poevi.spark.Poevi} for notebooks and programs, {@link
 * org.poevi.cli.Main} for the command line ({@code jobs/poevi}, {@code jobs/submit}). The
 * packages form layers, each depending only on those below it (ArchitectureTest enforces this;
 * docs/architecture.md is the map):
 *
 * <pre>
 *   math ← io ← family ← targets ← targets.glm, targets.posteriordb ← evaluator ← qp ← fit
 *        ← baselines ← plot ← config ← results ← spark ← cli
 * </pre>
 *
 * This package holds only {@link org.poevi.InvalidInputException}, the one-line user error every
 * layer throws.
 */
package org.poevi;
