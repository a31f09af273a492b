"""The wrappers' Params are the Java stages' own: names, defaults and docs, and values reach Java."""
import numpy as np
import pytest
from pyspark.ml.linalg import Vectors

from conftest import LIGHT
from poevi import ml

ESTIMATORS = [ml.BayesianLinearRegression, ml.BayesianLogisticRegression,
              ml.BayesianPoissonRegression, ml.PoeviEstimator]


def java_params(java_stage):
    """{name: (doc, default or None)} of a Java stage."""
    out = {}
    for param in java_stage.params():
        default = java_stage.getDefault(param)
        out[param.name()] = (param.doc(), default.get() if default.isDefined() else None)
    return out


def python_params(stage):
    return {p.name: (p.doc, stage._defaultParamMap.get(p)) for p in stage.params}


def assert_same_params(stage, java_stage):
    java = java_params(java_stage)
    python = python_params(stage)
    assert sorted(python) == sorted(java)
    for name, (doc, default) in java.items():
        assert python[name][0] == doc, name
        assert python[name][1] == default, name


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_estimator_params_match_java(spark, cls):
    stage = cls()
    java_stage = getattr(spark._jvm.org.poevi.ml, cls.__name__)()
    assert_same_params(stage, java_stage)


@pytest.fixture(scope="module")
def fitted(spark):
    """One fitted model of each regression, on 200 rows of its own family."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 2))
    eta = 0.5 + x @ np.array([0.7, -0.4])
    labels = {
        ml.BayesianLinearRegression: eta + rng.normal(scale=0.5, size=200),
        ml.BayesianLogisticRegression: (rng.uniform(size=200) < 1 / (1 + np.exp(-eta))) * 1.0,
        ml.BayesianPoissonRegression: rng.poisson(np.exp(eta)) * 1.0,
    }
    models = {}
    for cls, y in labels.items():
        df = spark.createDataFrame([(float(y[i]), Vectors.dense(x[i])) for i in range(200)],
                                   ["label", "features"])
        models[cls] = cls(config=LIGHT, seed=5).fit(df)
    return models


def test_model_params_match_java(fitted):
    for estimator, model in fitted.items():
        assert type(model).__name__ == estimator.__name__ + "Model"
        assert_same_params(model, model._java_obj)


def test_values_reach_java(spark, assembled):
    stage = ml.BayesianLogisticRegression(labelCol="label", coefficientPrior="normal(0, 2.5)",
                                          interceptPrior="student_t(3, 0, 10)", seed=123456789012,
                                          intervalLevel=0.8, predictiveDraws=50,
                                          standardization=False, weightCol="w")
    stage.setProbabilityCol("p").setConfig("fit.iterations = 3")
    java = stage._to_java()
    assert java.getCoefficientPrior() == "normal(0, 2.5)"
    assert java.getInterceptPrior() == "student_t(3, 0, 10)"
    assert java.getSeed() == 123456789012  # a long beyond 32 bits
    assert java.getIntervalLevel() == 0.8 and java.getPredictiveDraws() == 50
    assert java.getStandardization() is False and java.getWeightCol() == "w"
    assert java.getProbabilityCol() == "p" and java.getConfig() == "fit.iterations = 3"
    assert stage.getSeed() == 123456789012 and stage.getWeightCol() == "w"


def test_setters_and_getters_cover_every_param():
    for cls in ESTIMATORS + [ml.BayesianLogisticRegressionModel, ml.PoeviModel]:
        for param in cls().params if cls in ESTIMATORS else []:
            suffix = param.name[0].upper() + param.name[1:]
            assert callable(getattr(cls, "get" + suffix)), (cls, param.name)
            assert callable(getattr(cls, "set" + suffix)), (cls, param.name)


def test_copy_keeps_params(spark):
    stage = ml.BayesianPoissonRegression(offsetCol="log_exposure", seed=9)
    copy = stage.copy({stage.seed: 10})
    assert copy.getOffsetCol() == "log_exposure" and copy.getSeed() == 10
    assert stage.getSeed() == 9
    assert copy._to_java().getSeed() == 10
