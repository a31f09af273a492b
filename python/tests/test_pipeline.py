"""A Pipeline with the wrappers fits, and saves and loads across Python and Java."""
import json

import numpy as np
import pytest
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.feature import VectorAssembler

from conftest import LIGHT, uri
from poevi import ml

PREDICTIVE = ["prediction", "prediction_sd", "prediction_lower", "prediction_upper"]


@pytest.fixture(scope="module")
def pipeline_model(logistic_df):
    assembler = VectorAssembler(inputCols=["age", "score", "wait"], outputCol="features")
    lr = ml.BayesianLogisticRegression(coefficientPrior="normal(0, 2.5)",
                                       interceptPrior="normal(0, 10)", config=LIGHT, seed=11,
                                       predictiveDraws=200)
    return Pipeline(stages=[assembler, lr]).fit(logistic_df)


def predictions(frame):
    """The predictive columns, row by row (the probability as its p)."""
    rows = frame.orderBy("age", "score").collect()
    return np.array([[r[c] for c in PREDICTIVE] + [r["probability"][1]] for r in rows])


def test_fitted_stage_is_the_wrapper(pipeline_model):
    model = pipeline_model.stages[-1]
    assert isinstance(model, ml.BayesianLogisticRegressionModel)
    assert model.parameter_names == ["intercept", "age", "score", "wait"]
    assert len(model.coefficients) == 3
    # The ML attributes name the coefficients; the posterior mean of age's is near the truth.
    assert abs(model.coefficients[0] - 0.05) < 0.05
    assert model.hasIntercept and model.getPredictiveDraws() == 200


def test_python_save_java_load(pipeline_model, logistic_df, spark, tmp_path):
    path = uri(tmp_path / "py-saved")
    pipeline_model.write().overwrite().save(path)
    java = spark._jvm.org.apache.spark.ml.PipelineModel.load(path)
    stage = java.stages()[1]
    assert stage.getClass().getName() == "org.poevi.ml.BayesianLogisticRegressionModel"
    assert stage.getPredictiveDraws() == 200
    from pyspark.sql import DataFrame

    java_out = DataFrame(java.transform(logistic_df._jdf), spark)
    np.testing.assert_array_equal(predictions(java_out),
                                  predictions(pipeline_model.transform(logistic_df)))
    model_json = json.loads((tmp_path / "py-saved" / "stages").glob("1_*").__next__()
                            .joinpath("model.json").read_text())
    assert model_json["parameters"] == ["intercept", "age", "score", "wait"]


def test_java_save_python_load(pipeline_model, logistic_df, spark, tmp_path):
    path = uri(tmp_path / "java-saved")
    pipeline_model._to_java().write().overwrite().save(path)
    loaded = PipelineModel.load(path)
    stage = loaded.stages[-1]
    assert isinstance(stage, ml.BayesianLogisticRegressionModel)
    assert stage.uid == pipeline_model.stages[-1].uid
    assert stage.getPredictiveDraws() == 200
    np.testing.assert_array_equal(predictions(loaded.transform(logistic_df)),
                                  predictions(pipeline_model.transform(logistic_df)))
    assert stage.summary().equals(pipeline_model.stages[-1].summary())


def test_stage_save_load_each_way(pipeline_model, spark, tmp_path):
    model = pipeline_model.stages[-1]
    model.write().overwrite().save(uri(tmp_path / "m"))
    again = ml.BayesianLogisticRegressionModel.load(uri(tmp_path / "m"))
    assert again.model_json() == model.model_json()
    java = spark._jvm.org.poevi.ml.BayesianLogisticRegressionModel.load(uri(tmp_path / "m"))
    assert java.fittedModel().toJson().toString() == model.model_json()
    estimator = ml.BayesianLogisticRegression(coefficientPrior="cauchy(0, 1)", seed=4)
    estimator.save(uri(tmp_path / "e"))
    java_estimator = spark._jvm.org.poevi.ml.BayesianLogisticRegression.load(uri(tmp_path / "e"))
    assert java_estimator.getCoefficientPrior() == "cauchy(0, 1)"
    assert ml.BayesianLogisticRegression.load(uri(tmp_path / "e")).getSeed() == 4


def test_unfitted_pipeline_round_trips(tmp_path):
    lr = ml.BayesianPoissonRegression(offsetCol="log_exposure", config=LIGHT)
    pipeline = Pipeline(stages=[VectorAssembler(inputCols=["a"], outputCol="features"), lr])
    pipeline.save(uri(tmp_path / "p"))
    stage = Pipeline.load(uri(tmp_path / "p")).getStages()[-1]
    assert isinstance(stage, ml.BayesianPoissonRegression)
    assert stage.getOffsetCol() == "log_exposure" and stage.getConfig() == LIGHT


def test_transform_columns(pipeline_model, logistic_df):
    out = pipeline_model.transform(logistic_df)
    values = predictions(out)
    assert np.all(np.isfinite(values))
    mean, sd, lower, upper, p = values.T
    assert np.all((lower <= mean) & (mean <= upper) & (sd > 0))
    np.testing.assert_array_equal(mean, p)  # E[y | x] of a logistic model is its probability
