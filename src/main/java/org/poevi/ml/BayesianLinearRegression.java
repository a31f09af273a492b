package org.poevi.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.poevi.family.FittedModel;
import org.poevi.targets.glm.RegressionPriors;
import org.poevi.targets.glm.RegressionTarget;

/**
 * Bayesian linear regression, y ~ normal(α + xᵀβ (+ offset), σ), as a spark.ml Estimator: the
 * posterior of (intercept, coefficients, log_sigma) over every row of the DataFrame.
 */
public final class BayesianLinearRegression extends
    BayesianRegression<BayesianLinearRegressionModel, BayesianLinearRegression> {
  private static final long serialVersionUID = 1L;
  private final Param<String> sigmaPrior = RegressionParams.sigmaPrior(this);

  public BayesianLinearRegression(String uid) {
    super(uid);
    setDefault(sigmaPrior, RegressionPriors.AUTO);
  }

  public BayesianLinearRegression() {
    this(Identifiable.randomUID("bayesLinReg"));
  }

  @Override
  RegressionTarget.Family family() {
    return RegressionTarget.Family.LINEAR;
  }

  @Override
  String sigmaPriorText() {
    return getSigmaPrior();
  }

  @Override
  BayesianLinearRegressionModel model(String uid, FittedModel posterior, String summaryJson) {
    return new BayesianLinearRegressionModel(uid, posterior, summaryJson);
  }

  public Param<String> sigmaPrior() {
    return sigmaPrior;
  }

  public String getSigmaPrior() {
    return getOrDefault(sigmaPrior);
  }

  public BayesianLinearRegression setSigmaPrior(String v) {
    set(sigmaPrior, v);
    return this;
  }

  public static MLReader<BayesianLinearRegression> read() {
    return new DefaultParamsReader<>();
  }

  public static BayesianLinearRegression load(String path) {
    return read().load(path);
  }
}
