package org.poevi.ml;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;

/**
 * Bad DataFrames and Params: a one-line InvalidInputException (no SparkException around it)
 * that names the Param, the column and, where that is cheap, the row; raised before any fit.
 */
class BadInputTest {
  /** Rows (label, features, w) with the given labels and second feature values. */
  private static Dataset<Row> frame(Double[] labels, double[] x2, double[] weights) {
    StructType schema = new StructType().add("label", DataTypes.DoubleType)
        .add("features", SQLDataTypes.VectorType()).add("w", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      rows.add(RowFactory.create(labels[i], Vectors.dense(0.1 * i, x2[i]), weights[i]));
    }
    return MlTestData.session().createDataFrame(rows, schema).coalesce(1);
  }

  private static Dataset<Row> good() {
    int n = 8;
    Double[] labels = new Double[n];
    double[] x2 = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (double) (i % 2);
      x2[i] = i % 3;
      w[i] = 1;
    }
    return frame(labels, x2, w);
  }

  private static void assertOneLine(String expected, BayesianRegression<?, ?> estimator,
      Dataset<Row> frame) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> estimator.fit(frame));
    String message = e.getMessage();
    assertFalse(message.contains("\n"), message);
    assertTrue(message.contains(expected), "expected \"" + expected + "\" in: " + message);
  }

  private static Dataset<Row> changed(int row, Function<Row, Row> change) {
    List<Row> rows = new ArrayList<>(good().collectAsList());
    rows.set(row, change.apply(rows.get(row)));
    return MlTestData.session().createDataFrame(rows, good().schema()).coalesce(1);
  }

  @Test
  void badColumnsAndRowsNameTheParamAndTheRow() {
    BayesianLogisticRegression logistic = new BayesianLogisticRegression()
        .setConfig(MlTestData.QUICK);
    assertOneLine("labelCol: no column \"y\"", logistic.copy(
        org.apache.spark.ml.param.ParamMap.empty()).setLabelCol("y"), good());
    assertOneLine("featuresCol", logistic, good().withColumn("features", functions.lit(1.0)));
    assertOneLine("labelCol", logistic, good().withColumn("label", functions.lit("yes")));
    assertOneLine("labelCol", logistic, changed(3, r -> RowFactory.create(null, r.get(1),
        r.get(2))));
    assertOneLine("labelCol", logistic, changed(2, r -> RowFactory.create(2.0, r.get(1),
        r.get(2))));
    assertOneLine("featuresCol", logistic, changed(5, r -> RowFactory.create(r.get(0),
        Vectors.dense(0, Double.NaN), r.get(2))));
    assertOneLine("featuresCol", logistic, changed(5, r -> RowFactory.create(r.get(0),
        Vectors.dense(0, Double.POSITIVE_INFINITY), r.get(2))));
    assertOneLine("featuresCol", logistic, changed(1, r -> RowFactory.create(r.get(0),
        Vectors.dense(1, 2, 3), r.get(2))));
    assertOneLine("featuresCol", logistic, changed(1, r -> RowFactory.create(r.get(0),
        null, r.get(2))));
    assertOneLine("weightCol", logistic.copy(org.apache.spark.ml.param.ParamMap.empty())
        .setWeightCol("w"), changed(4, r -> RowFactory.create(r.get(0), r.get(1), -1.0)));
    assertOneLine("has no rows", logistic, good().limit(0));
    BayesianPoissonRegression poisson = new BayesianPoissonRegression()
        .setConfig(MlTestData.QUICK);
    assertOneLine("labelCol", poisson, changed(6, r -> RowFactory.create(-1.0, r.get(1),
        r.get(2))));
    assertOneLine("labelCol", poisson, changed(6, r -> RowFactory.create(1.5, r.get(1),
        r.get(2))));
  }

  @Test
  void badParamsAreOneLineErrors() {
    assertOneLine("coefficientPrior", new BayesianLogisticRegression()
        .setCoefficientPrior("normal(0)"), good());
    assertOneLine("interceptPrior", new BayesianLogisticRegression()
        .setInterceptPrior("gamma(1, 1)"), good());
    assertOneLine("sigmaPrior", new BayesianLinearRegression().setSigmaPrior("normal(0, 1)"),
        good());
    assertOneLine("fit.iteratons", new BayesianLogisticRegression()
        .setConfig("fit.iteratons = 3"), good());
    assertOneLine("fit.seed is the seed Param", new BayesianLogisticRegression()
        .setConfig("fit { seed = 3 }"), good());
    assertOneLine("remove the target block", new BayesianLogisticRegression()
        .setConfig("target.type = banana"), good());
    assertOneLine("fit.iterations", new BayesianLogisticRegression()
        .setConfig("fit.iterations = many"), good());
    assertOneLine("config", new BayesianLogisticRegression().setConfig("fit {"), good());
  }
}
