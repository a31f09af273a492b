"""pyspark.ml wrappers of poevi's spark.ml stages (the Java package ``org.poevi.ml``).

The estimators and models run in the JVM; these classes hold the same Params (names, defaults,
docs), work inside a :class:`pyspark.ml.Pipeline`, and save and load across Python and Java
(``write().save(path)``, ``load(path)``, ``PipelineModel.load``).

>>> lr = BayesianLogisticRegression(coefficientPrior="normal(0, 2.5)", seed=7)
>>> model = Pipeline(stages=[assembler, lr]).fit(df).stages[-1]
>>> model.summary(); model.to_inference_data(); model.transform(test).show()
"""
import json
import sys

import numpy as np

from pyspark import keyword_only
from pyspark.ml.param import Param, Params, TypeConverters
from pyspark.ml.util import DefaultParamsReader, JavaMLReadable, JavaMLReader, JavaMLWritable
from pyspark.ml.wrapper import JavaEstimator, JavaModel, JavaParams

from . import _jvm
from ._results import SampleResult, _Posterior, inference_data

__all__ = [
    "BayesianLinearRegression", "BayesianLinearRegressionModel",
    "BayesianLogisticRegression", "BayesianLogisticRegressionModel",
    "BayesianPoissonRegression", "BayesianPoissonRegressionModel",
    "PoeviEstimator", "PoeviModel",
]

_JAVA_PACKAGE = "org.poevi.ml."


def _param(name, doc, converter=TypeConverters.toString):
    return Param(Params._dummy(), name, doc, typeConverter=converter)


# ---------------------------------------------------------------- Params (as org.poevi.ml's)

class _PredictiveParams(Params):
    """The Params a Bayesian regression and its model share: the features, the offset, the
    predictive's columns, level and draws, and the seed."""

    featuresCol = _param("featuresCol", "features column name (an ML vector)")
    offsetCol = _param("offsetCol", "offset column name (added to the linear predictor); unset:"
                       " no offset")
    predictionCol = _param("predictionCol", "prediction column name: the posterior predictive"
                           " mean of E[y | x]")
    predictionSdCol = _param("predictionSdCol", "column of the posterior sd of E[y | x]")
    lowerCol = _param("lowerCol", "column of the lower end of the central interval of E[y | x]")
    upperCol = _param("upperCol", "column of the upper end of the central interval of E[y | x]")
    intervalLevel = _param("intervalLevel", "probability of the central interval, in (0, 1)",
                           TypeConverters.toFloat)
    predictiveDraws = _param("predictiveDraws", "posterior draws that transform averages over"
                             " (broadcast once)", TypeConverters.toInt)
    seed = _param("seed", "random seed: one seed fixes the whole fit", TypeConverters.toInt)

    def __init__(self, *args):
        super().__init__(*args)
        self._setDefault(featuresCol="features", predictionCol="prediction",
                         predictionSdCol="prediction_sd", lowerCol="prediction_lower",
                         upperCol="prediction_upper", intervalLevel=0.9, predictiveDraws=1000,
                         seed=1)

    def getFeaturesCol(self):
        return self.getOrDefault(self.featuresCol)

    def getOffsetCol(self):
        return self.getOrDefault(self.offsetCol)

    def getPredictionCol(self):
        return self.getOrDefault(self.predictionCol)

    def getPredictionSdCol(self):
        return self.getOrDefault(self.predictionSdCol)

    def getLowerCol(self):
        return self.getOrDefault(self.lowerCol)

    def getUpperCol(self):
        return self.getOrDefault(self.upperCol)

    def getIntervalLevel(self):
        return self.getOrDefault(self.intervalLevel)

    def getPredictiveDraws(self):
        return self.getOrDefault(self.predictiveDraws)

    def getSeed(self):
        return self.getOrDefault(self.seed)

    def setFeaturesCol(self, value):
        return self._set(featuresCol=value)

    def setOffsetCol(self, value):
        return self._set(offsetCol=value)

    def setPredictionCol(self, value):
        return self._set(predictionCol=value)

    def setPredictionSdCol(self, value):
        return self._set(predictionSdCol=value)

    def setLowerCol(self, value):
        return self._set(lowerCol=value)

    def setUpperCol(self, value):
        return self._set(upperCol=value)

    def setIntervalLevel(self, value):
        return self._set(intervalLevel=value)

    def setPredictiveDraws(self, value):
        return self._set(predictiveDraws=value)

    def setSeed(self, value):
        return self._set(seed=value)


