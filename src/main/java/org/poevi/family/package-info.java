/**
 * The variational families and what can be done with a fitted one, without any target: the
 * product of multivariate-t experts ({@link org.poevi.family.ProductOfExperts}, {@link
 * org.poevi.family.Expert}), its Feynman/Dirichlet sampler with exact and SIR modes ({@link
 * org.poevi.family.FeynmanSampler}, {@link org.poevi.family.ValidatedSampler}), its validated
 * log-normaliser, the Gaussian of the baselines, and {@link org.poevi.family.FittedModel}, the
 * sealed type of a fitted model, with model.json ({@link org.poevi.family.ModelJson}, SPEC §7).
 *
 * <p>Depends on: {@code math}, {@code io}.
 *
 * <p>Add here: a new variational family (a record implementing {@code FittedModel}, its JSON
 * form in {@code ModelJson}, its sampler).
 */
package org.poevi.family;
