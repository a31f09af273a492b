"""Builds the poevi Python package next to the Maven project (../pom.xml, ../target).

At build time (``pip install ./python`` after ``mvn package``) this reads the project's version
and its Spark version from ../pom.xml, pins ``pyspark`` to that Spark, and copies the cluster jar
(``target/poevi_2.13-VERSION-cluster.jar``: poevi and its non-Spark dependencies) and the
command line's logging settings (``conf/log4j2.properties``) into ``poevi/jars/``, so that the installed package carries the JVM library it drives.
"""
import pathlib
import re
import shutil
import sys

from setuptools import setup

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
JARS = HERE / "poevi" / "jars"
VERSION_FILE = HERE / "poevi" / "_version.py"


def pom_versions():
    """(project version, Spark version) from ../pom.xml."""
    pom = (ROOT / "pom.xml").read_text(encoding="utf-8")
    project = re.search(r"<artifactId>poevi_2\.13</artifactId>\s*<version>([^<]+)</version>", pom)
    spark = re.search(r"<spark\.version>([^<]+)</spark\.version>", pom)
    if not project or not spark:
        sys.exit("poevi setup: ../pom.xml has no poevi_2.13 version or spark.version")
    return project.group(1).strip(), spark.group(1).strip()


def pep440(maven_version):
    """Maven's 0.1.0-SNAPSHOT is PEP 440's 0.1.0.dev0; a release version is the same in both."""
    if maven_version.endswith("-SNAPSHOT"):
        return maven_version[: -len("-SNAPSHOT")] + ".dev0"
    return maven_version.replace("-", ".")


def bundle_jar(maven_version):
    """Copies the Maven build's cluster jar into poevi/jars/, replacing any older one."""
    jar = ROOT / "target" / f"poevi_2.13-{maven_version}-cluster.jar"
    if not jar.is_file():
        sys.exit(f"poevi setup: {jar} is missing: build the JVM library first "
                 "(mvn package -DskipTests, or jobs/build), then pip install ./python")
    JARS.mkdir(exist_ok=True)
    for old in JARS.glob("*.jar"):
        old.unlink()
    shutil.copy2(jar, JARS / jar.name)
    # The command line's logging (Spark's warnings and errors only), for poevi.session().
    shutil.copy2(ROOT / "conf" / "log4j2.properties", JARS / "log4j2.properties")
    return jar.name


if (ROOT / "pom.xml").is_file():
    maven_version, spark_version = pom_versions()
    jar_name = bundle_jar(maven_version)
    VERSION_FILE.write_text(
        "# Written by python/setup.py from ../pom.xml; not in git.\n"
        f"__version__ = {pep440(maven_version)!r}\n"
        f"MAVEN_VERSION = {maven_version!r}\n"
        f"SPARK_VERSION = {spark_version!r}\n"
        f"JAR_NAME = {jar_name!r}\n", encoding="utf-8")
namespace = {}
exec(VERSION_FILE.read_text(encoding="utf-8"), namespace)

setup(
    version=namespace["__version__"],
    install_requires=[f"pyspark=={namespace['SPARK_VERSION']}", "numpy",
                      # pyspark 4.2 warns that it does not yet fully support pandas 3
                      "pandas>=2.2,<3"],
    extras_require={"arviz": ["arviz"], "test": ["pytest", "arviz", "matplotlib"]},
)