class _ConfigParam(Params):
    config = _param("config", "HOCON with any other fit key of conf/reference.conf, e.g."
                    " fit.method = advi-fullrank (no target block)")

    def __init__(self, *args):
        super().__init__(*args)
        self._setDefault(config="")

    def getConfig(self):
        return self.getOrDefault(self.config)

    def setConfig(self, value):
        return self._set(config=value)


class _RegressionParams(_PredictiveParams, _ConfigParam):
    """The Params of a Bayesian regression estimator."""

    labelCol = _param("labelCol", "label column name")
    weightCol = _param("weightCol", "weight column name (row weights, finite and >= 0); unset:"
                       " every row has weight 1")
    fitIntercept = _param("fitIntercept", "whether to fit an intercept term",
                          TypeConverters.toBoolean)
    standardization = _param("standardization", "whether to fit on centred and scaled features"
                             " (the posterior is reported exactly on the original scale)",
                             TypeConverters.toBoolean)
    exactSums = _param("exactSums", "whether the sums over rows are exact, rounded once: then a"
                       " row of weight 2 and the row twice give the same bits (slower; default"
                       " false)", TypeConverters.toBoolean)
    coefficientPrior = _param("coefficientPrior", "prior of each coefficient on the original"
                              " scale: normal(m, s), student_t(df, m, s), cauchy(m, s), flat, or"
                              " auto (data-scaled)")
    interceptPrior = _param("interceptPrior", "prior of the intercept on the original scale, as"
                            " coefficientPrior")

    def __init__(self, *args):
        super().__init__(*args)
        self._setDefault(labelCol="label", fitIntercept=True, standardization=True,
                         exactSums=False, coefficientPrior="auto", interceptPrior="auto")

    def getLabelCol(self):
        return self.getOrDefault(self.labelCol)

    def getWeightCol(self):
        return self.getOrDefault(self.weightCol)

    def getFitIntercept(self):
        return self.getOrDefault(self.fitIntercept)

    def getStandardization(self):
        return self.getOrDefault(self.standardization)

    def getExactSums(self):
        return self.getOrDefault(self.exactSums)

    def getCoefficientPrior(self):
        return self.getOrDefault(self.coefficientPrior)

    def getInterceptPrior(self):
        return self.getOrDefault(self.interceptPrior)

    def setLabelCol(self, value):
        return self._set(labelCol=value)

    def setWeightCol(self, value):
        return self._set(weightCol=value)

    def setFitIntercept(self, value):
        return self._set(fitIntercept=value)

    def setStandardization(self, value):
        return self._set(standardization=value)

    def setExactSums(self, value):
        return self._set(exactSums=value)

    def setCoefficientPrior(self, value):
        return self._set(coefficientPrior=value)

    def setInterceptPrior(self, value):
        return self._set(interceptPrior=value)


class _SigmaPriorParam(Params):
    sigmaPrior = _param("sigmaPrior", "prior of the noise scale: half_normal(s),"
                        " half_student_t(df, s), half_cauchy(s), exponential(rate), flat, or auto")

    def __init__(self, *args):
        super().__init__(*args)
        self._setDefault(sigmaPrior="auto")

    def getSigmaPrior(self):
        return self.getOrDefault(self.sigmaPrior)

    def setSigmaPrior(self, value):
        return self._set(sigmaPrior=value)


class _ProbabilityColParam(Params):
    probabilityCol = _param("probabilityCol", "column of the class probabilities [1 - p, p], p"
                            " the posterior predictive probability of y = 1")

    def __init__(self, *args):
        super().__init__(*args)
        self._setDefault(probabilityCol="probability")

    def getProbabilityCol(self):
        return self.getOrDefault(self.probabilityCol)

    def setProbabilityCol(self, value):
        return self._set(probabilityCol=value)


