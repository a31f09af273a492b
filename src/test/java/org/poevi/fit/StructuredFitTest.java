package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.poevi.results.FitOutcome;
import org.poevi.spark.Poevi;

/**
 * Fits with a structured expert pool (issue #20, experts.structure = structured), end to end.
 */
class StructuredFitTest {
  private static FitOutcome fit(String config) {
    try (Poevi poevi = Poevi.local().quiet()) {
      return poevi.fit(config);
    }
  }

  /**
   * A 20-D t₈ with Σ = I is in the structured family (one global expert c·M, M ∝ Σ⁻¹): q's
   * draws have its mean 0 and sd √(8/6) in every coordinate. The Monte Carlo error of a mean
   * over 4000 SIR or exact draws is at most about 1/√1000 = 0.03 sd (ESS ≥ 1000), so 0.15 sd is
   * 5 of those; sds within 10% (the sd of a sample sd is about 1/√(2·ESS) relative, 0.02, and the
   * t's heavier tails double it: 0.1 is at least 2.5 of those, plus the fit's own error).
   */
  @Test
  void aStructuredPoolFitsAMultivariateT() {
    FitOutcome o = fit(String.join("\n", "target { type = student-t, dimension = 20, dof = 8 }",
        "experts { structure = structured, count = 16 }", "init.mode-starts = 4",
        "fit { iterations = 6, batch-size = 1024 }", "output.draws = 4000"));
    String json = o.modelJson();
    assertTrue(json.contains("\"metric\"") && json.contains("\"lowRank\"")
        && !json.contains("\"lambda\""), "structured model.json");
    int dim = 20;
    int n = o.drawCount();
    double[] z = o.draws();
    double sd = Math.sqrt(8.0 / 6);
    for (int d = 0; d < dim; d++) {
      double mean = 0;
      double sq = 0;
      for (int i = 0; i < n; i++) {
        mean += z[i * dim + d] / n;
        sq += z[i * dim + d] * z[i * dim + d] / n;
      }
      double s = Math.sqrt(sq - mean * mean);
      assertEquals(0, mean / sd, 0.15, "mean of z[" + (d + 1) + "] in sds");
      assertEquals(1, s / sd, 0.1, "sd ratio of z[" + (d + 1) + "]");
    }
  }

  /**
   * Above D = 100 the structured fit runs the BLAS-3 paths (MALA blocks, blocked Mahalanobis
   * forms, the structured sampler and Q): one seed still fixes the model, whatever the threads.
   */
  @Test
  void aHighDimensionalStructuredFitDoesNotDependOnTheThreads() {
    String config = String.join("\n", "target { type = sinh-arcsinh, dimension = 110 }",
        "experts { structure = structured, count = 8 }", "init { mode-starts = 2,"
            + " gaussian-rounds = 0 }", "fit { iterations = 2, batch-size = 512,"
            + " under-p.move-burn-in = 10 }", "output { draws = 500, plots = false }");
    String one = fit(config + "\nfit.threads = 1").modelJson();
    String two = fit(config + "\nfit.threads = 2").modelJson();
    assertEquals(one, two);
  }
}
