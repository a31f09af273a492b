package org.poevi.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** One embedded Spark context per test JVM (starting one takes seconds), local[2], no UI. */
final class SparkTestContext {
  private static JavaSparkContext context;

  private SparkTestContext() {}

  static synchronized JavaSparkContext get() {
    if (context == null) {
      SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("poevi-tests")
          .set("spark.ui.enabled", "false")
          .set("spark.driver.host", "127.0.0.1")
          .set("spark.driver.bindAddress", "127.0.0.1");
      context = new JavaSparkContext(conf);
      Runtime.getRuntime().addShutdownHook(new Thread(context::stop));
    }
    return context;
  }
}
