/**
 * What a fit, a sample or an evaluation produced, and how it is shown and saved: {@link
 * org.poevi.results.FitOutcome} (a fit's result with its draws) with its summary.json ({@code
 * FitSummary}), console table and lines ({@code FitTable}) and files ({@code FitFiles});
 * {@link org.poevi.results.SampleOutcome}; {@link org.poevi.results.Evaluate} and its metrics
 * ({@link org.poevi.results.Evaluation}); progress on a console ({@link
 * org.poevi.results.ConsoleProgress}).
 *
 * <p>Depends on: {@code config}, {@code fit}, {@code plot}, {@code evaluator}, {@code targets},
 * {@code family}, {@code io}, {@code math}. Never on Spark.
 *
 * <p>Add here: a new output of a fit (a field of summary.json in {@code FitSummary}, a file in
 * {@code FitFiles}), a new metric (in {@code Evaluation}).
 */
package org.poevi.results;
