package org.poevi.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.InvalidInputException;
import org.poevi.family.GaussianModel;
import org.poevi.family.PoeModel;
import org.poevi.results.JsonOutput;

/**
 * A fitted model's API: posterior means of the coefficients and intercept (summary.json's),
 * draws as a DataFrame with named columns, any fit method through {@code config} (a Gaussian
 * posterior saves, loads and predicts the same way), copies with extra Params, save/load of a
 * lone model, and a directory that is not a saved model.
 */
class ModelApiTest {
  @TempDir
  Path dir;

  private static Dataset<Row> linearFrame() {
    return MlTestData.frame(MlTestData.rows("linear", 300, 1.5, new double[] {2, -1}, 51), 2);
  }

  @Test
  void coefficientsInterceptAndDraws() {
    BayesianLinearRegressionModel model = new BayesianLinearRegression().setSeed(3)
        .setConfig(MlTestData.QUICK).fit(linearFrame());
    assertTrue(model.fittedModel() instanceof PoeModel);
    assertEquals(List.of("intercept", "beta[1]", "beta[2]", "log_sigma"),
        model.fittedModel().parameters());
    var parameters = model.summary().path("parameters");
    assertEquals(parameters.path("intercept").path("mean").asDouble(), model.intercept());
    Vector b = model.coefficients();
    assertEquals(2, b.size());
    assertEquals(parameters.path("beta[1]").path("mean").asDouble(), b.apply(0));
    assertEquals(parameters.path("beta[2]").path("mean").asDouble(), b.apply(1));
    // The truth (1.5, 2, −1) within 5 posterior sds (300 rows: sds about 0.06).
    assertEquals(1.5, model.intercept(), 5 * parameters.path("intercept").path("sd").asDouble());
    assertEquals(2, b.apply(0), 5 * parameters.path("beta[1]").path("sd").asDouble());
    Dataset<Row> draws = model.draws(500, 7);
    assertEquals(List.of("intercept", "beta[1]", "beta[2]", "log_sigma", "lq__"),
        Arrays.asList(draws.columns()));
    assertEquals(500, draws.count());
    assertEquals(draws.collectAsList(), model.draws(500, 7).collectAsList(), "seeded");
    assertThrows(InvalidInputException.class, () -> model.draws(0, 1));
  }

  @Test
  void aGaussianFitSavesLoadsAndPredicts() throws Exception {
    Dataset<Row> frame = linearFrame();
    BayesianLinearRegressionModel model = new BayesianLinearRegression().setSeed(3)
        .setConfig("fit.method = advi-fullrank\nfit.advi.iterations = 2000").fit(frame).setPredictiveDraws(100);
    assertTrue(model.fittedModel() instanceof GaussianModel);
    assertEquals("advi-fullrank", model.summary().path("fit").path("method").asText());
    String path = dir.resolve("gaussian").toString();
    model.write().save(path);
    BayesianLinearRegressionModel back = BayesianLinearRegressionModel.load(path);
    assertTrue(back.fittedModel() instanceof GaussianModel);
    assertEquals(JsonOutput.text(model.fittedModel().toJson()),
        JsonOutput.text(back.fittedModel().toJson()));
    assertEquals(model.transform(frame).collectAsList(), back.transform(frame).collectAsList());
  }

  @Test
  void copiesTakeExtraParamsAndLoneModelsRoundTrip() throws Exception {
    Dataset<Row> frame = MlTestData.frame(MlTestData.rows("logistic", 300, 0, new double[] {1},
        53), 2);
    BayesianLogisticRegressionModel model = new BayesianLogisticRegression().setSeed(4)
        .setConfig(MlTestData.QUICK).setProbabilityCol("p").fit(frame);
    assertEquals("p", model.getProbabilityCol(), "the estimator's Params reach the model");
    BayesianLogisticRegressionModel copy = model.copy(new ParamMap().put(
        model.predictiveDraws().w(20)));
    assertEquals(20, copy.getPredictiveDraws());
    assertEquals(1000, model.getPredictiveDraws());
    assertEquals(model.parent(), copy.parent());
    String path = dir.resolve("lone").toString();
    copy.write().save(path);
    BayesianLogisticRegressionModel back = BayesianLogisticRegressionModel.load(path);
    assertEquals(copy.uid(), back.uid());
    assertEquals("p", back.getProbabilityCol());
    assertEquals(copy.transform(frame).collectAsList(), back.transform(frame).collectAsList());
    InvalidInputException wrongKind = assertThrows(InvalidInputException.class,
        () -> BayesianLogisticRegressionModel.load(dir.resolve("nothing").toString()));
    assertTrue(wrongKind.getMessage().contains("nothing"), wrongKind.getMessage());
    InvalidInputException otherClass = assertThrows(InvalidInputException.class,
        () -> BayesianPoissonRegressionModel.load(path));
    assertTrue(otherClass.getMessage().contains("BayesianLogisticRegressionModel"),
        otherClass.getMessage());
  }
}
