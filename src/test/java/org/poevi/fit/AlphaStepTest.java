package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.poevi.qp.ActiveSetQpSolver;
import org.poevi.qp.QpResult;
import org.poevi.qp.QpSolver;

/**
 * The α-step on its own, against the closed form of the proximal QP: where no constraint binds,
 * α' solves (G + λI)α = h + λα_prev with λ = trace(G)/(K·η); the sum constraint and α ≥ 0 bind
 * where the closed form would break them; the growth cap scales an over-long step back.
 */
class AlphaStepTest {
  private static final double[] G = {2, 0.5, 0, 0.5, 1, 0, 0, 0, 3};

  /** The objective with one batch whose normalised G, h and ‖s‖² are the given ones. */
  private static Quadratic objective(double[] g, double[] h, double scoreNorm) {
    return new Quadratic.Averaged(g.clone(), h.clone(), scoreNorm, 1);
  }

  /** x solving the 3×3 system a x = b (Cramer's rule: small, exact enough at 1e-15). */
  private static double[] solve3(double[] a, double[] b) {
    double det = det(a);
    double[] x = new double[3];
    for (int c = 0; c < 3; c++) {
      double[] m = a.clone();
      for (int r = 0; r < 3; r++) {
        m[r * 3 + c] = b[r];
      }
      x[c] = det(m) / det;
    }
    return x;
  }

  private static double det(double[] m) {
    return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
        + m[2] * (m[3] * m[7] - m[4] * m[6]);
  }

  /**
   * Interior solution: the QP's answer is the closed form. The active-set solver ends with one
   * exact KKT solve on the free set, so the only error is rounding in a 3×3 system of condition
   * number about 4: 1e-12 is a thousand times the rounding and far below any real error.
   */
  @Test
  void anInteriorStepIsTheProximalClosedForm() {
    double[] h = {1, 2, 1.5};
    double[] previous = {1, 1, 1};
    double eta = 10;
    AlphaStep step = new AlphaStep(ActiveSetQpSolver.create(), 0.5, Double.POSITIVE_INFINITY);
    AlphaStep.Result r = step.take(objective(G, h, 4), previous, eta);
    double lambda = 6.0 / (3 * eta);
    double[] a = G.clone();
    double[] b = h.clone();
    for (int i = 0; i < 3; i++) {
      a[i * 4] += lambda;
      b[i] += lambda * previous[i];
    }
    double[] expected = solve3(a, b);
    assertArrayEquals(expected, r.alpha(), 1e-12);
    assertFalse(r.capped());
    assertFalse(r.failed());
    assertEquals(AlphaStep.distance(expected, previous), r.delta(), 1e-12);
    Quadratic f = objective(G, h, 4);
    double before = f.value(previous);
    double after = f.value(r.alpha());
    assertEquals((before - after) / Math.abs(after), r.objectiveChange(), 1e-12);
    assertTrue(r.objectiveChange() > 0, "a proximal step lowers the objective");
  }

  /** With h pulling towards 0, the constraint Σα ≥ c binds: the step lands on Σα = c. */
  @Test
  void theSumConstraintBinds() {
    double[] h = {0.01, 0.01, 0.01};
    AlphaStep step = new AlphaStep(ActiveSetQpSolver.create(), 2.5, Double.POSITIVE_INFINITY);
    AlphaStep.Result r = step.take(objective(G, h, 1), new double[] {1, 1, 1}, 100);
    // The KKT tolerance of the active-set solver is relative 1e-9; Σα is then c to that.
    assertEquals(2.5, AlphaStep.sum(r.alpha()), 1e-8);
    for (double v : r.alpha()) {
      assertTrue(v >= 0, "alpha >= 0: " + v);
    }
  }

  /** An expert the scores push away from gets α exactly 0 (the QP prunes it). */
  @Test
  void aNegativeDirectionIsPrunedToZero() {
    double[] h = {3, 2, -5};
    AlphaStep step = new AlphaStep(ActiveSetQpSolver.create(), 0.5, Double.POSITIVE_INFINITY);
    AlphaStep.Result r = step.take(objective(G, h, 1), new double[] {1, 1, 1}, 100);
    assertEquals(0, r.alpha()[2]);
    assertTrue(r.alpha()[0] > 0 && r.alpha()[1] > 0);
  }

  /**
   * The growth cap: a QP answer whose Σα is more than cap·Σα_prev is scaled back to exactly
   * that (to rounding: 1e-12 relative), keeping its direction, and its objective change is NaN
   * (it is not the QP's answer, so it says nothing about convergence).
   */
  @Test
  void theGrowthCapScalesAnOverLongStepBack() {
    double[] h = {20, 20, 20};
    double[] previous = {1, 1, 1};
    AlphaStep free = new AlphaStep(ActiveSetQpSolver.create(), 0.5, Double.POSITIVE_INFINITY);
    AlphaStep capped = new AlphaStep(ActiveSetQpSolver.create(), 0.5, 1.2);
    AlphaStep.Result uncapped = free.take(objective(G, h, 1), previous, 10);
    AlphaStep.Result r = capped.take(objective(G, h, 1), previous, 10);
    assertTrue(AlphaStep.sum(uncapped.alpha()) > 1.2 * 3, "the QP's answer grows past the cap");
    assertTrue(r.capped());
    assertEquals(1.2 * 3, AlphaStep.sum(r.alpha()), 1e-12 * 3.6);
    double scale = AlphaStep.sum(r.alpha()) / AlphaStep.sum(uncapped.alpha());
    for (int i = 0; i < 3; i++) {
      assertEquals(uncapped.alpha()[i] * scale, r.alpha()[i], 1e-12);
    }
    assertTrue(Double.isNaN(r.objectiveChange()));
    assertFalse(uncapped.capped());
  }

  /** A failed QP is reported as such, with no α. */
  @Test
  void aFailedQpIsReported() {
    QpSolver failing = problem -> new QpResult(problem.warmStart(), 0, QpResult.Status.FAILED,
        1, 0, Double.POSITIVE_INFINITY, "test: the solver gave up");
    AlphaStep.Result r = new AlphaStep(failing, 0.5, 1.2).take(objective(G, new double[] {1, 1,
        1}, 1), new double[] {1, 1, 1}, 10);
    assertTrue(r.failed());
    assertEquals("test: the solver gave up", r.qp().message());
  }
}