class _RowModelParams(_ConfigParam):
    """The Params of PoeviEstimator, which its PoeviModel keeps."""

    modelClass = _param("modelClass", "the user's model: a class implementing"
                        " org.poevi.ml.RowModel, with a public constructor taking a Config or"
                        " none")
    modelOptions = _param("modelOptions", "HOCON handed to the model's constructor that takes a"
                          " com.typesafe.config.Config (empty: none)")
    featuresCol = _PredictiveParams.featuresCol
    labelCol = _RegressionParams.labelCol
    weightCol = _param("weightCol", "weight column name (finite, >= 0), handed to the model with"
                       " each block's rows; unset: none")
    offsetCol = _param("offsetCol", "offset column name (finite), handed to the model with each"
                       " block's rows; unset: none")
    seed = _PredictiveParams.seed

    def __init__(self, *args):
        super().__init__(*args)
        self._setDefault(modelOptions="", featuresCol="features", labelCol="label", seed=1)

    getFeaturesCol = _PredictiveParams.getFeaturesCol
    getOffsetCol = _PredictiveParams.getOffsetCol
    getSeed = _PredictiveParams.getSeed
    getLabelCol = _RegressionParams.getLabelCol
    getWeightCol = _RegressionParams.getWeightCol

    def getModelClass(self):
        return self.getOrDefault(self.modelClass)

    def getModelOptions(self):
        return self.getOrDefault(self.modelOptions)


# ---------------------------------------------------------------- persistence across languages

class _PoeviMLReader(JavaMLReader):
    """Reads with the Java class of the same name in org.poevi.ml."""

    @classmethod
    def _java_loader_class(cls, clazz):
        return _JAVA_PACKAGE + clazz.__name__


class _PoeviReadable(JavaMLReadable):
    @classmethod
    def read(cls):
        return _PoeviMLReader(cls)


# pyspark finds the Python class of a saved or Java stage by its Java class name, mapping only
# org.apache.spark to pyspark. These two wrappers map org.poevi.ml to this module, so that
# Pipeline.load and PipelineModel.load (of pipelines saved from Python or Java) give this
# module's classes; every other class goes to pyspark's own code.
_pyspark_from_java = JavaParams._from_java
_pyspark_load_params_instance = DefaultParamsReader.loadParamsInstance


def _python_class(java_name):
    py_type = getattr(sys.modules[__name__], java_name[len(_JAVA_PACKAGE):], None)
    if py_type is None:
        raise ValueError(f"{java_name} has no Python wrapper in poevi.ml")
    return py_type


def _load_params_instance(path, sc):
    name = DefaultParamsReader.loadMetadata(path, sc)["class"]
    if name.startswith(_JAVA_PACKAGE):
        return _python_class(name).load(path)
    return _pyspark_load_params_instance(path, sc)


def _from_java(java_stage):
    name = java_stage.getClass().getName()
    if not name.startswith(_JAVA_PACKAGE):
        return _pyspark_from_java(java_stage)
    py_type = _python_class(name)
    stage = py_type()
    stage._java_obj = java_stage
    if issubclass(py_type, JavaModel):
        stage._create_params_from_java()
    stage._resetUid(java_stage.uid())
    stage._transfer_params_from_java()
    return stage


JavaParams._from_java = staticmethod(_from_java)
DefaultParamsReader.loadParamsInstance = staticmethod(_load_params_instance)


# ---------------------------------------------------------------- base classes

class _Estimator(JavaEstimator, JavaMLWritable, _PoeviReadable):
    def _new(self):
        self._java_obj = self._new_java_obj(_JAVA_PACKAGE + type(self).__name__, self.uid)

    def _fit(self, dataset):
        with _jvm.errors():
            return super()._fit(dataset)

    def _create_model(self, java_model):
        return self._model_class(java_model)


