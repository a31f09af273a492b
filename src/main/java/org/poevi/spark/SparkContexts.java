package org.poevi.spark;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.HashMap;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.poevi.InvalidInputException;

/**
 * The SparkContext a command runs on: the one already running in this JVM (a notebook's, or
 * spark-submit's), used as it is and left running; or a new one for the given master, stopped by
 * {@link #close}.
 */
public final class SparkContexts implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(SparkContexts.class);
  private final JavaSparkContext context;
  private final boolean owned;

  private SparkContexts(JavaSparkContext context, boolean owned) {
    this.context = context;
    this.owned = owned;
  }

  /**
   * @throws InvalidInputException when the master URL is not one Spark can use
   */
  public static SparkContexts acquire(String master, String appName) {
    SparkConf conf = new SparkConf().setMaster(master).setAppName(appName);
    if (master.startsWith("local")) {
      // An embedded Spark talks to itself only.
      conf.setIfMissing("spark.driver.host", "127.0.0.1")
          .setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    } else {
      String warning = shipOwnCode(conf, ownCodeLocation());
      if (warning != null) {
        // Not an error: the executors may have poevi already (a jar in spark.jars, a library
        // installed on the cluster, or a running context, on which this configuration is moot).
        LOG.warn(warning);
      }
      // Executors run the data likelihoods' exp and log on the Vector API (a scalar fallback
      // without it); a user's own executor options are left as they are.
      conf.setIfMissing("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector");
    }
    return start(conf, "--master " + master);
  }

  /**
   * A context to read a data source with when the fit runs without Spark ({@code --master none},
   * {@link LocalRows}): the one running in this JVM, used as it is and left running; else an
   * embedded {@code local[1]} without a UI, which {@link #close} stops.
   *
   * @throws InvalidInputException when Spark cannot start
   */
  static SparkContexts forReading() {
    SparkConf conf = new SparkConf().setMaster("local[1]")
        .setAppName("poevi: reading target.data (--master none)")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1");
    return start(conf, "target.data: reading it without a Spark master (--master none) needs"
        + " an embedded Spark");
  }

  /**
   * The running context, else a new one of {@code conf}; a failure to start is one line after
   * {@code what}.
   */
  private static SparkContexts start(SparkConf conf, String what) {
    long before = System.currentTimeMillis();
    // A context that fails to start logs the error with a stack trace (and its metrics system a
    // warning) before throwing; the user gets it as one line below instead, so Spark's start-up
    // log is muted meanwhile.
    Runnable unmute = mute("org.apache.spark", SparkContext.class.getName());
    try {
      // getOrCreate returns the running context if there is one; a context that started before
      // this call is not ours to stop.
      SparkContext sc = SparkContext.getOrCreate(conf);
      boolean created = sc.startTime() >= before;
      if (created) {
        sc.setLogLevel("WARN");
      }
      return new SparkContexts(JavaSparkContext.fromSparkContext(sc), created);
    } catch (Exception e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      throw new InvalidInputException(what + ": " + message.lines().findFirst().orElse(message));
    } finally {
      unmute.run();
    }
  }

  /** Where poevi's classes were loaded from, or null when their class loader does not say. */
  private static URL ownCodeLocation() {
    CodeSource source = SparkContexts.class.getProtectionDomain().getCodeSource();
    return source == null ? null : source.getLocation();
  }

  /**
   * Executors of a cluster need poevi's own classes (the cluster provides Spark and, for
   * jobs/cluster, the other libraries): a jar is shipped with spark.jars; a classes directory
   * (jobs/poevi from a build tree) is put on the executors' class path, which works for clusters
   * on this machine. spark-submit lists its application jar in spark.jars itself, and then
   * nothing is added; user jars already in spark.jars (jobs/poevi --jars) are kept.
   *
   * @param location where poevi's classes were loaded from, or null when unknown
   * @return null, or a one-line warning when {@code location} is not a local jar or directory:
   *     then nothing is added, and unless the executors have poevi's classes some other way
   *     (spark.jars set by the user, a library installed on the cluster) its tasks fail there
   */
  static String shipOwnCode(SparkConf conf, URL location) {
    if (location == null) {
      return cannotShip("its class loader gives no code source");
    }
    Path code;
    try {
      code = Path.of(location.toURI());
    } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
      // A location that is not a file here, e.g. a jar nested in another or a remote URL.
      return cannotShip("it was loaded from " + location + ", not a local file");
    }
    String jars = conf.get("spark.jars", "");
    if (code.toString().endsWith(".jar")) {
      if (!jars.contains(code.getFileName().toString())) {
        conf.set("spark.jars", jars.isEmpty() ? code.toString() : jars + "," + code);
      }
    } else if (!conf.contains("spark.executor.extraClassPath")) {
      conf.set("spark.executor.extraClassPath", code.toString());
    }
    return null;
  }

  private static String cannotShip(String why) {
    return "poevi cannot ship its own classes to the Spark executors (" + why + "): unless they"
        + " have them already, add poevi's jar to spark.jars (spark-submit --jars, jobs/poevi"
        + " --jars)";
  }

  /**
   * Turns the given log4j loggers off; the returned action restores exactly the configuration
   * before (a logger that had no configuration of its own gets none back, so it keeps following
   * its parent, e.g. a later {@code setLogLevel}).
   */
  static Runnable mute(String... names) {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration config = ctx.getConfiguration();
    Map<String, Level> own = new HashMap<>();
    for (String name : names) {
      LoggerConfig lc = config.getLoggerConfig(name);
      own.put(name, lc.getName().equals(name) ? lc.getLevel() : null);
      Configurator.setLevel(name, Level.OFF);
    }
    return () -> {
      Configuration now = ctx.getConfiguration();
      for (var e : own.entrySet()) {
        if (e.getValue() != null) {
          Configurator.setLevel(e.getKey(), e.getValue());
        } else {
          now.removeLogger(e.getKey());
        }
      }
      ctx.updateLoggers();
    };
  }

  /** A running context, used as it is and left running by {@link #close}. */
  public static SparkContexts of(JavaSparkContext context) {
    return new SparkContexts(context, false);
  }

  public JavaSparkContext context() {
    return context;
  }

  @Override
  public void close() {
    if (owned) {
      context.stop();
    }
  }
}
