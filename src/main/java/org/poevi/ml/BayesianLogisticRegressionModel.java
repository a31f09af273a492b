package org.poevi.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLReader;
import org.poevi.family.FittedModel;
import org.poevi.targets.glm.RegressionTarget;

/** A fitted {@link BayesianLogisticRegression}: transform adds the predictive of
 * p = P(y = 1 | x) and the probability column [1 − p, p]. */
public final class BayesianLogisticRegressionModel
    extends BayesianRegressionModel<BayesianLogisticRegressionModel> {
  private static final long serialVersionUID = 1L;
  private final Param<String> probabilityCol = RegressionParams.probabilityCol(this);

  BayesianLogisticRegressionModel(String uid, FittedModel posterior, String summaryJson) {
    super(uid, posterior, summaryJson);
    setDefault(probabilityCol, "probability");
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public String getProbabilityCol() {
    return getOrDefault(probabilityCol);
  }

  public BayesianLogisticRegressionModel setProbabilityCol(String v) {
    set(probabilityCol, v);
    return this;
  }

  @Override
  RegressionTarget.Family family() {
    return RegressionTarget.Family.LOGISTIC;
  }

  @Override
  BayesianLogisticRegressionModel with(String uid, FittedModel posterior, String summaryJson) {
    return new BayesianLogisticRegressionModel(uid, posterior, summaryJson);
  }

  public static MLReader<BayesianLogisticRegressionModel> read() {
    return new RegressionModelFiles.Reader<>(BayesianLogisticRegressionModel.class,
        BayesianLogisticRegressionModel::new);
  }

  public static BayesianLogisticRegressionModel load(String path) {
    return read().load(path);
  }
}
