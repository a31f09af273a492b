package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;

class SparkContextsTest {
  @Test
  void aMasterSparkCannotUseIsAOneLineUserError() {
    SparkTestContext.stop();
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> SparkContexts.acquire("nonsense://x", "test"));
    assertTrue(e.getMessage().startsWith("--master nonsense://x: "), e.getMessage());
    assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
  }

  /** A running context (a notebook's) is used as it is and not stopped. */
  @Test
  void aRunningContextIsUsedAndLeftRunning() {
    var running = SparkTestContext.get();
    try (SparkContexts acquired = SparkContexts.acquire("local[1]", "test")) {
      assertSame(running.sc(), acquired.context().sc());
    }
    assertFalse(running.sc().isStopped());
  }

  /**
   * poevi's jar joins the user's in spark.jars (once), and a classes directory goes on the
   * executors' class path.
   */
  @Test
  void ownCodeIsShipped() throws Exception {
    SparkConf conf = new SparkConf(false).set("spark.jars", "/u/user.jar");
    URL jar = Path.of("/x/poevi-1.0.jar").toUri().toURL();
    assertNull(SparkContexts.shipOwnCode(conf, jar));
    assertNull(SparkContexts.shipOwnCode(conf, jar));
    assertEquals("/u/user.jar,/x/poevi-1.0.jar", conf.get("spark.jars"));
    SparkConf classes = new SparkConf(false);
    assertNull(SparkContexts.shipOwnCode(classes, Path.of("/x/classes").toUri().toURL()));
    assertEquals("/x/classes", classes.get("spark.executor.extraClassPath"));
  }

  /**
   * Code that is not a local file cannot be shipped: no configuration is added, and the caller
   * gets a one-line warning that names the location and spark.jars (it used to be swallowed).
   */
  @Test
  void codeThatCannotBeShippedIsAWarning() throws Exception {
    SparkConf conf = new SparkConf(false);
    String remote = "http://repo.example/poevi.jar";
    String[] warnings = {SparkContexts.shipOwnCode(conf, null),
        SparkContexts.shipOwnCode(conf, URI.create(remote).toURL())};
    for (String w : warnings) {
      assertNotNull(w);
      assertEquals(1, w.lines().count(), w);
      assertTrue(w.contains("add poevi's jar to spark.jars"), w);
    }
    assertTrue(warnings[1].contains(remote), warnings[1]);
    assertEquals(0, conf.getAll().length);
  }
}
