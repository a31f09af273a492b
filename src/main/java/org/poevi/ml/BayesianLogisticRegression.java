package org.poevi.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.poevi.family.FittedModel;
import org.poevi.targets.glm.RegressionTarget;

/**
 * Bayesian logistic regression, y ~ Bernoulli(logit⁻¹(α + xᵀβ (+ offset))), y in {0, 1}, as a
 * spark.ml Estimator: the posterior of (intercept, coefficients) over every row of the
 * DataFrame. Its model's transform adds, besides the predictive of p = P(y = 1 | x), MLlib's
 * probability column [1 − p, p].
 */
public final class BayesianLogisticRegression extends
    BayesianRegression<BayesianLogisticRegressionModel, BayesianLogisticRegression> {
  private static final long serialVersionUID = 1L;
  private final Param<String> probabilityCol = RegressionParams.probabilityCol(this);

  public BayesianLogisticRegression(String uid) {
    super(uid);
    setDefault(probabilityCol, "probability");
  }

  public BayesianLogisticRegression() {
    this(Identifiable.randomUID("bayesLogReg"));
  }

  @Override
  RegressionTarget.Family family() {
    return RegressionTarget.Family.LOGISTIC;
  }

  @Override
  BayesianLogisticRegressionModel model(String uid, FittedModel posterior, String summaryJson) {
    return new BayesianLogisticRegressionModel(uid, posterior, summaryJson);
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public String getProbabilityCol() {
    return getOrDefault(probabilityCol);
  }

  public BayesianLogisticRegression setProbabilityCol(String v) {
    set(probabilityCol, v);
    return this;
  }

  public static MLReader<BayesianLogisticRegression> read() {
    return new DefaultParamsReader<>();
  }

  public static BayesianLogisticRegression load(String path) {
    return read().load(path);
  }
}
