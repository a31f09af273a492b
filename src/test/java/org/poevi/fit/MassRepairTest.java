package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.Expert;
import org.poevi.qp.ActiveSetQpSolver;
import org.poevi.targets.Target;
import org.poevi.targets.Targets;

/**
 * One round of {@link MassRepair}: p's scores at the given points join the objective as one more
 * normalised batch, points where p or its score is not finite are left out, and α is the
 * minimiser of the new objective.
 */
class MassRepairTest {
  private static final int DIM = 2;

  /**
   * A standard normal p restricted to x ≤ 50 (log p̃ = −∞ beyond, where the evaluator's contract
   * zeroes the gradient), evaluated by the real local evaluator.
   */
  private static LocalScoreEvaluator evaluator() {
    Target p = Targets.of("normal", List.of("x", "y"), (z, gradient) -> {
      if (z[0] > 50) {
        return Double.NEGATIVE_INFINITY;
      }
      gradient[0] = -z[0];
      gradient[1] = -z[1];
      return -0.5 * (z[0] * z[0] + z[1] * z[1]);
    });
    return new LocalScoreEvaluator(p, 1);
  }

  /** Three experts: a narrow and a broad t at the origin, and one off to the side. */
  private static List<Expert> basis() {
    return List.of(Expert.of(new double[] {0, 0}, new double[] {1, 0, 0, 1}),
        Expert.of(new double[] {0, 0}, new double[] {0.1, 0, 0, 0.1}),
        Expert.of(new double[] {2, 0}, new double[] {0.5, 0, 0, 2}));
  }

  private static double[] points(long seed, int n, double scale) {
    java.util.Random r = new java.util.Random(seed);
    double[] z = new double[n * DIM];
    for (int i = 0; i < z.length; i++) {
      z[i] = scale * r.nextGaussian();
    }
    return z;
  }

