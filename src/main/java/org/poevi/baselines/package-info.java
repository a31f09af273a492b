/**
 * The Gaussian baselines of SPEC §8, on the same targets, evaluators and outputs as the product
 * of experts: ADVI ({@link org.poevi.baselines.Advi}, written once against a {@link
 * org.poevi.baselines.GaussianFamily}: full rank or mean field) and BaM ({@link
 * org.poevi.baselines.Bam}). Each is a {@code fit.Fitter} that returns a {@code
 * fit.GaussianResult}.
 *
 * <p>Depends on: {@code fit}, {@code evaluator}, {@code family}, {@code targets}, {@code math}.
 *
 * <p>Add here: a new baseline (a class implementing {@code Fitter}, its settings record, a
 * constant of {@code config.FitMethod} and its {@code fit.<name>} block in
 * conf/reference.conf).
 */
package org.poevi.baselines;
