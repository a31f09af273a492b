"""The JVM side: poevi's jar, a SparkSession that has it, and Java errors as Python errors."""
import contextlib
import os
import pathlib

import numpy as np

from . import _version

# Spark's launcher adds the --add-opens options Java 17 needs; poevi's data likelihoods also use
# the JDK Vector API, an incubator module the JVM must be told to load (else a scalar fallback,
# about 8x slower, with a warning).
_JAVA_OPTIONS = "--add-modules=jdk.incubator.vector"

# Java exceptions that are the user's input, not poevi's bug: shown as one line.
_VALUE_ERRORS = ("org.poevi.InvalidInputException", "org.poevi.targets.TargetEvaluationException")
_OS_ERRORS = ("java.io.UncheckedIOException", "java.nio.file.NoSuchFileException",
              "java.io.FileNotFoundException")


def jar_path():
    """The poevi cluster jar (poevi with its non-Spark dependencies) for ``spark.jars``.

    ``$POEVI_JAR`` when set, else the jar this package carries (copied from the Maven build when
    the package was installed).
    """
    env = os.environ.get("POEVI_JAR")
    if env:
        path = pathlib.Path(env).expanduser().resolve()
        if not path.is_file():
            raise ValueError(f"POEVI_JAR: no such file: {env}")
        return str(path)
    path = pathlib.Path(__file__).resolve().parent / "jars" / _version.JAR_NAME
    if not path.is_file():
        raise ValueError(f"poevi's jar is missing ({path}): reinstall the package after the "
                         "Maven build (mvn package -DskipTests; pip install ./python), "
                         "or set POEVI_JAR")
    return str(path)


def _conf_key(key):
    """``spark_driver_memory`` -> ``spark.driver.memory``; dotted keys are kept as given."""
    return key if "." in key else key.replace("_", ".")


def session(master="local[*]", app_name="poevi", **conf):
    """A SparkSession with poevi on its class path, started here unless one is running.

    ``conf`` holds Spark settings, dotted (``**{"spark.driver.memory": "4g"}``) or with
    underscores (``spark_driver_memory="4g"``). Users who build their own session give it
    ``spark.jars`` and ``spark.driver.extraClassPath`` = :func:`jar_path` and
    ``--add-modules=jdk.incubator.vector`` in ``spark.driver.extraJavaOptions`` and
    ``spark.executor.extraJavaOptions``.
    """
    from pyspark.sql import SparkSession

    running = SparkSession.getActiveSession()
    if running is not None:
        if conf:
            raise ValueError("poevi.session: a SparkSession is already running, so the settings "
                             f"{sorted(conf)} cannot apply; stop it first (spark.stop())")
        return require_poevi(running)
    settings = {_conf_key(k): str(v) for k, v in conf.items()}
    jar = jar_path()
    settings["spark.jars"] = ",".join(filter(None, [settings.get("spark.jars"), jar]))
    # The driver's own class path too: the JVM's class loader then finds poevi's classes for
    # Py4J, Java serialisation and spark.ml's readers alike.
    settings["spark.driver.extraClassPath"] = os.pathsep.join(
        filter(None, [settings.get("spark.driver.extraClassPath"), jar]))
    for side in ("driver", "executor"):
        key = f"spark.{side}.extraJavaOptions"
        options = [_JAVA_OPTIONS, settings.get(key)]
        logging = pathlib.Path(jar).with_name("log4j2.properties")
        if side == "driver" and logging.is_file() and "log4j" not in (settings.get(key) or ""):
            # Spark's warnings and errors only, as the command line logs (conf/log4j2.properties).
            options.insert(1, f"-Dlog4j2.configurationFile={logging.as_uri()}")
        settings[key] = " ".join(filter(None, options))
    settings.setdefault("spark.ui.showConsoleProgress", "false")
    settings.setdefault("spark.executorEnv.OPENBLAS_NUM_THREADS", "1")
    # poevi's threads use every core: a multi-threaded BLAS inside each oversubscribes them.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    return require_poevi(builder.getOrCreate())


def require_poevi(spark):
    """``spark`` itself, once its JVM is known to have poevi's classes."""
    from py4j.java_gateway import JavaClass

    if not isinstance(spark._jvm.org.poevi.spark.Poevi, JavaClass):
        raise ValueError("the running SparkSession does not have poevi's jar: start it with "
                         "poevi.session(), or give spark.jars and spark.driver.extraClassPath = "
                         "poevi.jar_path()")
    return spark


def active_session(spark=None):
    """``spark``, else the running session, else a new :func:`session`."""
    if spark is not None:
        return require_poevi(spark)
    from pyspark.sql import SparkSession

    running = SparkSession.getActiveSession()
    return require_poevi(running) if running is not None else session()


def _java_exception(error):
    """The Java throwable behind a Py4J or PySpark error, or None."""
    return getattr(error, "java_exception", None) or getattr(error, "_origin", None)


def translate(error):
    """A Python error for a Java one poevi raised about its input (None if it is not one).

    The Java exception may be wrapped (a Spark job's failure): its causes are searched.
    """
    throwable = _java_exception(error)
    seen = 0
    while throwable is not None and seen < 20:
        name = throwable.getClass().getName()
        message = throwable.getMessage() or name
        line = message.strip().splitlines()[0] if message.strip() else name
        if name in _VALUE_ERRORS:
            return ValueError(line)
        if name in _OS_ERRORS:
            return OSError(line)
        if name == "java.lang.OutOfMemoryError":
            return MemoryError(f"the JVM ran out of memory ({line}): start the session with more, "
                               "e.g. poevi.session(spark_driver_memory='8g') or "
                               "spark.executor.memory")
        throwable = throwable.getCause()
        seen += 1
    return None


@contextlib.contextmanager
def errors():
    """Turns poevi's Java input errors into ValueError (one line, no Java stack trace)."""
    try:
        yield
    except Exception as error:  # Py4JJavaError, or PySpark's captured exceptions
        if _java_exception(error) is None:
            raise
        translated = translate(error)
        if translated is None:
            raise
        raise translated from None


def bridge(spark):
    """org.poevi.spark.PythonBridge on ``spark``'s JVM."""
    return spark._jvm.org.poevi.spark.PythonBridge


def doubles(spark, java_array, columns=None):
    """A Java double[] as a numpy array (one transfer), reshaped to (n, columns) if given."""
    values = np.frombuffer(bytes(bridge(spark).doubles(java_array)), dtype="<f8")
    return values.reshape(-1, columns) if columns else values
