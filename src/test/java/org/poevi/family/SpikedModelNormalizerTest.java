package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A fitted model whose density has a sharp spike away from its bulk (a product of experts fitted
 * to a 4-D funnel: experts with curvature 3·10³ at the funnel's neck). Its Feynman weights keep
 * one effective draw, and a z-space proposal adapted from q's Laplace approximation sits on the
 * spike, never draws the bulk, and reported log C = −164.4 with seed 7, 49 nats low. The defensive
 * components of the proposal (both candidate starts kept) must find the bulk for every seed.
 */
class SpikedModelNormalizerTest {
  /**
   * log C by an independent numpy importance sampler (jobs/design-study-check.py: a t₃ and Cauchy
   * defensive mixture fitted to 10⁴ draws, 10⁶ draws) = −115.592 ± 0.004.
   */
  private static final double INDEPENDENT = -115.592;

  @Test
  void theNormaliserFindsTheBulkForEverySeed() throws IOException, URISyntaxException {
    ProductOfExperts family = ModelJson.read(Path.of(getClass().getResource(
        "spiked-funnel-4d.json").toURI())).family();
    for (long seed : new long[] {1, 3, 7}) {
      ValidatedSampler.Outcome o = ValidatedSampler.sample(family, SampleOptions.builder()
          .draws(2000).seed(seed).threads(2).build());
      // 0.1 nats is the acceptance tolerance; the estimate's own SE is about 0.006 and the
      // independent one's 0.004, so a correct estimate misses it with negligible probability.
      assertEquals(INDEPENDENT, o.normalizer().chosenEstimate().estimate(), 0.1,
          "seed " + seed + ": " + o.normalizer());
    }
  }
}
