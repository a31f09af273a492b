"""poevi's input errors are ValueErrors with one line naming the key, column or value."""
import math

import pytest
from pyspark.ml.linalg import Vectors

import poevi
from conftest import LIGHT, one_line
from poevi import ml


def test_config_key(spark):
    with pytest.raises(ValueError) as error:
        poevi.fit("target.type = banana\nfit.iterations = -3", progress=False)
    assert "fit.iterations" in one_line(error.value)
    assert error.value.__cause__ is None and error.value.__suppress_context__


def test_config_value_and_override(spark):
    with pytest.raises(ValueError, match="target.type") as error:
        poevi.fit("target.type = bananas", progress=False)
    one_line(error.value)
    with pytest.raises(ValueError, match="key=value"):
        poevi.fit("target.type = banana", "fit.seed")
    with pytest.raises(ValueError, match="no such file"):
        poevi.fit("/no/such/dir/model.conf")


def test_missing_data_file(spark, tmp_path):
    config = ('target { type = logistic-regression, data { path = "%s", response = y, predictors = [x] } }'
              % (tmp_path / "missing.csv"))
    with pytest.raises(ValueError) as error:
        poevi.fit(config, progress=False)
    assert "missing.csv" in one_line(error.value)


def test_estimator_bad_column(assembled):
    with pytest.raises(ValueError) as error:
        ml.BayesianLogisticRegression(labelCol="outcome", config=LIGHT).fit(assembled)
    assert "outcome" in one_line(error.value)


def test_estimator_nan_label(spark):
    df = spark.createDataFrame([(1.0, Vectors.dense([0.5])), (math.nan, Vectors.dense([1.0])),
                                (0.0, Vectors.dense([2.0]))], ["label", "features"])
    with pytest.raises(ValueError) as error:
        ml.BayesianLogisticRegression(config=LIGHT).fit(df)
    assert "label" in one_line(error.value) and "NaN" in str(error.value)


def test_estimator_bad_prior(assembled):
    with pytest.raises(ValueError) as error:
        ml.BayesianLogisticRegression(coefficientPrior="normal(0)", config=LIGHT).fit(assembled)
    assert "normal(0)" in one_line(error.value)


def test_estimator_bad_config_key(assembled):
    with pytest.raises(ValueError) as error:
        ml.BayesianLogisticRegression(config="fit.batch-size = many").fit(assembled)
    assert "fit.batch-size" in one_line(error.value)


def test_sample_bad_model_files(spark, tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        poevi.sample(tmp_path / "none.json")
    bad = tmp_path / "model.json"
    bad.write_text('{"family": "product-of-t", "dimension": "two"}')
    with pytest.raises(ValueError) as error:
        poevi.sample(bad, draws=10)
    one_line(error.value)
    with pytest.raises(ValueError, match="draws"):
        poevi.sample(bad, draws=0)


def test_session_with_settings_while_running(spark):
    with pytest.raises(ValueError, match="already running"):
        poevi.session(spark_driver_memory="2g")
    assert poevi.session() is not None  # no settings: the running session
