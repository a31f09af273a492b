"""poevi: Bayesian posteriors as products of multivariate-t experts, fitted on Spark.

>>> import poevi
>>> spark = poevi.session()                       # local[*], with poevi's jar
>>> fit = poevi.fit("target.type = banana")       # as `poevi fit` does
>>> fit.summary(); fit.draws(); fit.contour_plot()
>>> idata = fit.to_inference_data()               # ArviZ: az.summary(idata)

The spark.ml stages are in :mod:`poevi.ml`. poevi's input errors (a configuration key, a data
column, a model file) are ValueErrors with one line naming the key, column or value.
"""
from ._version import MAVEN_VERSION, SPARK_VERSION, __version__
from ._jvm import jar_path, session
from ._api import evaluate, fit, sample
from ._results import EvaluateResult, FitResult, Image, SampleResult

__all__ = ["__version__", "SPARK_VERSION", "MAVEN_VERSION", "jar_path", "session", "fit",
           "sample", "evaluate", "FitResult", "SampleResult", "EvaluateResult", "Image"]
