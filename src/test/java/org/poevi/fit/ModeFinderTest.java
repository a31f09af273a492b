package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.math.RandomStreams;
import org.poevi.math.SymmetricEigen;
import org.poevi.targets.GaussianMixtureTarget;
import org.poevi.targets.posteriordb.EightSchoolsTarget;

/** The mode search keeps stationary points only; curvatures are floored relative to their top. */
class ModeFinderTest {
  @Test
  void findsEveryModeOfAMixture() {
    GaussianMixtureTarget t = GaussianMixtureTarget.defaultMixture();
    List<ModeFinder.Mode> modes = ModeFinder.find(t, 16, 3, RandomStreams.of(1), 1).modes();
    assertEquals(3, modes.size());
    for (ModeFinder.Mode m : modes) {
      double[] g = new double[2];
      t.logDensity(m.location().clone(), g);
      // L-BFGS stops at gradient 1e-8 relative; far below the 0.2 decrement the search allows.
      assertTrue(Math.hypot(g[0], g[1]) < 1e-4, "gradient at a mode " + Math.hypot(g[0], g[1]));
    }
  }

  /**
   * The centred eight-schools density is unbounded (τ → 0 with every θ_j = μ): every L-BFGS run
   * heads down the funnel's neck (log τ ≈ −33 when the line search gives up) and none of these
   * end points is a mode.
   */
  @Test
  void runawaysDownAFunnelNeckAreNotModes() {
    EightSchoolsTarget t = EightSchoolsTarget.read(Path.of(
        "conf/posteriordb/eight_schools-eight_schools_centered/data.json"), true);
    assertEquals(List.of(), ModeFinder.find(t, 8, 2, RandomStreams.of(1), 1).modes());
  }

  @Test
  void curvaturesAreFlooredRelativeToTheLargest() {
    double[] h = {1e12, 0, 0, 1};
    SymmetricEigen e = SymmetricEigen.of(Hessians.floored(h, 2, 1e-3), 2);
    // Eigenvalues are exact here up to dsyev's rounding of 1e12 (relative 1e-15).
    assertEquals(1e12 / Hessians.MAX_CONDITION, e.minValue(), 1e-9 * e.minValue());
    assertEquals(1e12, e.maxValue(), 1e-3);
    SymmetricEigen kept = SymmetricEigen.of(Hessians.floored(new double[] {4, 1, 1, 3}, 2, 1e-3),
        2);
    // A well-conditioned matrix is unchanged: eigenvalues (7 ± √5)/2.
    assertEquals((7 - Math.sqrt(5)) / 2, kept.minValue(), 1e-12);
  }
}