class _Model(JavaModel, JavaMLWritable, _PoeviReadable, _Posterior):
    """A fitted poevi model: the posterior, its summary and draws, and transform."""

    def _transform(self, dataset):
        with _jvm.errors():
            return super()._transform(dataset)

    def _spark(self):
        from pyspark.sql import SparkSession

        return _jvm.active_session(SparkSession.getActiveSession())

    def _summary_json(self):
        return json.loads(self._java_obj.summary().toString())

    def fitted_model(self):
        """The Java posterior (org.poevi.family.FittedModel), on the original scale."""
        return self._java_obj.fittedModel()

    def model_json(self):
        """model.json's text (SPEC §7): the posterior on the original scale."""
        return self._call_java("fittedModel").toJson().toString()

    @property
    def parameter_names(self):
        return list(self._java_obj.fittedModel().parameters())

    def sample(self, n=10000, seed=1):
        """``n`` draws of the posterior (all randomness from ``seed``) as a SampleResult."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        spark = self._spark()
        with _jvm.errors():
            return SampleResult(spark, _jvm.bridge(spark).sample(self.fitted_model(), n,
                                                                 int(seed)))

    def draws(self, n=10000, seed=1):
        """``n`` draws of the posterior (pandas): one column per parameter on the fitted scale
        (log_sigma for the linear model), then lq__ (log q)."""
        return self.sample(n, seed).draws()

    def draws_frame(self, n=10000, seed=1):
        """As :meth:`draws`, as a Spark DataFrame."""
        from pyspark.sql import DataFrame

        spark = self._spark()
        with _jvm.errors():
            return DataFrame(self._java_obj.draws(n, int(seed), spark._jsparkSession), spark)

    def to_inference_data(self, n=10000, seed=1):
        """ArviZ inference data of ``n`` posterior draws: one chain in ``posterior`` (the model's
        own scale added where it differs: sigma next to log_sigma), lq in ``sample_stats``."""
        table = self.draws(n, seed)
        names = self.parameter_names
        values = table[names].to_numpy()
        constrained_names, constrained = self._constrained(names, values)
        return inference_data(names, values, constrained_names, constrained,
                              lq=table["lq__"].to_numpy())

    def _constrained(self, names, values):
        """The draws on the model's own scale, where they differ (None: they do not)."""
        return None, None


class _RegressionModel(_Model, _PredictiveParams):
    @property
    def coefficients(self):
        """The posterior means of the coefficients (a DenseVector), in the features' order."""
        return self._call_java("coefficients")

    @property
    def intercept(self):
        """The posterior mean of the intercept (0 without one)."""
        return self._call_java("intercept")

    @property
    def hasIntercept(self):
        return self._call_java("hasIntercept")


# ---------------------------------------------------------------- the stages

class BayesianLinearRegressionModel(_RegressionModel):
    """The posterior of a :class:`BayesianLinearRegression`."""

    def _constrained(self, names, values):
        # The noise scale is fitted as log_sigma (the last parameter); sigma = exp(log_sigma).
        return ["sigma"], np.exp(values[:, [names.index("log_sigma")]])


class BayesianLogisticRegressionModel(_RegressionModel, _ProbabilityColParam):
    """The posterior of a :class:`BayesianLogisticRegression`; transform also adds the
    probability column."""


class BayesianPoissonRegressionModel(_RegressionModel):
    """The posterior of a :class:`BayesianPoissonRegression`."""


class BayesianLinearRegression(_Estimator, _RegressionParams, _SigmaPriorParam):
    """Bayesian linear regression y ~ Normal(intercept + x·beta + offset, sigma), fitted by
    poevi over a DataFrame's rows; the model's posterior is on the original scale."""

    _model_class = BayesianLinearRegressionModel

    @keyword_only
    def __init__(self, *, featuresCol="features", labelCol="label", weightCol=None,
                 offsetCol=None, fitIntercept=True, standardization=True, exactSums=False,
                 coefficientPrior="auto", interceptPrior="auto", sigmaPrior="auto", seed=1,
                 config="", predictionCol="prediction", predictionSdCol="prediction_sd",
                 lowerCol="prediction_lower", upperCol="prediction_upper", intervalLevel=0.9,
                 predictiveDraws=1000):
        super().__init__()
        self._new()
        self.setParams(**self._input_kwargs)

    @keyword_only
    def setParams(self, *, featuresCol="features", labelCol="label", weightCol=None,
                  offsetCol=None, fitIntercept=True, standardization=True, exactSums=False,
                  coefficientPrior="auto", interceptPrior="auto", sigmaPrior="auto", seed=1,
                  config="", predictionCol="prediction", predictionSdCol="prediction_sd",
                  lowerCol="prediction_lower", upperCol="prediction_upper", intervalLevel=0.9,
                  predictiveDraws=1000):
        """Sets the Params given as keywords."""
        return self._set(**self._input_kwargs)


