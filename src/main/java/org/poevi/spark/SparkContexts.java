package org.poevi.spark;

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
      shipOwnCode(conf);
    }
    long before = System.currentTimeMillis();
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
      throw new InvalidInputException("--master " + master + ": " + message.lines().findFirst()
          .orElse(message));
    }
  }

  /**
   * Executors of a cluster need poevi's own classes (the cluster provides Spark and, for
   * jobs/cluster, the other libraries): a jar is shipped with spark.jars; a classes directory
   * (jobs/poevi from a build tree) is put on the executors' class path, which works for clusters
   * on this machine. spark-submit sets spark.jars itself, and then nothing is added.
   */
  private static void shipOwnCode(SparkConf conf) {
    if (conf.contains("spark.jars") || conf.contains("spark.executor.extraClassPath")) {
      return;
    }
    try {
      java.nio.file.Path code = java.nio.file.Path.of(SparkContexts.class.getProtectionDomain()
          .getCodeSource().getLocation().toURI());
      if (code.toString().endsWith(".jar")) {
        conf.set("spark.jars", code.toString());
      } else {
        conf.set("spark.executor.extraClassPath", code.toString());
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // No code source: leave it to the user's spark.jars.
    }
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
