package org.poevi.qp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.poevi.math.SymmetricEigen;
import org.poevi.qp.QpCases.Case;

/**
 * The specialised solver against the reference solver and ojAlgo on the random problems of
 * {@link QpCases} (every kind: binding sum, rank-deficient data, ties, h = 0, sparse solutions,
 * entries of G over nine decades), cold and warm-started, and on problems of a fit's size
 * (K = 325, {@link QpCases#fitSize}), without the fallback so that its own answers are what is
 * checked. Its other outcomes are in {@link ActiveSetQpSolverStatusTest}.
 */
class ActiveSetQpSolverTest {
  /** Agreement with the reference, relative to max|α| (the reference's own accuracy, 1e-9). */
  private static final double AGREEMENT = 1e-6;
  /** The number of experts of a fit: the default pool (docs/benchmarks.md). */
  private static final int FIT_K = 325;
  private static final QpSolver SOLVER = ActiveSetQpSolver.of(OjAlgoQpSolver.DEFAULT_TOLERANCE,
      null);
  private static final QpSolver REFERENCE = new ReferenceQpSolver();

  static List<Case> cases() {
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

  /** A fit-size problem, its reference solution, and the extreme eigenvalues of G. */
  private record FitSize(QpProblem problem, QpResult reference, double lambdaMin,
      double lambdaMax) {}

  /** Built once per kind (the reference takes ~0.6 s at K = 325) and shared by the tests. */
  private static final Map<Boolean, FitSize> FIT_SIZE = new ConcurrentHashMap<>();

  private static FitSize fitSize(boolean bindingSum) {
    return FIT_SIZE.computeIfAbsent(bindingSum, binding -> {
      QpProblem p = QpCases.fitSize(FIT_K, 1, binding);
      SymmetricEigen spectrum = SymmetricEigen.of(p.quadratic(), FIT_K);
      return new FitSize(p, REFERENCE.solve(p), spectrum.minValue(), spectrum.maxValue());
    });
  }

  @ParameterizedTest(name = "binding sum: {0}")
  @ValueSource(booleans = {false, true})
  void atTheSizeOfAFitTheColdStartAgreesWithTheReference(boolean bindingSum) {
    FitSize f = fitSize(bindingSum);
    double[] b = f.reference().solution();
    int zeros = (int) Arrays.stream(b).filter(x -> x == 0).count();
    double sum = Arrays.stream(b).sum();
    double c = f.problem().minSum();
    // The situation named: many experts dropped, and the sum constraint binding (to the
    // reference's rounding, K·ε relative) or slack by far.
    assertTrue(zeros >= FIT_K / 2, zeros + " of " + FIT_K + " alpha are 0");
    assertTrue(bindingSum ? Math.abs(sum - c) <= FIT_K * 0x1p-53 * c : sum > 2 * c,
        "sum(alpha) = " + sum + ", c = " + c);
    QpResult got = SOLVER.solve(f.problem());
    assertAgreesWithTheReference(f, got);
  }

  /**
   * As a fit does: the problem with the previous iterate α⁽ᵗ⁾ as warm start, here the solution
   * perturbed so that the support changes both ways (see {@link #previousIterate}).
   */
  @ParameterizedTest(name = "binding sum: {0}")
  @ValueSource(booleans = {false, true})
  void atTheSizeOfAFitAWarmStartFromAPerturbedSolutionAgreesWithTheReference(
      boolean bindingSum) {
    FitSize f = fitSize(bindingSum);
    QpProblem p = f.problem();
    double[] solution = f.reference().solution();
    double[] previous = previousIterate(solution, 3);
    int left = 0;
    int entered = 0;
    for (int i = 0; i < FIT_K; i++) {
      left += solution[i] > 0 && previous[i] == 0 ? 1 : 0;
      entered += solution[i] == 0 && previous[i] > 0 ? 1 : 0;
    }
    assertTrue(left > 0 && entered > 0, left + " experts leave, " + entered + " enter");
    QpResult got = SOLVER.solve(QpProblem.of(p.quadratic(), p.linear(), p.minSum(), previous));
    assertAgreesWithTheReference(f, got);
  }

  /**
   * The previous iterate of a fit, mimicked: each positive entry of the solution scaled by a
   * factor in [0.5, 1.5], one in five of them set to 0 (experts that leave the support) and one
   * in ten of its zeros raised to the mean positive entry (experts that enter it). Seeded.
   */
  private static double[] previousIterate(double[] solution, long seed) {
    UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(seed);
    double mean = Arrays.stream(solution).filter(x -> x > 0).average().orElseThrow();
    double[] out = new double[solution.length];
    for (int i = 0; i < solution.length; i++) {
      double u = rng.nextDouble();
      if (solution[i] > 0) {
        out[i] = u < 0.2 ? 0 : solution[i] * (0.5 + rng.nextDouble());
      } else {
        out[i] = u < 0.1 ? mean : 0;
      }
    }
    return out;
  }

  /**
   * OPTIMAL, feasible, and within a bound derived from the two KKT residuals of the reference's
   * solution and objective.
   *
   * <p>Solution. A point with KKT residual r ({@link KktResidual}) is, after its entries that the
   * min-map counts as zeros are set to 0 (a change e with |e_k| ≤ r(m_k + μ)/G_kk, so
   * ‖e‖₂ ≤ r‖m + μ‖₂/λ_min), the exact minimiser of the problem with h moved by δ,
   * |δ_k| ≤ r(m_k + μ) plus the λ_max‖e‖₂ that e moved the gradient; m_k = Σ_j |G_kj α_j| + |h_k|.
   * The minimiser is 1/λ_min-Lipschitz in h in the 2-norm (add the optimality conditions of two
   * problems: λ_min‖Δα‖² ≤ ΔαᵀGΔα ≤ ‖Δh‖‖Δα‖). So each point is within
   * r‖m + μ‖₂(2 + κ)/λ_min of the minimiser, κ = λ_max/λ_min; a residual computed in floating
   * point may be short by γ_K = Kε/(1 − Kε) of the terms, added to each r. Two points:
   * ‖α − α_ref‖₂ ≤ (r + r_ref + 2γ_K)(2 + κ)‖m + μ‖₂/λ_min (here 6e-9 to 1e-8 of max|α|, against
   * differences of ~1e-15 measured; a wrong active set is off by 1e-3 or more).
   *
   * <p>Objective. f(α) − f(α_ref) = g_refᵀΔα + ½ΔαᵀGΔα exactly (g = Gα − h), so
   * |f(α) − f(α_ref)| ≤ ‖g_ref‖₂‖Δα‖₂ + ½λ_max‖Δα‖₂², plus the rounding of the two evaluations
   * of f, each within γ_{K+2}(½|α|ᵀ|G||α| + |h|ᵀ|α|).
   */
  private static void assertAgreesWithTheReference(FitSize f, QpResult got) {
    QpProblem p = f.problem();
    QpResult ref = f.reference();
    assertEquals(QpResult.Status.OPTIMAL, got.status(), got::toString);
    assertTrue(ref.kktResidual() <= OjAlgoQpSolver.DEFAULT_TOLERANCE, ref::toString);
    double[] a = got.solution();
    double[] b = ref.solution();
    double[] g = p.quadratic();
    double[] h = p.linear();
    double[] gradient = ReferenceQpSolver.gradient(g, h, b);
    double[] magnitude = new double[FIT_K];
    double weighted = 0;
    double positive = 0;
    double terms = 0;
    for (int i = 0; i < FIT_K; i++) {
      double row = 0;
      for (int j = 0; j < FIT_K; j++) {
        row += Math.abs(g[i * FIT_K + j] * b[j]);
      }
      magnitude[i] = row + Math.abs(h[i]);
      terms += 0.5 * row * b[i] + Math.abs(h[i] * b[i]);
      weighted += b[i] > 0 ? b[i] * gradient[i] : 0;
      positive += b[i] > 0 ? b[i] : 0;
    }
    double mu = Math.max(0, weighted / positive);
    double kappa = f.lambdaMax() / f.lambdaMin();
    double scaleNorm = 0;
    for (double m : magnitude) {
      scaleNorm += (m + mu) * (m + mu);
    }
    double residuals = got.kktResidual() + ref.kktResidual() + 2 * gamma(FIT_K);
    double alphaBound = residuals * (2 + kappa) * Math.sqrt(scaleNorm) / f.lambdaMin();
    double distance = norm(difference(a, b));
    assertTrue(distance <= alphaBound, "|alpha - reference| = " + distance + " > " + alphaBound);
    double objectiveBound = norm(gradient) * alphaBound
        + 0.5 * f.lambdaMax() * alphaBound * alphaBound + 2 * gamma(FIT_K + 2) * terms;
    assertEquals(ref.objective(), got.objective(), objectiveBound, "objective");
    double sum = 0;
    for (double x : a) {
      assertTrue(x >= 0, "alpha >= 0");
      sum += x;
    }
    assertTrue(sum >= p.minSum(), "sum(alpha) = " + sum + " >= c");
  }

  /** γ_n = nε/(1 − nε), ε = 2⁻⁵³: the relative error bound of an n-term floating-point sum. */
  private static double gamma(int n) {
    double ne = n * 0x1p-53;
    return ne / (1 - ne);
  }

  private static double[] difference(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
