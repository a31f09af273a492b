/**
 * Regressions over data rows (SPEC §5): {@link org.poevi.targets.glm.RegressionTarget} (linear,
 * logistic, Poisson), its blocked likelihood kernels (dgemm over row blocks, elementwise terms
 * with vectorised and scalar paths that give the same bits), the priors ({@link
 * org.poevi.targets.glm.Prior}), and the rows ({@link org.poevi.targets.glm.RowData}: in memory
 * here, on Spark executors in {@code spark}; a data file's description, synthetic data).
 *
 * <p>Depends on: {@code targets}, {@code math}, {@code io}.
 *
 * <p>Add here: a new GLM family (its likelihood extending {@code GlmLikelihood} with its
 * elementwise terms, a constant of {@code RegressionTarget.Family}) or a new prior.
 */
package org.poevi.targets.glm;
