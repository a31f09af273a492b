package org.poevi.ml;

import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.poevi.family.FittedModel;
import org.poevi.targets.glm.RegressionTarget;

/**
 * Bayesian Poisson regression, y ~ Poisson(exp(α + xᵀβ (+ offset))), as a spark.ml
 * Estimator: the posterior of (intercept, coefficients) over every row of the DataFrame (counts
 * in the label column, the log of an exposure as the offset).
 */
public final class BayesianPoissonRegression extends
    BayesianRegression<BayesianPoissonRegressionModel, BayesianPoissonRegression> {
  private static final long serialVersionUID = 1L;

  public BayesianPoissonRegression(String uid) {
    super(uid);
  }

  public BayesianPoissonRegression() {
    this(Identifiable.randomUID("bayesPoissonReg"));
  }

  @Override
  RegressionTarget.Family family() {
    return RegressionTarget.Family.POISSON;
  }

  @Override
  BayesianPoissonRegressionModel model(String uid, FittedModel posterior, String summaryJson) {
    return new BayesianPoissonRegressionModel(uid, posterior, summaryJson);
  }

  public static MLReader<BayesianPoissonRegression> read() {
    return new DefaultParamsReader<>();
  }

  public static BayesianPoissonRegression load(String path) {
    return read().load(path);
  }
}
