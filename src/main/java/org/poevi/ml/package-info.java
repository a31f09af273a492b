/**
 * Spark ML stages: Bayesian regressions as {@code Estimator}s over any DataFrame ({@link
 * org.poevi.ml.BayesianLinearRegression}, {@link
 * org.poevi.ml.BayesianLogisticRegression}, {@link
 * org.poevi.ml.BayesianPoissonRegression}) whose models hold the posterior, transform with
 * its predictive, and save and load with MLlib's metadata and {@code model.json}; and {@link
 * org.poevi.ml.PoeviEstimator}, the posterior of a user's {@link org.poevi.ml.RowModel} (its
 * prior and blocked likelihood) over a DataFrame's rows.
 *
 * <p>Depends on: {@code spark} (rows cached on the executors), {@code results}, {@code config},
 * {@code fit}, {@code evaluator}, {@code targets.glm}, {@code family}; Spark ML.
 *
 * <p>Add here: a new Spark ML stage (an estimator, its model and its reader). A user's own
 * likelihood over a DataFrame needs no change here: a {@code RowModel} class in a jar
 * (docs/user-targets.md).
 */
package org.poevi.ml;
