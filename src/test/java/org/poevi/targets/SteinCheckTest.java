package org.poevi.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.poevi.targets.posteriordb.PosteriorDbTargetsTest;

/**
 * Stein's identity E_p[∇log p(u)] = 0 on the posteriordb reference draws (issue acceptance: the
 * mean of the analytic score over the unconstrained reference draws is 0 within 4 standard errors,
 * coordinate by coordinate). A wrong transform, Jacobian or prior term shifts the mean score of
 * some coordinate by O(1) per draw, which is many standard errors for most coordinates (see
 * {@link #POWERED_COORDINATE} for where it is not).
 *
 * <p><b>Standard error.</b> The draws are 10 chains of 1000 thinned NUTS draws and may be
 * autocorrelated, in which case sd/√n would understate the error. We use batch means: each chain
 * is cut into 10 batches of 100 consecutive draws, giving 100 batch means m_b, and SE =
 * sd(m_b)/√100. Batches of 100 thinned draws are far longer than the chains' autocorrelation time
 * (after thinning by 10 the lag-1 autocorrelation of every coordinate is below 0.03), so the batch
 * means are nearly independent, each with the variance of the mean of 100 possibly correlated
 * draws, and their spread estimates Var(overall mean) × 100 without assuming independent draws;
 * batches in different chains are independent. 100 batches give 99 degrees of freedom, so
 * |z| &gt; 4 has probability about 1e-4 per coordinate under the null (t with 99 df), under 1% over
 * the 49 coordinates. The draws are fixed files, so the test is deterministic.
 */
class SteinCheckTest {
  private static final double Z = 4;
  private static final int BATCH = 100;

  /** Mean score and its batch-means SE per coordinate. */
  private record Scores(double[] mean, double[] standardError) {}

  private static Scores scores(Target target, ReferenceDraws draws) {
    int dim = target.dim();
    int n = draws.count;
    assertEquals(0, n % BATCH, "draws split into whole batches");
    int batches = n / BATCH;
    double[][] batchMeans = new double[batches][dim];
    double[] g = new double[dim];
    for (int i = 0; i < n; i++) {
      // A batch never straddles two chains: every chain holds a whole number of batches.
      assertEquals(draws.chains[i - i % BATCH], draws.chains[i], "batch within one chain");
      double lp = target.logDensity(draws.draw(i), g);
      assertTrue(Double.isFinite(lp), target.name() + ": log density at draw " + i + " is " + lp);
      for (int d = 0; d < dim; d++) {
        assertTrue(Double.isFinite(g[d]), target.name() + ": score " + d + " at draw " + i);
        batchMeans[i / BATCH][d] += g[d] / BATCH;
      }
    }
    double[] mean = new double[dim];
    double[] se = new double[dim];
    for (int d = 0; d < dim; d++) {
      double sum = 0;
      for (double[] b : batchMeans) {
        sum += b[d];
      }
      double m = sum / batches;
      double ss = 0;
      for (double[] b : batchMeans) {
        ss += (b[d] - m) * (b[d] - m);
      }
      mean[d] = m;
      se[d] = Math.sqrt(ss / (batches - 1) / batches);
    }
    return new Scores(mean, se);
  }

  /**
   * For the power check: a coordinate z_d = log of a positive parameter, whose log-Jacobian term
   * is +z_d. Doubling or dropping that term moves its score by ±1 at every draw, which these draws
   * detect with |z| = 77 (non-centred eight schools, log_tau), 23 (centred, log_tau), 17 (garch11,
   * log_alpha0) and 5.8 (mixture, log_sigma[1]). arK and gp_pois_regr are absent on purpose: their
   * Jacobian coordinates' scores vary too much between draws (SE 0.21 for arK's log_sigma, 0.74 and
   * 0.68 for log_rho and log_alpha) for a shift of 1 to reach 4 SE (3.1, 1.3 and 3.4), so for them
   * the Jacobian is checked by PosteriorDbTargetsTest's value test instead.
   */
  private static final Map<String, String> POWERED_COORDINATE = Map.of(
      "eight_schools-eight_schools_noncentered", "log_tau",
      "eight_schools-eight_schools_centered", "log_tau",
      "garch-garch11", "log_alpha0",
      "low_dim_gauss_mix-low_dim_gauss_mix", "log_sigma[1]");

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.poevi.targets.ReferenceDraws#posteriors")
  void meanScoreIsZeroWithinFourStandardErrors(String posterior) {
    Target target = ReferenceDraws.target(posterior);
    ReferenceDraws draws = ReferenceDraws.read(posterior);
    assertEquals(target.parameterNames(), draws.names, posterior + ": columns");
    assertEquals(10_000, draws.count, posterior + ": draws");
    Scores s = scores(target, draws);
    for (int d = 0; d < target.dim(); d++) {
      double z = s.mean()[d] / s.standardError()[d];
      assertTrue(Math.abs(z) <= Z, posterior + ": mean score of " + draws.names.get(d) + " is "
          + s.mean()[d] + " = " + z + " standard errors (" + s.standardError()[d] + ") from 0");
    }
    // Power: a target whose Jacobian term +z_d were doubled (or dropped) has score +1 (or −1)
    // in coordinate d; the same draws must reject it.
    String powered = POWERED_COORDINATE.get(posterior);
    if (powered != null) {
      int d = draws.names.indexOf(powered);
      double shifted = (s.mean()[d] + 1) / s.standardError()[d];
      assertTrue(Math.abs(shifted) > Z, posterior + ": a wrong Jacobian of " + powered
          + " gives only z = " + shifted);
    }
  }
}
