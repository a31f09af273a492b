package org.poevi.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.poevi.targets.posteriordb.EightSchoolsTarget;

/**
 * Each posteriordb model's constrained parameters against posteriordb's own constrained draws:
 * the same 10,000 draws on both scales, so {@link Target#constrain} applied to the unconstrained
 * draw must give the constrained one, under posteriordb's names.
 */
class ConstrainedScaleTest {
  /**
   * The files hold 9 significant digits, so both sides carry a relative rounding of 5e-9; exp and
   * logistic transforms pass it on with a factor of order one, and θ = μ + τ·θ̃ adds the rounding
   * of μ and τ·θ̃ (relative to |μ| + |τ·θ̃|). 1e-7 of the terms' scale covers that with margin.
   * The GP's f = L·f̃ sums 11 terms of a badly conditioned L: f̃ was recovered by posteriordb with
   * a solve whose error the README mentions, so f is held to 1e-5 of Σ|L_ij f̃_j| + 1e-6.
   */
  @ParameterizedTest
  @MethodSource("org.poevi.targets.ReferenceDraws#posteriors")
  void constrainMapsTheUnconstrainedDrawsOntoTheConstrainedOnes(String posterior) {
    Target t = ReferenceDraws.target(posterior);
    ReferenceDraws free = ReferenceDraws.read(posterior);
    ReferenceDraws fixed = ReferenceDraws.readConstrained(posterior);
    assertEquals(fixed.names, t.constrainedNames());
    boolean gp = posterior.startsWith("gp_pois_regr");
    double[] out = new double[fixed.dim];
    for (int i = 0; i < free.count; i += 7) {
      double[] z = free.draw(i);
      t.constrain(z, out);
      double[] expected = fixed.draw(i);
      for (int d = 0; d < fixed.dim; d++) {
        double scale = Math.abs(expected[d]) + Math.abs(out[d]) + scaleOf(t, z, d);
        double tolerance = gp && d >= 2 ? 1e-5 * scale + 1e-6 : 1e-7 * scale + 1e-12;
        assertEquals(expected[d], out[d], tolerance, posterior + " draw " + i + " "
            + fixed.names.get(d));
      }
    }
  }

  /** The size of the terms that make up constrained coordinate d (for the rounding bound). */
  private static double scaleOf(Target t, double[] z, int d) {
    if (t instanceof EightSchoolsTarget) {
      int n = z.length - 2;
      return d < n ? Math.abs(z[n]) + Math.exp(z[n + 1]) * Math.abs(z[d]) : 0;
    }
    return 0;
  }
}
