package org.poevi.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.poevi.cli.ArmaTarget;
import org.poevi.targets.TargetCheck.Component;
import org.poevi.targets.TargetCheck.Point;
import org.poevi.targets.TargetCheck.Verdict;
import org.poevi.testing.GradientCheck;

/**
 * The user-callable target check (issue #21): Ridders' extrapolated differences accept correct
 * gradients that a fixed step rejects, find a wrong component, and name every other problem.
 */
class TargetCheckTest {
  private static final ArmaTarget ARMA = new ArmaTarget(ConfigFactory.empty());
  /** θ = 1.15 > 1: the errors' recursion grows like 1.15ᵗ, t up to 200 (1.15²⁰⁰ ≈ 10¹²). */
  private static final double[] EXPLOSIVE = {0.5, 0.6, 1.15, 0.0};

  private static ArmaTarget arma(double bug) {
    return new ArmaTarget(ConfigFactory.parseString("bug = " + bug));
  }

  @Test
  void riddersAcceptsTheCorrectGradientOfARecursionThatAFixedStepRejects() {
    Point point = TargetCheck.at(ARMA, EXPLOSIVE, 0.1);
    assertNull(point.problem());
    for (Component c : point.components()) {
      assertEquals(Verdict.AGREES, c.verdict(), c.toString());
    }
    // The old fixed rule (tests' GradientCheck: h = 1e-5·max(1, |z_i|), |fd − g| ≤
    // 1e-6·max(1, |g|)) rejects this correct gradient: its truncation error h²·f'''/6 exceeds
    // the tolerance for some component.
    assertThrows(AssertionFailedError.class, () -> GradientCheck.assertGradient(ARMA::logDensity,
        ARMA::logDensity, EXPLOSIVE, "arma11"), "the example no longer shows why a fixed step"
        + " is not enough");
  }

  @Test
  void aGradientOffByOnePartInTenThousandIsFoundInThatComponentOnly() {
    for (double[] z : List.of(new double[] {0.5, 0.6, 0.3, 0.0}, EXPLOSIVE)) {
      Point point = TargetCheck.at(arma(1e-4), z, 0.1);
      List<Component> bad = point.disagreeing();
      assertEquals(1, bad.size(), point.components().toString());
      assertEquals(2, bad.get(0).index());
      assertEquals(1e-4, bad.get(0).relativeDifference(), 1e-6);
    }
    TargetCheck.Report report = TargetCheck.check(arma(-2), List.of(), 3, 0.3, 0.1, 5);
    assertFalse(report.passed());
    assertTrue(TargetCheck.check(ARMA, List.of(), 3, 0.3, 0.1, 5).passed());
  }

  @Test
  void nanInfiniteGradientsImpureTargetsAndNonSerializableOnesAreProblems() {
    Target nan = Targets.of("nan", List.of("a"), (z, g) -> z[0] > 0.5 ? Double.NaN
        : -0.5 * z[0] * z[0]);
    assertEquals("returned log density NaN", TargetCheck.at(nan, new double[] {1}, 0.1)
        .problem());
    Target infiniteGradient = Targets.of("inf", List.of("a"), (z, g) -> {
      g[0] = Double.POSITIVE_INFINITY;
      return 0;
    });
    assertTrue(TargetCheck.at(infiniteGradient, new double[] {0}, 0.1).problem()
        .startsWith("returned a non-finite gradient (component 1 is Infinity)"));
    AtomicLong calls = new AtomicLong();
    Target impure = Targets.of("impure", List.of("a"), (z, g) -> {
      g[0] = 0;
      return calls.incrementAndGet();
    });
    assertTrue(TargetCheck.at(impure, new double[] {0}, 0.1).problem()
        .contains("a target must be a pure function of z"));
    Target notSerializable = new Target() {
      private final Object lock = new Object();

      @Override
      public int dim() {
        return 1;
      }

      @Override
      public String name() {
        return "local";
      }

      @Override
      public double logDensity(double[] z, double[] gradient) {
        synchronized (lock) {
          gradient[0] = -z[0];
          return -0.5 * z[0] * z[0];
        }
      }
    };
    TargetCheck.Report report = TargetCheck.check(notSerializable, List.of(), 2, 1, 0.1, 1);
    assertNotNull(report.serializationProblem());
    assertFalse(report.passed());
  }

  @Test
  void pointsOutsideTheSupportAreSkippedAndTheEdgeShrinksTheStep() {
    // An exponential on log scale: log p(u) = u − e^u, but undefined (−∞) for u < −1.
    Target edged = Targets.of("edged", List.of("u"), (z, g) -> {
      if (z[0] < -1) {
        return Double.NEGATIVE_INFINITY;
      }
      g[0] = 1 - Math.exp(z[0]);
      return z[0] - Math.exp(z[0]);
    });
    assertTrue(TargetCheck.at(edged, new double[] {-2}, 0.1).outsideSupport());
    // 0.01 from the edge: the first step 0.1 crosses it, so it shrinks.
    Point near = TargetCheck.at(edged, new double[] {-0.99}, 0.1);
    assertEquals(Verdict.AGREES, near.components().get(0).verdict(), near.toString());
    TargetCheck.Report allOut = TargetCheck.check(edged, List.of(new double[] {-3}), 0, 1, 0.1,
        1);
    // The origin is inside: it passes; with only points outside, it would not.
    assertTrue(allOut.passed());
    Target nowhere = Targets.of("nowhere", List.of("u"), (z, g) -> Double.NEGATIVE_INFINITY);
    assertFalse(TargetCheck.check(nowhere, List.of(), 2, 1, 0.1, 1).passed());
  }

  /**
   * The tolerance: 10⁻⁶ relative plus ten error estimates; beyond 10⁻³ relative error the
   * numeric value is uncertain and decides nothing.
   */
  @Test
  void theVerdictWeighsTheExtrapolationsErrorEstimate() {
    assertEquals(Verdict.AGREES, TargetCheck.component(0, 1.0, 1.0 + 5e-7, 0, 1).verdict());
    assertEquals(Verdict.DISAGREES, TargetCheck.component(0, 1.0, 1.0 + 2e-6, 0, 1).verdict());
    assertEquals(Verdict.AGREES, TargetCheck.component(0, 1.0, 1.0 + 2e-6, 1e-7, 1).verdict());
    assertEquals(Verdict.UNCERTAIN, TargetCheck.component(0, 1.0, 1.1, 0.01, 1).verdict());
    // A zero component next to one of 10⁸: differenced with absolute noise of about 10⁻¹.
    assertEquals(Verdict.AGREES, TargetCheck.component(0, 0, 0.05, 1e-3, 1e8).verdict());
  }
}
