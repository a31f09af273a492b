/**
 * The classic posteriors of posteriordb (eight schools, AR(K), GARCH(1,1), GP Poisson
 * regression, a normal mixture), each with its analytic log density and gradient, read from
 * posteriordb's data.json and matching its unconstrained parameterisation, so that its NUTS
 * reference draws score the fit (conf/posteriordb).
 *
 * <p>Depends on: {@code targets}, {@code math}, {@code io}.
 *
 * <p>Add here: a new posteriordb model (a class implementing {@code Target} with its data
 * reader, its type in {@code config.TargetReader} and {@code PosteriorDbTargetReader} and
 * conf/reference-targets.conf, a test against its
 * reference draws).
 */
package org.poevi.targets.posteriordb;
