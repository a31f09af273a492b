package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
