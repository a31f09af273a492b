package org.poevi.qp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.poevi.qp.QpCases.Case;

/**
 * The specialised solver against the reference solver and ojAlgo on the random problems of
 * {@link QpCases} (every kind: binding sum, rank-deficient data, ties, h = 0, sparse solutions,
 * entries of G over nine decades), cold and warm-started, without the fallback so that its own
 * answers are what is checked.
 */
class ActiveSetQpSolverTest {
  /** Agreement with the reference, relative to max|α| (the reference's own accuracy, 1e-9). */
  private static final double AGREEMENT = 1e-6;
  private static final QpSolver SOLVER = ActiveSetQpSolver.of(OjAlgoQpSolver.DEFAULT_TOLERANCE,
      null);
  private static final QpSolver REFERENCE = new ReferenceQpSolver();

  static java.util.List<Case> cases() {
    return QpCases.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void agreesWithTheReferenceAndCertifiesItsKktConditions(Case c) {
    QpProblem p = c.problem();
    QpResult got = SOLVER.solve(p);
    assertEquals(QpResult.Status.OPTIMAL, got.status(), got::toString);
    double[] a = got.solution();
    double[] b = REFERENCE.solve(p).solution();
    double scale = ReferenceQpSolver.maxAbs(b);
    for (int i = 0; i < a.length; i++) {
      assertEquals(b[i], a[i], AGREEMENT * scale, c + ": alpha[" + i + "]");
    }
    OjAlgoQpSolverTest.assertKkt(p, a, c.toString());
    assertTrue(Arrays.stream(a).sum() >= p.minSum(), "feasible sum");
  }

  /**
   * Warm starts (the previous α, perturbed, infeasible, uniform, with every zero raised to 1e-6)
   * change the path, not the answer: the same active set's solve, to rounding (1e-10 of max|α|).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("org.poevi.qp.OjAlgoQpSolverTest#warmStarts")
  void warmStartsGiveTheSameAnswer(Case c) {
    QpProblem p = c.problem();
    double[] cold = SOLVER.solve(p).solution();
    for (double[] warm : OjAlgoQpSolverTest.warmStartsAround(cold, p.minSum())) {
      QpResult r = SOLVER.solve(QpProblem.of(p.quadratic(), p.linear(), p.minSum(), warm));
      assertEquals(QpResult.Status.OPTIMAL, r.status(), r::toString);
      assertArrayEquals(cold, r.solution(), 1e-10 * ReferenceQpSolver.maxAbs(cold),
          c + " warm-started");
    }
  }
}
