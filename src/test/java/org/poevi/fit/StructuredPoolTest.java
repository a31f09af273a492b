package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The planned α of a structured pool (StructuredPool.plannedAlpha). */
class StructuredPoolTest {
  private static ExpertPool.Settings settings(double a, double[] broad) {
    return new ExpertPool.Settings(ExpertPool.Placement.BULK, 64, a, new double[] {0.5, 1, 2},
        broad, new double[] {0.5, 2}, 0.1);
  }

  /**
   * a is raised to D / c_max (c_max the largest width or broad factor) so that the broadest
   * experts alone reach Σα ≈ D at the target's width; a larger configured a is kept.
   */
  @Test
  void plannedAlphaScalesWithDimension() {
    double[] broad = {4, 16};
    assertEquals(2, StructuredPool.plannedAlpha(settings(2, broad), 20), 0.0);
    assertEquals(1000 / 16.0, StructuredPool.plannedAlpha(settings(2, broad), 1000), 0.0);
    assertEquals(300 / 16.0, StructuredPool.plannedAlpha(settings(2, broad), 300), 0.0);
    assertEquals(100, StructuredPool.plannedAlpha(settings(100, broad), 1000), 0.0);
    // Without broad experts the widest bulk width (2) sets the scale.
    assertEquals(500, StructuredPool.plannedAlpha(settings(2, new double[0]), 1000), 0.0);
  }
}
