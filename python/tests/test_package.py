"""The package: its version is the Maven project's, it carries the cluster jar, and its session
has poevi on the JVM's class path."""
import re
import zipfile

import poevi
from conftest import REPO


def test_version_is_the_projects():
    pom = (REPO / "pom.xml").read_text()
    maven = re.search(r"<artifactId>poevi_2\.13</artifactId>\s*<version>([^<]+)</version>",
                      pom).group(1)
    spark = re.search(r"<spark\.version>([^<]+)</spark\.version>", pom).group(1)
    assert poevi.MAVEN_VERSION == maven
    assert poevi.__version__ == maven.replace("-SNAPSHOT", ".dev0")
    assert poevi.SPARK_VERSION == spark
    import pyspark

    assert pyspark.__version__ == spark  # pinned to the Maven build's Spark


def test_jar_is_carried(monkeypatch, tmp_path):
    jar = poevi.jar_path()
    assert jar.endswith(f"poevi_2.13-{poevi.MAVEN_VERSION}-cluster.jar")
    with zipfile.ZipFile(jar) as archive:
        names = set(archive.namelist())
    assert "org/poevi/spark/PythonBridge.class" in names
    assert not any(n.startswith("org/apache/spark/") for n in names)  # Spark is provided
    monkeypatch.setenv("POEVI_JAR", str(tmp_path / "none.jar"))
    try:
        poevi.jar_path()
        raise AssertionError("a missing POEVI_JAR must be an error")
    except ValueError as error:
        assert "POEVI_JAR" in str(error)


def test_session_has_poevi(spark):
    assert spark.sparkContext._jvm.org.poevi.spark.PythonBridge is not None
    assert "jdk.incubator.vector" in spark.conf.get("spark.driver.extraJavaOptions")
    assert poevi.jar_path() in spark.conf.get("spark.jars")
