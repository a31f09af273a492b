/**
 * The configuration (HOCON): {@link org.poevi.config.FitConfig} reads a file or text with
 * overrides over conf/reference.conf, checks every key (unknown keys, keys that moved, keys of
 * another method or objective; {@code ConfigKeys}) and makes the validated settings records;
 * {@link org.poevi.config.FitMethod} maps each {@code fit.method} to its fitter; {@link
 * org.poevi.config.TargetReader} builds the target a {@code target} block names.
 *
 * <p>Depends on: {@code fit}, {@code baselines}, {@code qp}, {@code targets} (all three),
 * {@code family}, {@code io}, {@code math}; Typesafe Config.
 *
 * <p>Add here: a new key (in conf/reference.conf, read into its block's record), a new fit
 * method (a constant of {@code FitMethod}), a new target type (its name and keys in
 * {@code TargetReader}, its reading in {@code SyntheticTargetReader}, {@code
 * RegressionTargetReader} or {@code PosteriorDbTargetReader}, and conf/reference-targets.conf).
 */
package org.poevi.config;
