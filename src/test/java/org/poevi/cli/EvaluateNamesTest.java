package org.poevi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.targets.Target;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.Prior;
import org.poevi.targets.glm.RegressionTarget;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * {@code evaluate} scores a model saved by a Spark ML Estimator (coefficients named after the
 * feature columns) against a data-file target (beta[1..P]): the target takes the model's names
 * only when they are exactly intercept and the file's predictor columns in order.
 */
class EvaluateNamesTest {
  private static final DataFile FILE = new DataFile("rows.csv", "y", List.of("age", "dose"),
      true, DataFile.ResponseKind.BINARY);

  private static RegressionTarget target() {
    Prior[] priors = {Prior.normal(0, 10), Prior.normal(0, 2.5), Prior.normal(0, 2.5)};
    return new RegressionTarget(RegressionTarget.Family.LOGISTIC,
        InMemoryRowData.of(new SyntheticLogisticData(50, 2, true, 1), 1), true, priors, null);
  }

  @Test
  void theFilesColumnNamesAreTaken() {
    RegressionTarget target = target();
    List<String> names = List.of("intercept", "age", "dose");
    Target named = EvaluateCommand.namedAsModel(target, List.of(FILE), names);
    assertEquals(names, named.parameterNames());
    double[] z = {0.1, -0.2, 0.3};
    assertEquals(target.logDensity(z, new double[3]), named.logDensity(z, new double[3]));
  }

  @Test
  void otherNamesLeaveTheTargetAsItIs() {
    RegressionTarget target = target();
    for (List<String> names : List.of(List.of("intercept", "dose", "age"),
        List.of("intercept", "beta[1]", "beta[2]"), List.of("a", "age", "dose"))) {
      assertSame(target, EvaluateCommand.namedAsModel(target, List.of(FILE), names));
    }
    assertSame(target, EvaluateCommand.namedAsModel(target, List.of(), List.of("intercept",
        "age", "dose")));
  }
}
