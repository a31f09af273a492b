"""PoeviEstimator: a user's JVM RowModel (the Java tests' com.example.RobustRowModel, shipped in
a jar on spark.jars) fitted over a DataFrame from Python."""
import numpy as np
import pytest
from pyspark.ml.linalg import Vectors

from conftest import LIGHT, one_line, uri
from poevi import ml
from test_params import assert_same_params

ROBUST = "com.example.RobustRowModel"


@pytest.fixture(scope="module")
def rows(spark):
    """Linear rows with Student-t(4) noise: y = 1 + 2 x1 - x2 + 0.5 t_4."""
    rng = np.random.default_rng(12)
    x = rng.normal(size=(300, 2))
    y = 1 + x @ np.array([2.0, -1.0]) + 0.5 * rng.standard_t(4, size=300)
    return spark.createDataFrame([(float(y[i]), Vectors.dense(x[i])) for i in range(300)],
                                 ["label", "features"])


@pytest.fixture(scope="module")
def robust(rows):
    return ml.PoeviEstimator(modelClass=ROBUST, modelOptions="dof = 4", config=LIGHT,
                             seed=3).fit(rows)


def test_fit_and_params(robust):
    assert isinstance(robust, ml.PoeviModel)
    assert robust.parameter_names == ["intercept", "b[1]", "b[2]", "log_sigma"]
    assert_same_params(robust, robust._java_obj)
    assert robust.getModelClass() == ROBUST and robust.getSeed() == 3
    table = robust.summary("unconstrained")
    # The truth is within 4 posterior sds of each mean (300 rows: sds about 0.04).
    for name, truth in [("intercept", 1.0), ("b[1]", 2.0), ("b[2]", -1.0)]:
        assert abs(table.loc[name, "mean"] - truth) < 4 * table.loc[name, "sd"], name
    assert robust.posteriorMean("b[1]") == table.loc["b[1]", "mean"]


def test_save_load_and_draws(robust, spark, tmp_path):
    robust.write().save(uri(tmp_path / "m"))
    again = ml.PoeviModel.load(uri(tmp_path / "m"))
    assert again.model_json() == robust.model_json()
    java = spark._jvm.org.poevi.ml.PoeviModel.load(uri(tmp_path / "m"))
    assert java.fittedModel().toJson().toString() == robust.model_json()
    idata = robust.to_inference_data(500, seed=4)
    np.testing.assert_array_equal(idata.posterior["b"].values[0],
                                  robust.draws(500, seed=4)[["b[1]", "b[2]"]])


def test_bad_model_class(rows):
    with pytest.raises(ValueError) as error:
        ml.PoeviEstimator(modelClass="com.example.NoSuchModel", config=LIGHT).fit(rows)
    assert "com.example.NoSuchModel" in one_line(error.value)
    with pytest.raises(ValueError) as error:
        ml.PoeviEstimator(modelClass=ROBUST, modelOptions="dof = -1", config=LIGHT).fit(rows)
    assert "dof" in one_line(error.value)