  /** The fit's objective: one batch of p's points. */
  private static FitState state(List<Expert> basis) {
    double[] z = points(1, 200, 1);
    double[] s = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      s[i] = -z[i];
    }
    ScoreSums sums = ScoreAccumulation.accumulate(basis, z, s, new double[200], 200, DIM, 1);
    return new FitState(3, new double[] {1, 1, 1}, 100, Quadratic.averaged(3).add(sums), null);
  }

  @Test
  void theRepairBatchJoinsTheObjectiveAndAlphaMinimisesIt() {
    List<Expert> basis = basis();
    FitState state = state(basis);
    // Where q's chains went: far out, plus two points outside p's support (left out).
    double[] far = points(2, 50, 4);
    double[] points = Arrays.copyOf(far, far.length + 2 * DIM);
    points[far.length] = 60;
    points[far.length + DIM] = 70;
    AlphaStep step = new AlphaStep(ActiveSetQpSolver.create(), DIM / 2.0 + 0.5,
        Double.POSITIVE_INFINITY);
    LocalScoreEvaluator evaluator = evaluator();
    FitState repaired = MassRepair.round(state, points, basis, evaluator, step, 1e-10, 1);
    assertEquals(52, evaluator.evaluations());

    double[] s = new double[far.length];
    for (int i = 0; i < far.length; i++) {
      s[i] = -far[i];
    }
    Quadratic expected = state.objective().add(ScoreAccumulation.accumulate(basis, far, s,
        new double[50], 50, DIM, 1));
    // The same sums in the same order: the same bits.
    assertArrayEquals(expected.g(), repaired.objective().g(), 0);
    assertArrayEquals(expected.h(), repaired.objective().h(), 0);

    // The minimiser of the new objective, by one step with a vanishing proximal term (η = 1e12:
    // λ = trace(G)/(K·η) moves α by about 1e-12 of its size), from another start. The proximal
    // iterations stop at |Δα| ≤ 1e-10·|α|, and converge linearly at rate λ/(λ + μ) per step
    // with μ the least eigenvalue of G on the free set, so they end within about 1e-8 of it.
    double[] minimiser = step.take(expected, new double[] {3, 0.5, 0.5}, 1e12).alpha();
    assertArrayEquals(minimiser, repaired.alpha(), 1e-6 * Arrays.stream(minimiser).max()
        .orElseThrow());
    assertTrue(expected.value(repaired.alpha()) <= expected.value(state.alpha()));
    assertEquals(state.iteration(), repaired.iteration());
  }

  @Test
  void withoutAnyFinitePointTheStateIsUnchanged() {
    List<Expert> basis = basis();
    FitState state = state(basis);
    AlphaStep step = new AlphaStep(ActiveSetQpSolver.create(), 1.5, Double.POSITIVE_INFINITY);
    assertSame(state, MassRepair.round(state, new double[] {60, 0, 80, 1}, basis,
        evaluator(), step, 1e-10, 1));
  }

  /**
   * A finished fit whose draws miss mass with the given points (null: they pass), as the loop
   * reads it; the rest of the result is filler.
   */
  private static PoeResult finished(List<Expert> basis, FitState state, double[] massPoints) {
    org.poevi.math.LogMeanEstimate e = new org.poevi.math.LogMeanEstimate(0, 0.01, 100, 0.1,
        100);
    org.poevi.family.NormalizerValidation n = new org.poevi.family.NormalizerValidation(e, e,
        true, org.poevi.family.NormalizerValidation.Source.DIRICHLET, List.of());
    double[] draws = points(3, 4, 1);
    org.poevi.family.SampleResult d = new org.poevi.family.SampleResult(draws, DIM, 4,
        org.poevi.family.SamplingMode.SIR, 100, 1, 50, e, 0, "dirichlet", List.of());
    return new PoeResult(org.poevi.family.ProductOfExperts.of(basis, state.alpha()),
        List.of("a", "b", "c"), List.of("x", "y"), List.of(), List.of(), StopReason.CONVERGED,
        new PoeResult.Finish(d, massPoints == null ? n : n.withMassMissed(massPoints), 0.1,
        new double[4], new double[4]), 0, 0, 1, List.of(), java.util.Optional.empty(),
        java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
        java.util.Optional.empty(), List.of(), null);
  }

  /**
   * The loop: a fit whose draws miss mass is fitted again with p's scores at the points, one
   * more batch each round, and finished from the new state, until its draws pass; each repaired
   * α joins the α path. Draws that keep missing mass stop it after {@value MassRepair#ROUNDS}
   * rounds, the last q flagged.
   */
  @Test
  void repairsUntilTheDrawsPassOrTheRoundsRunOut() {
    List<Expert> basis = basis();
    FitState state = state(basis);
    AlphaStep step = new AlphaStep(ActiveSetQpSolver.create(), 1.5, Double.POSITIVE_INFINITY);
    MassRepair.Fit context = new MassRepair.Fit(basis, evaluator(), step, 1e-8, 1,
        stage -> { });
    for (int failures : new int[] {0, 2, 10}) {
      List<FitState> seen = new java.util.ArrayList<>();
      List<double[]> path = new java.util.ArrayList<>();
      MassRepair.Pending pending = new MassRepair.Pending(state, context, s -> {
        seen.add(s);
        return finished(basis, s, seen.size() <= failures ? points(10 + seen.size(), 30, 4)
            : null);
      }, path);
      PoeResult result = pending.finished();
      int rounds = Math.min(failures, MassRepair.ROUNDS);
      assertEquals(rounds + 1, seen.size(), "finishes with " + failures + " failures");
      assertEquals(rounds, path.size());
      assertSame(state, seen.get(0));
      for (int r = 1; r <= rounds; r++) {
        // One more normalised batch per round: the objective's batch count grows by one.
        assertEquals(1 + r, ((Quadratic.Averaged) seen.get(r).objective()).count());
        assertArrayEquals(path.get(r - 1), seen.get(r).alpha(), 0);
      }
      assertEquals(failures > MassRepair.ROUNDS, result.finish().normalizer().massMissed());
      // summary.json's fit.repairs: one per round, each with the check's 30 points.
      assertEquals(java.util.Collections.nCopies(rounds, new PoeResult.Repair("missed mass",
          30)), result.repairs());
    }
  }
}
