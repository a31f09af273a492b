"""Results in Python's terms: pandas tables, ArviZ inference data, pictures for Jupyter."""
import io
import json
import os
import re

import numpy as np
import pandas as pd

from . import _jvm

SUMMARY_COLUMNS = ["mean", "sd", "mcse", "q05", "q50", "q95", "ess"]
_SCALES = {"unconstrained": "parameters", "constrained": "constrainedParameters"}
_INDEXED = re.compile(r"^(?P<name>[^\[\]]+)\[(?P<index>\d+(?:\s*,\s*\d+)*)\]$")


class Image:
    """A PNG picture that Jupyter shows inline (``_repr_png_``); ``save(path)`` writes it."""

    def __init__(self, png):
        self.png = bytes(png)

    def _repr_png_(self):
        return self.png

    def save(self, path):
        with open(os.fspath(path), "wb") as out:
            out.write(self.png)

    def __repr__(self):
        return f"<poevi.Image: {len(self.png)} bytes of PNG>"


def summary_frame(summary, scale=None):
    """summary.json's per-parameter table as pandas.

    ``scale`` None gives both scales, indexed by (scale, parameter): "unconstrained" (the
    parameters poevi fits, e.g. log_sigma) then "constrained" (the model's own, e.g. sigma).
    """
    if scale is not None and scale not in _SCALES:
        raise ValueError(f"scale must be one of {sorted(_SCALES)} or None, got {scale!r}")
    frames = {}
    for name, key in _SCALES.items():
        if scale not in (None, name):
            continue
        table = summary.get(key) or (summary.get("parameters") if name == "constrained" else {})
        frames[name] = pd.DataFrame.from_dict(table, orient="index").reindex(
            columns=SUMMARY_COLUMNS).astype(float)
        frames[name].index.name = "parameter"
    if scale is not None:
        return frames[scale]
    return pd.concat(frames, names=["scale", "parameter"])


def _variables(names, values):
    """Draw columns by name -> ArviZ variables: ``beta[1]..beta[P]`` become one array ``beta``
    (1-based Stan indices become 0-based positions); other names stay scalars."""
    groups = {}
    for column, name in enumerate(names):
        match = _INDEXED.match(name)
        if match:
            index = tuple(int(i) - 1 for i in match.group("index").split(","))
            groups.setdefault(match.group("name"), []).append((index, column))
        else:
            groups.setdefault(name, []).append(((), column))
    variables = {}
    for name, members in groups.items():
        indices = [index for index, _ in members]
        ranks = {len(index) for index in indices}
        shape = tuple(max(i[d] for i in indices) + 1 for d in range(ranks.pop())) \
            if len(ranks) == 1 else None
        complete = shape is not None and min(min(i) if i else 0 for i in indices) >= 0 \
            and len(set(indices)) == len(indices) == int(np.prod(shape))
        if not complete or name in variables:
            for index, column in members:  # not a full array: each column as itself
                variables[names[column]] = values[:, column][None, :]
            continue
        array = np.empty((values.shape[0],) + shape)
        for index, column in members:
            array[(slice(None),) + index] = values[:, column]
        variables[name] = array[None, ...]
    return variables


def inference_data(names, values, constrained_names=None, constrained=None, lp=None, lq=None):
    """ArviZ inference data: one chain of independent draws in ``posterior`` (the fitted
    parameters, then the model's own scale where it differs: sigma next to log_sigma), and lp
    (log p~) and lq (log q) in ``sample_stats``."""
    import arviz as az

    posterior = _variables(names, values)
    if constrained is not None:
        extra = [j for j, name in enumerate(constrained_names) if name not in names]
        for name, array in _variables([constrained_names[j] for j in extra],
                                      constrained[:, extra]).items():
            posterior.setdefault(name, array)
    stats = {}
    if lp is not None:
        stats["lp"] = np.asarray(lp)[None, :]
    if lq is not None:
        stats["lq"] = np.asarray(lq)[None, :]
    return _from_dict(az, posterior, stats)


def _from_dict(az, posterior, stats):
    """ArviZ's from_dict: 0.x takes the groups as keywords, 1.x one dict of groups."""
    import inspect

    if "posterior" in inspect.signature(az.from_dict).parameters:
        return az.from_dict(posterior=posterior, sample_stats=stats or None)
    groups = {"posterior": posterior}
    if stats:
        groups["sample_stats"] = stats
    return az.from_dict(groups)


class _Posterior:
    """What every poevi result with draws gives: summary(), draws(), to_inference_data()."""

    def _summary_json(self):
        raise NotImplementedError

    @property
    def info(self):
        """summary.json as a dict: the per-parameter table and the diagnostics."""
        return self._summary_json()

    def summary(self, scale=None):
        """Mean, sd, MCSE, 5/50/95% quantiles and ESS per parameter (pandas): both scales,
        indexed by (scale, parameter), or ``scale="unconstrained"`` / ``"constrained"``."""
        return summary_frame(self._summary_json(), scale)

    @property
    def warnings(self):
        return list(self._summary_json().get("warnings") or [])


