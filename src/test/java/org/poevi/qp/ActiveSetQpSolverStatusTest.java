package org.poevi.qp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.poevi.qp.QpCases.Kind;

/**
 * The outcomes of {@link ActiveSetQpSolver} other than a certified point: APPROXIMATE without a
 * fallback, the hand-over to a fallback and the choice between its answer and the solver's own,
 * and FAILED for a G that is not positive definite, each with a feasible point and a message
 * that names the reason.
 *
 * <p>Not exercised, because no input was found that reaches them: the cap of 10K + 100
 * iterations of one bound-constrained solve (cycling) and the cap of 200 multiplier steps (at
 * most 46 taken over 20 000 random problems with K ≤ 9, positive definite or not).
 */
class ActiveSetQpSolverStatusTest {
  /**
   * Below any KKT residual a solve can reach: rounding alone leaves about K·ε (~1e-16), and a
   * residual of exactly 0 is not reached on this problem (checked by the tests that use it).
   */
  private static final double UNREACHABLE_TOLERANCE = 1e-300;
  private static final QpProblem GENERIC = QpCases.of(Kind.GENERIC, 12, 5).problem();
  private static final QpSolver CERTIFYING = ActiveSetQpSolver.of(
      OjAlgoQpSolver.DEFAULT_TOLERANCE, null);

  /** A fallback that returns a fixed result and counts its calls. */
  private static final class StubFallback implements QpSolver {
    private final QpResult answer;
    private int calls;

    StubFallback(QpResult answer) {
      this.answer = answer;
    }

    @Override
    public QpResult solve(QpProblem problem) {
      calls++;
      return answer;
    }
  }

  @Test
  void withoutAFallbackAPointShortOfTheToleranceIsTheSamePointMarkedApproximate() {
    QpResult certified = CERTIFYING.solve(GENERIC);
    QpResult strict = ActiveSetQpSolver.of(UNREACHABLE_TOLERANCE, null).solve(GENERIC);
    assertEquals(QpResult.Status.OPTIMAL, certified.status(), certified::toString);
    assertEquals(QpResult.Status.APPROXIMATE, strict.status(), strict::toString);
    assertTrue(strict.kktResidual() > UNREACHABLE_TOLERANCE, strict::toString);
    assertTrue(strict.message().endsWith(", KKT residual " + strict.kktResidual() + " above "
        + UNREACHABLE_TOLERANCE), strict.message());
    // The tolerance only decides the label: the same computation, bit for bit.
    assertArrayEquals(certified.solution(), strict.solution(), 0);
    assertFeasible(GENERIC, strict);
  }

  @Test
  void theFallbackIsAskedOnlyForAnUncertifiedPointAndItsOptimalAnswerIsReturned() {
    QpResult answer = new ReferenceQpSolver().solve(GENERIC);
    StubFallback fallback = new StubFallback(answer);
    QpResult certified = ActiveSetQpSolver.of(OjAlgoQpSolver.DEFAULT_TOLERANCE, fallback)
        .solve(GENERIC);
    assertEquals(QpResult.Status.OPTIMAL, certified.status(), certified::toString);
    assertEquals(0, fallback.calls, "a certified point needs no fallback");
    QpResult handedOver = ActiveSetQpSolver.of(UNREACHABLE_TOLERANCE, fallback).solve(GENERIC);
    assertEquals(1, fallback.calls);
    assertSame(answer, handedOver, "the fallback's OPTIMAL answer, as it is");
  }

  /**
   * With ojAlgo as the fallback: its answer is returned with its own status, judged by its own
   * tolerance (1e-9), not by this solver's.
   */
  @Test
  void anUncertifiedPointIsHandedToOjAlgo() {
    QpResult r = ActiveSetQpSolver.of(UNREACHABLE_TOLERANCE, OjAlgoQpSolver.create())
        .solve(GENERIC);
    assertEquals(QpResult.Status.OPTIMAL, r.status(), r::toString);
    assertTrue(r.message().startsWith("ojAlgo ConvexSolver"), r.message());
    assertFeasible(GENERIC, r);
  }

