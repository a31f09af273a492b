package org.poevi.qp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Validation, copying and the objective of {@link QpProblem}. */
class QpProblemTest {
  private static final double[] G = {2, 0.5, 0.5, 1};
  private static final double[] H = {1, -1};

  static Stream<Arguments> invalidProblems() {
    return Stream.of(
        Arguments.of("NaN in G", "quadratic (G)[0][1]",
            (Executable) () -> QpProblem.of(new double[] {2, Double.NaN, 0.5, 1}, H, 1)),
        Arguments.of("infinite G", "quadratic (G)[1][1]",
            (Executable) () -> QpProblem.of(new double[] {2, 0.5, 0.5, Double.POSITIVE_INFINITY},
                H, 1)),
        Arguments.of("non-symmetric G", "G must be symmetric",
            (Executable) () -> QpProblem.of(new double[] {2, 0.5, 0.4, 1}, H, 1)),
        Arguments.of("zero diagonal", "quadratic (G)[1][1] = 0.0",
            (Executable) () -> QpProblem.of(new double[] {2, 0, 0, 0}, H, 1)),
        Arguments.of("G too short", "quadratic (G) must have K*K = 4",
            (Executable) () -> QpProblem.of(new double[] {2, 0.5, 0.5}, H, 1)),
        Arguments.of("G for another K", "quadratic (G) must have K*K = 9",
            (Executable) () -> QpProblem.of(G, new double[] {1, 2, 3}, 1)),
        Arguments.of("null G", "quadratic (G)",
            (Executable) () -> QpProblem.of(null, H, 1)),
        Arguments.of("empty h", "linear (h)",
            (Executable) () -> QpProblem.of(new double[0], new double[0], 1)),
        Arguments.of("NaN in h", "linear (h)[1]",
            (Executable) () -> QpProblem.of(G, new double[] {1, Double.NaN}, 1)),
        Arguments.of("c = 0", "minSum (c",
            (Executable) () -> QpProblem.of(G, H, 0)),
        Arguments.of("c < 0", "minSum (c",
            (Executable) () -> QpProblem.of(G, H, -1)),
        Arguments.of("c NaN", "minSum (c",
            (Executable) () -> QpProblem.of(G, H, Double.NaN)),
        Arguments.of("c infinite", "minSum (c",
            (Executable) () -> QpProblem.of(G, H, Double.POSITIVE_INFINITY)),
        Arguments.of("warm start of wrong length", "warmStart must have K = 2",
            (Executable) () -> QpProblem.of(G, H, 1, new double[] {1})),
        Arguments.of("NaN warm start", "warmStart[0]",
            (Executable) () -> QpProblem.of(G, H, 1, new double[] {Double.NaN, 1})));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidProblems")
  void invalidInputThrowsWithAOneLineMessageNamingIt(String label, String named,
      Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build, label);
    assertTrue(e.getMessage().contains(named), label + ": " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), label);
  }

  @Test
  void roundingLevelAsymmetryIsAcceptedAndSymmetrised() {
    double off = 0.5 * (1 + 1e-13);
    QpProblem p = QpProblem.of(new double[] {2, 0.5, off, 1}, H, 1);
    double[] g = p.quadratic();
    assertEquals(g[1], g[2], 0.0);
    assertEquals(0.5 * (0.5 + off), g[1], 0.0);
  }

  @Test
  void arraysAreCopiedInAndOut() {
    double[] g = G.clone();
    double[] h = H.clone();
    double[] warm = {1, 1};
    QpProblem p = QpProblem.of(g, h, 1, warm);
    g[0] = 99;
    h[0] = 99;
    warm[0] = 99;
    assertArrayEquals(G, p.quadratic(), 0.0);
    assertArrayEquals(H, p.linear(), 0.0);
    assertArrayEquals(new double[] {1, 1}, p.warmStart(), 0.0);
    p.quadratic()[0] = 42;
    p.linear()[0] = 42;
    assertArrayEquals(G, p.quadratic(), 0.0);
    assertArrayEquals(H, p.linear(), 0.0);
    assertEquals(p, QpProblem.of(G, H, 1, new double[] {1, 1}));
    assertTrue(p.hasWarmStart());
    assertNull(QpProblem.of(G, H, 1).warmStart());
    assertEquals(2, p.numExperts());
  }

  @Test
  void objectiveIsHalfQuadraticMinusLinear() {
    QpProblem p = QpProblem.of(G, H, 1);
    // ½(2·1 + 2·0.5·1·2 + 1·4) − (1 − 2) = ½·8 + 1 = 5.
    assertEquals(5, p.objective(new double[] {1, 2}), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> p.objective(new double[] {1}));
  }

  @Test
  void resultRejectsNonFiniteValuesAndCopies() {
    assertThrows(IllegalStateException.class, () -> new QpResult(new double[] {Double.NaN}, 0,
        QpResult.Status.OPTIMAL, 1, 1, 0, "m"));
    assertThrows(IllegalStateException.class, () -> new QpResult(new double[] {1}, Double.NaN,
        QpResult.Status.OPTIMAL, 1, 1, 0, "m"));
    double[] a = {1, 0};
    QpResult r = new QpResult(a, -1, QpResult.Status.OPTIMAL, 1, 1, 0, "m");
    a[0] = 5;
    r.solution()[1] = 5;
    assertArrayEquals(new double[] {1, 0}, r.solution(), 0.0);
    assertEquals(1, r.numActive());
  }
}
