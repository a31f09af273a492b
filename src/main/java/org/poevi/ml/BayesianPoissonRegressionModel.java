package org.poevi.ml;

import org.apache.spark.ml.util.MLReader;
import org.poevi.family.FittedModel;
import org.poevi.targets.glm.RegressionTarget;

/** A fitted {@link BayesianPoissonRegression}: transform adds the predictive of E[y | x]. */
public final class BayesianPoissonRegressionModel
    extends BayesianRegressionModel<BayesianPoissonRegressionModel> {
  private static final long serialVersionUID = 1L;

  BayesianPoissonRegressionModel(String uid, FittedModel posterior, String summaryJson) {
    super(uid, posterior, summaryJson);
  }

  @Override
  RegressionTarget.Family family() {
    return RegressionTarget.Family.POISSON;
  }

  @Override
  BayesianPoissonRegressionModel with(String uid, FittedModel posterior, String summaryJson) {
    return new BayesianPoissonRegressionModel(uid, posterior, summaryJson);
  }

  public static MLReader<BayesianPoissonRegressionModel> read() {
    return new RegressionModelFiles.Reader<>(BayesianPoissonRegressionModel.class,
        BayesianPoissonRegressionModel::new);
  }

  public static BayesianPoissonRegressionModel load(String path) {
    return read().load(path);
  }
}
