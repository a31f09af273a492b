package org.poevi.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.cli.ArmaTarget;
import org.poevi.fit.GaussianResult;
import org.poevi.fit.StopReason;
import org.poevi.spark.Poevi;
import org.poevi.spark.PoeviFit;

/**
 * The Gaussian baselines do not fail silently (issue #19): on an ARMA(1, 1) posterior that is
 * −∞ wherever its recursion explodes, started from N(0, I), ADVI that runs out of iterations
 * says so, BaM stops with a warning instead of an internal LAPACK error, and both report the
 * PSIS k̂ of their Gaussian, with a warning when it misses p.
 */
class BaselineWarningsTest {
  private static PoeviFit fit(String method, String settings) {
    try (Poevi poevi = Poevi.local().quiet()) {
      // From N(0, I), the start these warnings are about (the default starts at the mode).
      return poevi.fit(new ArmaTarget(ConfigFactory.empty()), "fit.method = " + method + "\n"
          + "fit." + method.replaceFirst("-.*", "") + ".init = standard\n" + settings
          + "\noutput.draws = 2000");
    }
  }

  private static boolean has(List<String> warnings, String start) {
    return warnings.stream().anyMatch(w -> w.startsWith(start));
  }

  @Test
  void adviThatRunsOutOfIterationsSaysSoAndItsKhatIsReported() {
    PoeviFit fit = fit("advi-fullrank", "fit.advi.iterations = 50");
    assertEquals(StopReason.MAX_ITERATIONS, ((GaussianResult) fit.result()).stop());
    assertTrue(has(fit.warnings(), "advi-fullrank did not converge in 50 iterations"),
        fit.warnings().toString());
    assertTrue(fit.summary().has("psisKhat"), "summary.json reports k-hat");
    assertEquals(fit.psisKhat() > 0.7, has(fit.warnings(), "PSIS k-hat of log p - log q is"),
        fit.warnings().toString());
  }

  @Test
  void bamThatMeetsAnExplodingTargetStopsWithAWarning() {
    PoeviFit fit = fit("bam", "");
    // From N(0, I) its first batch reaches |θ| > 1, where the recursion explodes (seed 1).
    assertEquals(StopReason.DIVERGED, ((GaussianResult) fit.result()).stop());
    assertTrue(has(fit.warnings(), "bam stopped at iteration 1:"), fit.warnings().toString());
    assertFalse(Double.isNaN(fit.psisKhat()), "k-hat of the output draws");
  }

  /** An update from numbers near overflow is refused, not passed to LAPACK's dsyev. */
  @Test
  void anUpdateThatCannotBeDecomposedIsRefused() {
    int dim = 2;
    int batch = 4;
    double[] z = {1e300, -1e300, 2e300, 1, -3e300, 2, 1, 1e300};
    double[] g = {1e300, 1e300, -1e300, 2, 3, -1e300, 1, 1};
    double[] mu = {0, 0};
    double[] sigma = {1, 0, 0, 1};
    assertFalse(Bam.update(z, g, batch, dim, mu, sigma, 1, new double[dim],
        new double[dim * dim]));
  }
}
