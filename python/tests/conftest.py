"""Shared fixtures: one local Spark session with poevi, small DataFrames, light fit settings."""
import os
import pathlib
import zipfile

import numpy as np
import pytest

import poevi

REPO = pathlib.Path(__file__).resolve().parents[2]

# Light fit settings for the tests' small data (the defaults are sized for real posteriors):
# fewer mode-search starts and preliminary draws, 2000 output draws.
LIGHT = ("init { mode-starts = 4, gaussian-rounds = 4, gaussian-draws = 5000 }\n"
         "output.draws = 2000")


def example_models_jar(directory):
    """A jar of the Java tests' example models (com.example: RobustRowModel, a user's RowModel),
    as a user ships their own model to poevi.session's spark.jars. jobs/test compiles them (mvn
    verify) before it runs these tests."""
    classes = REPO / "target" / "test-classes" / "com" / "example"
    if not classes.is_dir():
        raise RuntimeError(f"{classes} is missing: run mvn test-compile (jobs/test does)")
    jar = pathlib.Path(directory) / "example-models.jar"
    with zipfile.ZipFile(jar, "w") as archive:
        for path in sorted(classes.glob("*.class")):
            archive.write(path, f"com/example/{path.name}")
    return str(jar)


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    jar = example_models_jar(tmp_path_factory.mktemp("jars"))
    session = poevi.session("local[2]", spark_sql_shuffle_partitions=2,
                            spark_default_parallelism=2, spark_jars=jar,
                            spark_driver_extraClassPath=jar)
    yield session
    session.stop()


def logistic_rows(n=400, seed=42):
    """(y, x1, x2, x3) rows of a logistic regression with raw, unscaled predictors."""
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.normal(50, 10, n), rng.normal(0, 1, n), rng.exponential(2, n)])
    eta = -3.0 + 0.05 * x[:, 0] + 0.8 * x[:, 1] - 0.3 * x[:, 2]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
    return y, x


@pytest.fixture(scope="session")
def logistic_df(spark):
    """A DataFrame of raw columns (label, age, score, wait) for VectorAssembler."""
    y, x = logistic_rows()
    rows = [(float(y[i]), float(x[i, 0]), float(x[i, 1]), float(x[i, 2])) for i in range(len(y))]
    return spark.createDataFrame(rows, ["label", "age", "score", "wait"]).repartition(2)


@pytest.fixture(scope="session")
def assembled(logistic_df):
    from pyspark.ml.feature import VectorAssembler

    return VectorAssembler(inputCols=["age", "score", "wait"],
                           outputCol="features").transform(logistic_df)


def uri(path):
    """A file: URI, as spark.ml's savers take any Hadoop path."""
    return pathlib.Path(path).resolve().as_uri()


def one_line(error):
    """The error's text, asserted to be one line with no Java stack trace in it."""
    text = str(error)
    assert "\n" not in text, text
    assert "Py4J" not in text and "\tat " not in text and "Exception" not in text, text
    return text


os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