  @Test
  void whenTheFallbackDoesWorseTheOwnPointIsKeptAsApproximate() {
    double[] uniform = new double[GENERIC.numExperts()];
    Arrays.fill(uniform, GENERIC.minSum() / uniform.length);
    QpResult worse = new QpResult(uniform, GENERIC.objective(uniform), QpResult.Status.FAILED, 0,
        0, Double.POSITIVE_INFINITY, "stub: no usable point");
    QpResult r = ActiveSetQpSolver.of(UNREACHABLE_TOLERANCE, new StubFallback(worse))
        .solve(GENERIC);
    assertEquals(QpResult.Status.APPROXIMATE, r.status(), r::toString);
    assertTrue(r.message().contains("not certified (KKT residual " + r.kktResidual()
        + "), and the fallback did worse"), r.message());
    assertArrayEquals(CERTIFYING.solve(GENERIC).solution(), r.solution(), 0);
    assertTrue(r.objective() < worse.objective(), r::toString);
    assertFeasible(GENERIC, r);
  }

  /**
   * G = [[1, 2], [2, 1]] (eigenvalues 3 and −1), with both experts free from the warm start: the
   * first factorisation meets the negative pivot 1 − 4.
   */
  @Test
  void anIndefiniteGFailsWithTheReasonAndTheUniformFeasiblePoint() {
    QpProblem p = QpProblem.of(new double[] {1, 2, 2, 1}, new double[] {1, 1}, 2,
        new double[] {1, 1});
    QpResult r = CERTIFYING.solve(p);
    assertEquals(QpResult.Status.FAILED, r.status(), r::toString);
    assertTrue(r.message().contains("quadratic (G) is not numerically positive definite: the"
        + " Cholesky factorisation of its block on 2 free experts failed at pivot 2"),
        r.message());
    assertArrayEquals(new double[] {1, 1}, r.solution(), 0, "c/K");
    // f(1, 1) = ½ (1 + 2 + 2 + 1) − (1 + 1) = 1.
    assertEquals(1, r.objective(), 0);
    assertFeasible(p, r);
    // The default solver hands it to ojAlgo, whose factorisation of the whole G fails too.
    QpResult viaFallback = ActiveSetQpSolver.create().solve(p);
    assertEquals(QpResult.Status.FAILED, viaFallback.status(), viaFallback::toString);
    assertTrue(viaFallback.message().contains("quadratic (G) is not numerically positive"
        + " definite"), viaFallback.message());
    assertFeasible(p, viaFallback);
  }

  /**
   * A singular G (positive semi-definite: its third column is the sum of the first two), from
   * a cold start with h = (1, 1, 1.9): expert 2 is freed first (α = 0.95), then 0 and 1, whose
   * gradients are then −0.05 and −0.1; the block on all three has the exact pivot 2 − 1 − 1 = 0.
   */
  @Test
  void aSingularGFailsWithTheReason() {
    QpProblem p = QpProblem.of(new double[] {1, 0, 1, 0, 1, 1, 1, 1, 2},
        new double[] {1, 1, 1.9}, 1);
    QpResult r = CERTIFYING.solve(p);
    assertEquals(QpResult.Status.FAILED, r.status(), r::toString);
    assertTrue(r.message().contains("its block on 3 free experts failed at pivot 3"),
        r.message());
    assertFeasible(p, r);
  }

  /** α ≥ 0 and Σα ≥ c, the sum to its rounding (K·ε relative, as in assertKkt). */
  private static void assertFeasible(QpProblem p, QpResult r) {
    double[] a = r.solution();
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      assertTrue(a[i] >= 0, "alpha[" + i + "] = " + a[i] + " >= 0");
      sum += a[i];
    }
    assertTrue(sum >= p.minSum() * (1 - a.length * 0x1p-53), "sum(alpha) = " + sum + " >= c = "
        + p.minSum());
    assertEquals(p.objective(a), r.objective(), 0, "the objective is f at the solution");
  }
}