class BayesianLogisticRegression(_Estimator, _RegressionParams, _ProbabilityColParam):
    """Bayesian logistic regression y ~ Bernoulli(logit⁻¹(intercept + x·beta + offset)), labels
    0 and 1, fitted by poevi over a DataFrame's rows."""

    _model_class = BayesianLogisticRegressionModel

    @keyword_only
    def __init__(self, *, featuresCol="features", labelCol="label", weightCol=None,
                 offsetCol=None, fitIntercept=True, standardization=True, exactSums=False,
                 coefficientPrior="auto", interceptPrior="auto", seed=1, config="",
                 predictionCol="prediction", predictionSdCol="prediction_sd",
                 lowerCol="prediction_lower", upperCol="prediction_upper", intervalLevel=0.9,
                 predictiveDraws=1000, probabilityCol="probability"):
        super().__init__()
        self._new()
        self.setParams(**self._input_kwargs)

    @keyword_only
    def setParams(self, *, featuresCol="features", labelCol="label", weightCol=None,
                  offsetCol=None, fitIntercept=True, standardization=True, exactSums=False,
                  coefficientPrior="auto", interceptPrior="auto", seed=1, config="",
                  predictionCol="prediction", predictionSdCol="prediction_sd",
                  lowerCol="prediction_lower", upperCol="prediction_upper", intervalLevel=0.9,
                  predictiveDraws=1000, probabilityCol="probability"):
        """Sets the Params given as keywords."""
        return self._set(**self._input_kwargs)


class BayesianPoissonRegression(_Estimator, _RegressionParams):
    """Bayesian Poisson regression y ~ Poisson(exp(intercept + x·beta + offset)), counts y,
    fitted by poevi over a DataFrame's rows (offset = log(exposure) for rates)."""

    _model_class = BayesianPoissonRegressionModel

    @keyword_only
    def __init__(self, *, featuresCol="features", labelCol="label", weightCol=None,
                 offsetCol=None, fitIntercept=True, standardization=True, exactSums=False,
                 coefficientPrior="auto", interceptPrior="auto", seed=1, config="",
                 predictionCol="prediction", predictionSdCol="prediction_sd",
                 lowerCol="prediction_lower", upperCol="prediction_upper", intervalLevel=0.9,
                 predictiveDraws=1000):
        super().__init__()
        self._new()
        self.setParams(**self._input_kwargs)

    @keyword_only
    def setParams(self, *, featuresCol="features", labelCol="label", weightCol=None,
                  offsetCol=None, fitIntercept=True, standardization=True, exactSums=False,
                  coefficientPrior="auto", interceptPrior="auto", seed=1, config="",
                  predictionCol="prediction", predictionSdCol="prediction_sd",
                  lowerCol="prediction_lower", upperCol="prediction_upper", intervalLevel=0.9,
                  predictiveDraws=1000):
        """Sets the Params given as keywords."""
        return self._set(**self._input_kwargs)


class PoeviModel(_Model, _RowModelParams):
    """The posterior of a :class:`PoeviEstimator`'s model."""

    def posteriorMean(self, parameter):
        """The posterior mean of one parameter, by name."""
        with _jvm.errors():
            return self._java_obj.posteriorMean(parameter)


class PoeviEstimator(_Estimator, _RowModelParams):
    """Any per-row model (a JVM class implementing org.poevi.ml.RowModel, in a jar on the
    session's spark.jars) fitted by poevi over a DataFrame's rows."""

    _model_class = PoeviModel

    @keyword_only
    def __init__(self, *, modelClass=None, modelOptions="", featuresCol="features",
                 labelCol="label", weightCol=None, offsetCol=None, seed=1, config=""):
        super().__init__()
        self._new()
        self.setParams(**self._input_kwargs)

    @keyword_only
    def setParams(self, *, modelClass=None, modelOptions="", featuresCol="features",
                  labelCol="label", weightCol=None, offsetCol=None, seed=1, config=""):
        """Sets the Params given as keywords."""
        return self._set(**self._input_kwargs)

    def setModelClass(self, value):
        return self._set(modelClass=value)

    def setModelOptions(self, value):
        return self._set(modelOptions=value)

    def setFeaturesCol(self, value):
        return self._set(featuresCol=value)

    def setLabelCol(self, value):
        return self._set(labelCol=value)

    def setWeightCol(self, value):
        return self._set(weightCol=value)

    def setOffsetCol(self, value):
        return self._set(offsetCol=value)

    def setSeed(self, value):
        return self._set(seed=value)
