package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The stopping rule on its own: each way to stop, and the first iteration's exemption. */
class StoppingRuleTest {
  private static final double[] ALPHA = {3, 4};  // ‖α‖ = 5
  private final StoppingRule rule = new StoppingRule(10, 1e-3, 1e6);

  @Test
  void aSmallChangeOfAlphaConverges() {
    assertTrue(rule.converged(5e-3, ALPHA, Double.NaN), "‖Δα‖ = tol·‖α‖");
    assertFalse(rule.converged(5.1e-3, ALPHA, Double.NaN), "just above tol·‖α‖");
  }

  @Test
  void aSmallDecreaseOfTheObjectiveConverges() {
    assertTrue(rule.converged(1, ALPHA, 1e-3));
    assertTrue(rule.converged(1, ALPHA, 0));
    assertFalse(rule.converged(1, ALPHA, 2e-3), "a real decrease goes on");
    assertFalse(rule.converged(1, ALPHA, -1e-4), "an increase is not convergence");
    assertFalse(rule.converged(1, ALPHA, Double.NaN), "a capped step is not convergence");
  }

  /**
   * The objective's noise raises the tolerance on its decrease, never lowers it, and leaves the
   * tolerance on α alone.
   */
  @Test
  void aDecreaseWithinTheObjectivesNoiseConverges() {
    assertTrue(rule.converged(1, ALPHA, 4e-3, 5e-3), "within the noise");
    assertFalse(rule.converged(1, ALPHA, 6e-3, 5e-3), "beyond the noise");
    assertFalse(rule.converged(1, ALPHA, 2e-3, 1e-4), "the tolerance when the noise is smaller");
    assertFalse(rule.converged(1, ALPHA, -1e-4, 5e-3), "an increase is not convergence");
    assertFalse(rule.converged(5.1e-3, ALPHA, Double.NaN, 1), "α's own tolerance stays");
    assertEquals(Optional.of(StopReason.CONVERGED), rule.stop(3, 1, ALPHA, 4e-3, 10, 5e-3));
    assertEquals(Optional.empty(), rule.stop(1, 1, ALPHA, 4e-3, 10, 5e-3), "not at iteration 1");
  }

  /**
   * The noise is the batches' standard error over their mean: {1.9, 2.0, 2.1} has sd 0.1, so
   * 0.1/√3/2.0; fewer than three batches, or a mean that is not positive, give none.
   */
  @Test
  void theNoiseIsTheBatchesRelativeStandardError() {
    assertEquals(0.1 / Math.sqrt(3) / 2.0, StoppingRule.noise(new double[] {1.9, 2.0, 2.1}),
        1e-15);
    assertEquals(0, StoppingRule.noise(new double[] {1.9, 2.1}));
    assertEquals(0, StoppingRule.noise(new double[] {-1, 0, 1}));
    assertEquals(0, StoppingRule.noise(new double[] {2, 2, 2, 2}));
  }

  @Test
  void theFirstIterationNeverConverges() {
    assertEquals(Optional.empty(), rule.stop(1, 0, ALPHA, 0, 10));
    assertEquals(Optional.of(StopReason.CONVERGED), rule.stop(2, 0, ALPHA, 0, 10));
  }

  @Test
  void theLastIterationStops() {
    assertEquals(Optional.empty(), rule.stop(9, 1, ALPHA, 1, 10));
    assertEquals(Optional.of(StopReason.MAX_ITERATIONS), rule.stop(10, 1, ALPHA, 1, 10));
    assertEquals(Optional.of(StopReason.CONVERGED), rule.stop(10, 0, ALPHA, 0, 10),
        "convergence at the last iteration is convergence");
  }

  @Test
  void aRunawayNuDivergesBeforeAnythingElse() {
    assertEquals(Optional.of(StopReason.DIVERGED), rule.stop(1, 0, ALPHA, 0, 2e6));
    assertEquals(Optional.of(StopReason.DIVERGED), rule.stop(5, 0, ALPHA, 0, 2e6));
    StoppingRule noLimit = new StoppingRule(10, 1e-3, Double.POSITIVE_INFINITY);
    assertEquals(Optional.empty(), noLimit.stop(1, 1, ALPHA, 1, 1e300));
  }
}
