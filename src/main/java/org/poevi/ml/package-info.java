/**
 * Spark ML stages: Bayesian regressions as {@code Estimator}s over any DataFrame ({@link
 * org.poevi.ml.BayesianLinearRegression}, {@link
 * org.poevi.ml.BayesianLogisticRegression}, {@link
 * org.poevi.ml.BayesianPoissonRegression}) whose models hold the posterior, transform with
 * its predictive, and save and load with MLlib's metadata and {@code model.json}.
 *
 * <p>Depends on: {@code spark} (rows cached on the executors), {@code results}, {@code config},
 * {@code fit}, {@code evaluator}, {@code targets.glm}, {@code family}; Spark ML.
 *
 * <p>Add here: a new Spark ML stage (an estimator, its model and its reader).
 */
package org.poevi.ml;
