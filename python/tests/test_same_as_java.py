"""A fit from Python gives the same model.json, byte for byte, as the same fit from Java: the
command line for poevi.fit, the Java estimator for the wrappers."""
import os
import subprocess

from pyspark.ml.feature import VectorAssembler

import poevi
from conftest import LIGHT, REPO, uri
from poevi import ml


def test_fit_equals_command_line(spark, tmp_path):
    config = tmp_path / "banana.conf"
    config.write_text("target.type = banana\nfit.seed = 21\n" + LIGHT + "\n")
    with poevi.fit(config, "output.draws = 1000", progress=False) as fit:
        fit.save(tmp_path / "python")
    env = dict(os.environ, JAVA_OPTS="-Xmx1g")
    subprocess.run([str(REPO / "jobs" / "poevi"), "fit", str(config), "output.draws=1000",
                    "--master", "local[2]", "--out", str(tmp_path / "java")],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    python_json = (tmp_path / "python" / "model.json").read_bytes()
    assert python_json == (tmp_path / "java" / "model.json").read_bytes()
    assert (tmp_path / "python" / "draws.csv").read_bytes() == \
        (tmp_path / "java" / "draws.csv").read_bytes()


def test_estimator_equals_java_estimator(spark, logistic_df, tmp_path):
    df = VectorAssembler(inputCols=["age", "score", "wait"],
                         outputCol="features").transform(logistic_df)
    python = ml.BayesianLogisticRegression(coefficientPrior="normal(0, 1)", seed=8,
                                           config=LIGHT).fit(df)
    python.write().save(uri(tmp_path / "python"))
    java = (spark._jvm.org.poevi.ml.BayesianLogisticRegression()
            .setCoefficientPrior("normal(0, 1)").setSeed(8).setConfig(LIGHT).fit(df._jdf))
    java.write().save(uri(tmp_path / "java"))
    assert (tmp_path / "python" / "model.json").read_bytes() == \
        (tmp_path / "java" / "model.json").read_bytes()


def test_exact_sums_make_weights_copies(spark, tmp_path):
    """exactSums from Python: rows weighted 0, 1 or 2 and the same rows as copies, in another
    order, give one model.json, byte for byte (with exactSums=False they differ in the last
    digits)."""
    rows = [(float(i % 2), float((i * 7) % 11 - 5), float((i * 3) % 5 - 2), float(i % 3))
            for i in range(120)]
    weighted = spark.createDataFrame(rows, ["label", "a", "b", "w"])
    copies = spark.createDataFrame(
        [r for r in reversed(rows) for _ in range(int(r[3]))], ["label", "a", "b", "w"])
    assembler = VectorAssembler(inputCols=["a", "b"], outputCol="features")
    quick = "fit { iterations = 4, batch-size = 512 }\n" + LIGHT
    for name, df, weight in (("weighted", weighted, "w"), ("copies", copies, None)):
        estimator = ml.BayesianLogisticRegression(exactSums=True, seed=3, config=quick)
        if weight:
            estimator.setWeightCol(weight)
        estimator.fit(assembler.transform(df)).write().save(uri(tmp_path / name))
    assert (tmp_path / "weighted" / "model.json").read_bytes() == \
        (tmp_path / "copies" / "model.json").read_bytes()
