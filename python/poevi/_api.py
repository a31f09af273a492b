"""poevi.fit, poevi.sample and poevi.evaluate: the command line's three commands from Python."""
import os
import sys
import threading

from . import _jvm
from ._results import EvaluateResult, FitResult, SampleResult


def _config(config):
    """(HOCON text, None) or (None, a .conf file's absolute path) for ``config``: HOCON text,
    a path (a pathlib.Path, or a string ending in .conf), or a dict of keys."""
    if isinstance(config, dict):
        import json

        return json.dumps(config), None
    if isinstance(config, os.PathLike) or (
            isinstance(config, str) and config.strip().endswith(".conf")
            and not any(c in config for c in "\n={")):
        path = os.fspath(config).strip()
        if not os.path.isfile(path):
            raise ValueError(f"config: no such file: {path}")
        return None, os.path.abspath(path)
    if not isinstance(config, str):
        raise ValueError("config must be HOCON text, a .conf path or a dict, got "
                         f"{type(config).__name__}")
    return config, None


def _with_progress(call, lines, show, cancel):
    """Runs ``call`` on another thread, printing the fit's progress lines as they come. An
    interrupt (Jupyter's stop button) calls ``cancel`` (Spark's cancelAllJobs: the fit fails at
    its next Spark job) and is raised at once."""
    outcome = {}

    def run():
        try:
            outcome["value"] = call()
        except BaseException as error:  # re-raised on the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=run, name="poevi-fit", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.25)
            _echo(lines, show)
    except KeyboardInterrupt:
        cancel()
        raise
    _echo(lines, show)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _echo(lines, show):
    text = lines.drain()
    if text and show:
        sys.stdout.write(text)
        sys.stdout.flush()


def fit(config, *overrides, spark=None, progress=True):
    """Fits the target a HOCON configuration names, as ``poevi fit`` does, on Spark.

    ``config`` is HOCON text (``"target.type = banana"``), a path to a .conf file, or a dict;
    ``overrides`` are ``"key=value"`` strings applied on top, as on the command line. The fit
    runs on ``spark`` (default: the running session, else :func:`poevi.session`). Progress lines
    print as the fit goes unless ``progress=False``. Bad input raises ValueError.
    """
    spark = _jvm.active_session(spark)
    text, path = _config(config)
    for override in overrides:
        if not isinstance(override, str) or "=" not in override:
            raise ValueError(f"overrides are 'key=value' strings, got {override!r}")
    jvm = spark._jvm
    bridge = _jvm.bridge(spark)
    lines = bridge.lines()
    java_poevi = jvm.org.poevi.spark.Poevi.on(spark._jsparkSession).progress(lines, False)
    try:
        with _jvm.errors():
            java_fit = _with_progress(
                lambda: bridge.fit(java_poevi, text, path, list(overrides)), lines, progress,
                spark.sparkContext.cancelAllJobs)
    except BaseException:
        java_poevi.close()
        raise
    return FitResult(spark, java_fit, java_poevi)


def _fitted_model(model):
    """The Java FittedModel of a fit or a spark.ml model, else None."""
    if isinstance(model, FitResult):
        return model.java.fittedModel()
    java = getattr(model, "_java_obj", None)
    if java is not None and hasattr(model, "fitted_model"):
        return java.fittedModel()
    return None


def sample(model, draws=10000, seed=1, spark=None):
    """Draws from a fitted model, as ``poevi sample`` does: ``model`` is a model.json path, a
    :class:`FitResult` or a fitted spark.ml model of :mod:`poevi.ml`. One seed fixes the draws.
    """
    spark = _jvm.active_session(spark)
    bridge = _jvm.bridge(spark)
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ValueError(f"draws must be a positive integer, got {draws!r}")
    with _jvm.errors():
        fitted = _fitted_model(model)
        if fitted is not None:
            java_sample = bridge.sample(fitted, draws, int(seed))
        elif isinstance(model, (str, os.PathLike)):
            path = os.path.abspath(os.fspath(model))
            if os.path.isdir(path) and os.path.isfile(os.path.join(path, "model.json")):
                path = os.path.join(path, "model.json")
            if not os.path.isfile(path):
                raise ValueError(f"model: no such file: {os.fspath(model)}")
            java_sample = bridge.sample(path, draws, int(seed))
        else:
            raise ValueError("model must be a model.json path, a poevi FitResult or a fitted "
                             f"poevi.ml model, got {type(model).__name__}")
    return SampleResult(spark, java_sample)


def evaluate(fit, reference=None, reference_draws=100000, seed=1):
    """Neg-LLH, KL(p; q) and Fisher(p; q) of a fit, next to the oracle Gaussian's, as
    ``poevi evaluate``: against exact draws of a synthetic target (``reference_draws`` of them),
    or against the reference draws of a posterior (``reference``, a CSV path)."""
    if not isinstance(fit, FitResult):
        raise ValueError(f"evaluate takes a poevi FitResult, got {type(fit).__name__}")
    spark = fit._spark
    java_poevi = spark._jvm.org.poevi.spark.Poevi.on(spark._jsparkSession).quiet()
    with _jvm.errors():
        if reference is None:
            report = java_poevi.evaluate(fit.java, int(reference_draws), int(seed))
        else:
            path = os.path.abspath(os.fspath(reference))
            if not os.path.isfile(path):
                raise ValueError(f"reference: no such file: {os.fspath(reference)}")
            java_path = spark._jvm.java.io.File(path).toPath()
            report = java_poevi.evaluate(fit.java, java_path, int(seed))
    return EvaluateResult(spark, report)
