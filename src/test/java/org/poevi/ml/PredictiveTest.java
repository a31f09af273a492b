package org.poevi.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.statistics.descriptive.Quantile;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.family.SampleOptions;
import org.poevi.results.SampleOutcome;

/**
 * transform's columns equal a direct computation from the same posterior draws (the model's
 * {@code predictiveDraws} draws with its seed): the mean and sd of E[y | x, θ_s] over the draws,
 * the central interval by Commons Statistics' quantiles (Hyndman–Fan type 7, the linear
 * interpolation transform uses), and for the logistic model the probability vector [1 − p, p].
 * The only difference allowed is rounding (a relative 1e-12: the sums run in the same order
 * but the quantiles are computed by another implementation).
 */
class PredictiveTest {
  private static final double ROUNDING = 1e-12;

  /** E[y | x, θ] of each draw. */
  private static double[] means(String family, double[] draws, int dim, boolean intercept,
      int features, Vector x, double offset) {
    int s = draws.length / dim;
    double[] m = new double[s];
    int first = intercept ? 1 : 0;
    for (int i = 0; i < s; i++) {
      double eta = (intercept ? draws[i * dim] : 0) + offset;
      for (int j = 0; j < features; j++) {
        eta += draws[i * dim + first + j] * x.apply(j);
      }
      m[i] = switch (family) {
        case "logistic" -> 1 / (1 + Math.exp(-eta));
        case "poisson" -> Math.exp(eta);
        default -> eta;
      };
    }
    return m;
  }

  private static void assertClose(double expected, double actual, String what) {
    assertEquals(expected, actual, ROUNDING * Math.max(1, Math.abs(expected)), what);
  }

  /** Every row of the transformed frame against the direct computation. */
  private static void check(String family, BayesianRegressionModel<?> model, Dataset<Row> out,
      String offsetCol) {
    int s = model.getPredictiveDraws();
    double[] draws = SampleOutcome.of(model.fittedModel(), SampleOptions.builder().draws(s)
        .seed(model.getSeed()).build(), null, 0).draws();
    int dim = model.fittedModel().dim();
    int features = model.coefficients().size();
    double level = model.getIntervalLevel();
    Quantile quantile = Quantile.withDefaults().with(Quantile.EstimationMethod.HF7);
    List<Row> rows = out.collectAsList();
    assertTrue(rows.size() > 100);
    for (Row row : rows) {
      double offset = offsetCol == null ? 0 : row.<Double>getAs(offsetCol);
      double[] m = means(family, draws, dim, model.hasIntercept(), features,
          row.getAs("features"), offset);
      double mean = Arrays.stream(m).sum() / s;
      double sd = Math.sqrt(Arrays.stream(m).map(v -> (v - mean) * (v - mean)).sum() / (s - 1));
      double[] q = quantile.evaluate(m, (1 - level) / 2, (1 + level) / 2);
      assertClose(mean, row.getAs(model.getPredictionCol()), "mean");
      assertClose(sd, row.getAs(model.getPredictionSdCol()), "sd");
      assertClose(q[0], row.getAs(model.getLowerCol()), "lower");
      assertClose(q[1], row.getAs(model.getUpperCol()), "upper");
      if (model instanceof BayesianLogisticRegressionModel logistic) {
        Vector p = row.getAs(logistic.getProbabilityCol());
        assertClose(mean, p.apply(1), "probability");
        assertClose(1 - mean, p.apply(0), "1 - probability");
      }
    }
  }

  @Test
  void logisticPredictionsAreTheDrawsDirectComputation() {
    Dataset<Row> frame = MlTestData.frame(MlTestData.rows("logistic", 400, 0.3,
        new double[] {1, -1, 0.5}, 21), 2);
    BayesianLogisticRegressionModel model = new BayesianLogisticRegression().setSeed(2)
        .setConfig(MlTestData.QUICK).fit(frame).setPredictiveDraws(250).setIntervalLevel(0.8);
    Dataset<Row> out = model.transform(frame);
    assertEquals(List.of("label", "features", "prediction", "prediction_sd", "prediction_lower",
        "prediction_upper", "probability"), Arrays.asList(out.columns()));
    assertEquals(model.transformSchema(frame.schema()), out.schema());
    check("logistic", model, out, null);
  }

  @Test
  void poissonPredictionsAddTheRowsOffset() {
    Dataset<Row> frame = MlTestData.frame(MlTestData.rows("poisson", 300, 0.5,
        new double[] {0.4, -0.3}, 23), 3).withColumn("exposure", functions.rand(4).plus(0.5))
        .withColumn("log_exposure", functions.log(functions.col("exposure")));
    BayesianPoissonRegressionModel model = new BayesianPoissonRegression().setSeed(4)
        .setOffsetCol("log_exposure").setConfig(MlTestData.QUICK).fit(frame)
        .setPredictiveDraws(100);
    check("poisson", model, model.transform(frame), "log_exposure");
  }

  @Test
  void linearPredictionsWithoutAnIntercept() {
    Dataset<Row> frame = MlTestData.frame(MlTestData.rows("linear", 300, 0,
        new double[] {2, -1}, 25), 2);
    BayesianLinearRegressionModel model = new BayesianLinearRegression().setSeed(6)
        .setFitIntercept(false).setConfig(MlTestData.QUICK).fit(frame).setPredictiveDraws(50)
        .setPredictionCol("yhat");
    assertEquals(List.of("beta[1]", "beta[2]", "log_sigma"), model.fittedModel().parameters());
    assertEquals(2, model.coefficients().size());
    assertEquals(0.0, model.intercept());
    check("linear", model, model.transform(frame), null);
  }

  @Test
  void badTransformInputsAreOneLineErrors() {
    Dataset<Row> frame = MlTestData.frame(MlTestData.rows("logistic", 200, 0,
        new double[] {1}, 27), 1);
    BayesianLogisticRegressionModel model = new BayesianLogisticRegression().setSeed(2)
        .setConfig(MlTestData.QUICK).fit(frame);
    InvalidInputException clash = assertThrows(InvalidInputException.class,
        () -> model.setPredictionCol("label").transform(frame));
    assertTrue(clash.getMessage().contains("\"label\" exists already"), clash.getMessage());
    model.setPredictionCol("prediction");
    InvalidInputException missing = assertThrows(InvalidInputException.class,
        () -> model.transform(frame.drop("features")));
    assertTrue(missing.getMessage().startsWith("featuresCol: no column \"features\""),
        missing.getMessage());
    Dataset<Row> wider = MlTestData.frame(MlTestData.rows("logistic", 20, 0,
        new double[] {1, 2}, 27), 1);
    Exception size = assertThrows(Exception.class, () -> model.transform(wider).collectAsList());
    assertTrue(String.valueOf(size.getMessage()).contains("featuresCol: a row has 2 features,"
        + " the model 1"), size.getMessage());
  }
}
