/**
 * What is fitted: the {@link org.poevi.targets.Target} contract (log p̃ and its score on R^D,
 * with parameter names and the constraining transform), batch targets ({@link
 * org.poevi.targets.BatchTarget}, evaluated a batch of points at a time), targets with exact
 * draws ({@link org.poevi.targets.ExactTarget}), the synthetic targets of SPEC §5, posteriors
 * over synthetic data generated from a seed ({@link org.poevi.targets.VaryingInterceptsTarget}),
 * and targets written in code ({@link org.poevi.targets.Targets#of}).
 *
 * <p>Depends on: {@code math}, {@code family} (the product-of-t target), {@code io}. Targets
 * named in a configuration are built in {@code config} ({@code TargetReader}).
 *
 * <p>Add here: a new synthetic target (a class implementing {@code Target}, or {@code
 * ExactTarget} when it has exact draws and a normaliser; its type and keys in {@code config}
 * ({@code TargetReader}, {@code SyntheticTargetReader}) and
 * conf/reference-targets.conf). A posterior over data rows goes to {@code targets.glm}, a
 * posteriordb model to {@code targets.posteriordb}; a user's own target is a class in a jar
 * ({@code target.type = class}, docs/user-targets.md).
 */
package org.poevi.targets;
