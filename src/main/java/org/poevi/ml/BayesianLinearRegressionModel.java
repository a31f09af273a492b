package org.poevi.ml;

import org.apache.spark.ml.util.MLReader;
import org.poevi.family.FittedModel;
import org.poevi.targets.glm.RegressionTarget;

/** A fitted {@link BayesianLinearRegression}: transform adds the predictive of E[y | x]. */
public final class BayesianLinearRegressionModel
    extends BayesianRegressionModel<BayesianLinearRegressionModel> {
  private static final long serialVersionUID = 1L;

  BayesianLinearRegressionModel(String uid, FittedModel posterior, String summaryJson) {
    super(uid, posterior, summaryJson);
  }

  @Override
  RegressionTarget.Family family() {
    return RegressionTarget.Family.LINEAR;
  }

  @Override
  BayesianLinearRegressionModel with(String uid, FittedModel posterior, String summaryJson) {
    return new BayesianLinearRegressionModel(uid, posterior, summaryJson);
  }

  public static MLReader<BayesianLinearRegressionModel> read() {
    return new RegressionModelFiles.Reader<>(BayesianLinearRegressionModel.class,
        BayesianLinearRegressionModel::new);
  }

  public static BayesianLinearRegressionModel load(String path) {
    return read().load(path);
  }
}
