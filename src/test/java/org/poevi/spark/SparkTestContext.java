package org.poevi.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** One embedded Spark context per test JVM (starting one takes seconds), local[2], no UI. */
public final class SparkTestContext {
  /** Spark's own --add-opens list (jobs/spark-opens.txt), for executor JVMs. */
  public static final java.util.List<String> OPENS = readOpens();

  private static JavaSparkContext context;

  private static java.util.List<String> readOpens() {
    try {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("jobs/spark-opens.txt"))
          .stream().map(String::trim).filter(l -> !l.isEmpty()).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Stops the shared context (a test that needs another master); get() starts a new one. */
  public static synchronized void stop() {
    if (context != null) {
      context.stop();
      context = null;
    }
  }

  private SparkTestContext() {}

  /**
   * A test context's configuration: on loopback, without the UI, its catalog's warehouse (made
   * when a test reads a table) in Maven's build directory.
   */
  public static SparkConf conf(String master, String appName) {
    return new SparkConf().setMaster(master).setAppName(appName)
        .set("spark.ui.enabled", "false")
        .set("spark.sql.warehouse.dir", "target/spark-warehouse")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1");
  }

  public static synchronized JavaSparkContext get() {
    if (context == null || context.sc().isStopped()) {
      context = new JavaSparkContext(conf("local[2]", "poevi-tests"));
      JavaSparkContext started = context;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
    }
    return context;
  }
}
