package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link HiddenMassCheck}: exact draws of q pass, draws that miss part of q fail. The check is a
 * {@value HiddenMassCheck#MAX_Z}-standard-error test of a mean that is 0 for draws of q, with
 * fixed seeds.
 */
class HiddenMassCheckTest {
  private static final int DRAWS = 10_000;

  /** Draws of f: exact where rejection is practical, else SIR from a large pool. */
  private static SampleResult exact(ProductOfExperts f) {
    SampleResult r = FeynmanSampler.of(f).sample(SampleOptions.builder().draws(DRAWS).seed(3)
        .normalizerDraws(400_000).threads(2).build());
    assertTrue(r.drawsEss() > 0.3 * DRAWS, "draws ESS " + r.drawsEss());
    return r;
  }

  /**
   * Draws of a correlated 2-D product (exact) and of a bimodal 1-D one (SIR, over 30% of them
   * effective) stay draws of q.
   */
  @Test
  void exactDrawsPass() {
    for (ProductOfExperts f : new ProductOfExperts[] {TestModels.correlated2d().family(),
        TestModels.bimodal1d().family()}) {
      SampleResult r = exact(f);
      HiddenMassCheck.Result check = HiddenMassCheck.run(f, r.draws(), DRAWS, r.drawsEss(), 1,
          2);
      assertTrue(check.passed(), check.describe());
      // Not a statistical tolerance: h adapts towards 0.574, and a rate far from it would mean
      // the adaptation failed (chains that never move pass the drift test trivially).
      assertTrue(check.acceptance() > 0.3 && check.acceptance() < 0.9, check.describe());
    }
  }

  /**
   * Draws that miss q's outer mass (exact draws pulled to 60% of their distance from the mean,
   * as importance samplers built around q's bulk give) fail: the chains spread out again and the
   * mean of log q falls by far more than its standard error. The same with the draws of one mode
   * of the bimodal product only.
   */
  @Test
  void drawsThatMissMassFail() {
    ProductOfExperts f = TestModels.correlated2d().family();
    double[] z = exact(f).draws().clone();
    double[] mean = org.poevi.math.SampleMoments.mean(z, DRAWS, 2);
    for (int i = 0; i < DRAWS; i++) {
      for (int d = 0; d < 2; d++) {
        z[i * 2 + d] = mean[d] + 0.6 * (z[i * 2 + d] - mean[d]);
      }
    }
    HiddenMassCheck.Result narrow = HiddenMassCheck.run(f, z, DRAWS, DRAWS, 1, 2);
    assertFalse(narrow.passed(), narrow.describe());
    assertTrue(narrow.drift() < 0, narrow.describe());

    ProductOfExperts bimodal = TestModels.bimodal1d().family();
    double[] all = exact(bimodal).draws();
    double[] left = new double[DRAWS];
    int n = 0;
    for (int i = 0; i < DRAWS; i++) {
      if (all[i] < 0) {
        left[n++] = all[i];
      }
    }
    HiddenMassCheck.Result oneMode = HiddenMassCheck.run(bimodal, left, n, n, 1, 2);
    assertFalse(oneMode.passed(), oneMode.describe());
  }

  /** Above {@value HiddenMassCheck#MAX_DIM} dimensions the check is not run (null). */
  @Test
  void highDimensionsAreNotChecked() {
    int dim = HiddenMassCheck.MAX_DIM + 1;
    ProductOfExperts f = TestModels.random(dim, 2, 1, 5);
    double[] z = new double[4 * dim];
    assertEquals(null, HiddenMassCheck.run(f, z, 4, 4, 1, 1));
  }

  /** A validation marked as missing mass keeps its estimates and says so. */
  @Test
  void aValidationMarkedMissingMassKeepsItsEstimates() {
    org.poevi.math.LogMeanEstimate e = new org.poevi.math.LogMeanEstimate(-1.5, 0.01, 1000,
        0.2, 1000);
    NormalizerValidation v = new NormalizerValidation(e, e, true,
        NormalizerValidation.Source.DIRICHLET, java.util.List.of());
    assertFalse(v.massMissed());
    double[] points = {1, 2, 3, 4};
    NormalizerValidation marked = v.withMassMissed(points);
    assertTrue(marked.massMissed());
    assertArrayEquals(points, marked.massPoints());
    assertEquals(v.chosenEstimate(), marked.chosenEstimate());
  }
}
