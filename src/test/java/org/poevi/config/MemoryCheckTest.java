package org.poevi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;

/**
 * Counts that cannot fit the heap are refused before the fit, naming the key (found by the fuzz
 * harness: init.gaussian-draws, output.draws and experts.count = 2^31 - 1 ran out of memory).
 */
class MemoryCheckTest {
  private static FitConfig config(String... overrides) {
    return FitConfig.parse("target.type = banana", List.of(overrides));
  }

  private static String refusal(int dim, String... overrides) {
    FitConfig c = config(overrides);
    return assertThrows(InvalidInputException.class,
        () -> MemoryCheck.check(c.resolved(), c.method(), dim)).getMessage();
  }

  @Test
  void theDefaultsPassUpToLargeDimensions() {
    FitConfig c = config();
    // D = 1000 is issue #20's: structured experts, no D×D per expert (the dense pool's
    // coordinate-expert counts once refused it, asking for 209 GiB).
    for (int dim : new int[] {1, 2, 50, 100, 200, 1000}) {
      MemoryCheck.check(c.resolved(), c.method(), dim);
    }
  }

  @Test
  void countsBeyondJavasLargestArrayNameTheirKey() {
    assertEquals("output.draws = 2147483647 is too large at D = 2: it needs an array of"
        + " 8.59e+09 numbers, more than Java's largest (2147483639)",
        refusal(2, "output.draws = 2147483647"));
    assertTrue(refusal(2, "init.gaussian-draws = 2147483647", "init.gaussian-reuse = false")
        .startsWith("init.gaussian-draws = 2147483647 is too large at D = 2"));
    // Reused rounds keep every round's draws: 8 rounds of 300 million.
    assertTrue(refusal(2, "init.gaussian-draws = 300000000").startsWith("init.gaussian-rounds ×"
        + " init.gaussian-draws (init.gaussian-reuse = true) = 2400000000 is too large at D = 2"));
    assertTrue(refusal(3, "fit.method = bam", "fit.bam.batch-size = 2000000000").startsWith(
        "fit.bam.batch-size = 2000000000 is too large at D = 3"));
  }

  @Test
  void countsBeyondTheHeapNameTheirKeyAndTheHeap() {
    long heap = Runtime.getRuntime().maxMemory();
    // Experts of D×D at D = 100: count × 3 widths × 10^4 doubles × 8 bytes × 2 copies.
    long count = Math.min(Integer.MAX_VALUE, heap / (3L * 100 * 100 * 8 * 2) + 1);
    String message = refusal(100, "experts.count = " + count);
    assertTrue(message.startsWith("experts.count = " + count + " needs at least "), message);
    assertTrue(message.endsWith("more than this JVM's heap of " + MemoryCheck.size(heap)
        + ": lower it, or give the JVM more heap (JAVA_OPTS=-Xmx..., spark.driver.memory)"),
        message);
  }
}
