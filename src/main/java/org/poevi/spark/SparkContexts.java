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
