package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.poevi.spark.Poevi;

/**
 * experts.seed (issue #19, item 6b): 0 draws the pool's locations from fit.seed's streams, as
 * before the key existed; another value seeds them alone, so that the pool's effect on a fit can
 * be studied apart from the batches' (`benchmark sensitivity`).
 */
class PoolSeedTest {
  private static final String LIGHT = String.join("\n", "target.type = banana",
      "experts.count = 8", "init.gaussian-rounds = 2", "init.gaussian-draws = 2000",
      "init.mode-starts = 4", "fit.iterations = 3", "fit.batch-size = 600",
      "output.draws = 2000", "fit.seed = 3");

  private static String model(String extra) {
    try (Poevi poevi = Poevi.local().quiet()) {
      return poevi.fit(LIGHT + "\n" + extra).modelJson();
    }
  }

  @Test
  void thePoolSeedDefaultsToTheFitSeedAndOtherwiseMovesThePoolAlone() {
    String plain = model("");
    assertEquals(plain, model("experts.seed = 3"), "experts.seed = fit.seed is the default");
    // Another pool seed moves the bulk centres (over the same preliminary Gaussian): another
    // model.
    assertNotEquals(plain, model("experts.seed = 4"));
  }
}