class FitResult(_Posterior):
    """A fit: its draws and summary as pandas, ArviZ inference data, plots and files.

    Returned by :func:`poevi.fit`. The target's rows (a posterior over data) stay cached on
    Spark for plots and evaluations until :meth:`close`.
    """

    def __init__(self, spark, java_fit, java_poevi):
        self._spark = spark
        self._fit = java_fit
        self._poevi = java_poevi
        self.method = java_fit.method()
        self.target = java_fit.target().name()
        self.parameter_names = list(java_fit.parameterNames())
        self.constrained_names = list(_jvm.bridge(spark).constrainedNames(java_fit))
        self._summary = None
        self._draws = None

    @property
    def java(self):
        """The Java ``org.poevi.spark.PoeviFit`` (for the Java API's other methods)."""
        return self._fit

    def _summary_json(self):
        if self._summary is None:
            self._summary = json.loads(self._fit.summary().toString())
        return self._summary

    def model_json(self):
        """model.json's text (SPEC §7)."""
        return self._fit.modelJson()

    def draws(self):
        """The output draws (pandas): one column per parameter, then lp__ (log p~) and lq__
        (log q), as draws.csv."""
        if self._draws is None:
            columns = list(self._fit.drawColumns())
            values = _jvm.doubles(self._spark, self._fit.drawTable(), len(columns))
            self._draws = pd.DataFrame(values, columns=columns)
        return self._draws.copy()

    def constrained_draws(self):
        """The draws on the model's own scale (sigma for log_sigma, ...), pandas."""
        values = _jvm.doubles(self._spark, _jvm.bridge(self._spark).constrainedDraws(self._fit),
                              len(self.constrained_names))
        return pd.DataFrame(values, columns=self.constrained_names)

    def trace(self):
        """One row per iteration (pandas), trace.csv's columns; empty for a Gaussian baseline."""
        return pd.read_csv(io.StringIO(_jvm.bridge(self._spark).traceCsv(self._fit)))

    def to_inference_data(self):
        """ArviZ inference data: the draws as one chain in ``posterior`` (the model's own scale
        added where it differs), lp and lq in ``sample_stats``."""
        table = self.draws()
        values = table[self.parameter_names].to_numpy()
        constrained = self.constrained_draws().to_numpy()
        return inference_data(self.parameter_names, values, self.constrained_names,
                              constrained, table["lp__"].to_numpy(), table["lq__"].to_numpy())

    def _plot(self, name):
        with _jvm.errors():
            return Image(_jvm.bridge(self._spark).png(getattr(self._fit, name)()))

    def trace_plot(self):
        """Fisher divergence, ESS, active experts and log C against iteration."""
        return self._plot("tracePlot")

    def marginals_plot(self):
        """Histograms of the draws' marginals."""
        return self._plot("marginalsPlot")

    def alpha_plot(self):
        """The final alpha of the active experts, by kind (a product of experts only)."""
        return self._plot("alphaPlot")

    def contour_plot(self):
        """For a 2-D target: contours of log q next to log p, with draws on top."""
        return self._plot("contourPlot")

    def _repr_png_(self):
        return self.trace_plot().png if self.method == "poe" else self.marginals_plot().png

    def save(self, path):
        """Writes model.json, draws.csv, trace.csv, summary.json and plots/ into the local
        directory ``path``, all put in place only once complete."""
        with _jvm.errors():
            _jvm.bridge(self._spark).save(self._fit, os.path.abspath(os.fspath(path)))

    def close(self):
        """Releases the target's cached rows on Spark."""
        if self._poevi is not None:
            self._poevi.close()
            self._poevi = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return self._fit.summaryTable()


class SampleResult(_Posterior):
    """Draws from a fitted model (:func:`poevi.sample`, or a spark.ml model's)."""

    def __init__(self, spark, java_sample):
        self._spark = spark
        self._sample = java_sample
        self.parameter_names = list(java_sample.parameterNames())
        self._summary = json.loads(java_sample.summary().toString())

    def _summary_json(self):
        return self._summary

    def draws(self):
        """The draws (pandas): one column per parameter, then lq__ (log q)."""
        dim = len(self.parameter_names)
        values = _jvm.doubles(self._spark, self._sample.draws(), dim)
        table = pd.DataFrame(values, columns=self.parameter_names)
        table["lq__"] = _jvm.doubles(self._spark, self._sample.logQ())
        return table

    def to_inference_data(self):
        """ArviZ inference data: the draws as one chain in ``posterior``, lq in
        ``sample_stats``."""
        table = self.draws()
        return inference_data(self.parameter_names, table[self.parameter_names].to_numpy(),
                              lq=table["lq__"].to_numpy())

    def marginals_plot(self):
        """Histograms of the draws' marginals."""
        return Image(_jvm.bridge(self._spark).png(self._sample.marginalsPlot()))

    def _repr_png_(self):
        return self.marginals_plot().png

    def save(self, path):
        """Writes draws.csv and summary.json into the local directory ``path``."""
        with _jvm.errors():
            _jvm.bridge(self._spark).save(self._sample, os.path.abspath(os.fspath(path)))

    def __repr__(self):
        return self._sample.report()


class EvaluateResult:
    """Neg-LLH, KL(p; q) and Fisher(p; q) of a fit next to the oracle Gaussian's
    (:func:`poevi.evaluate`)."""

    def __init__(self, spark, java_report):
        self._spark = spark
        self._report = java_report
        self.metrics = json.loads(java_report.json().toString())

    def marginals_plot(self):
        """The model's marginals over the reference draws'."""
        return Image(_jvm.bridge(self._spark).png(self._report.marginalsPlot()))

    def __repr__(self):
        return self._report.text()
