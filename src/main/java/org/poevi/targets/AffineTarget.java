package org.poevi.targets;

import java.util.List;
import org.poevi.family.AffineMap;

/**
 * A batch target in other coordinates: p̃_z̃(z̃) = p̃(A·z̃ + b), with the score ∇_z̃ = Aᵀ·∇_z. A
 * regression fitted on centred and scaled predictors is its target in those coordinates: the
 * posterior there is an affine image of the original, better conditioned, and the fit's results
 * map back exactly ({@link AffineMap}). The constant log|det A| is left out (p̃ is unnormalised).
 */
public final class AffineTarget extends FramedTarget implements BatchTarget {
  private static final long serialVersionUID = 2L;
  private final BatchTarget target;

  /**
   * @param names the parameters in the new coordinates (e.g. the standardised coefficients)
   */
  public AffineTarget(BatchTarget target, AffineMap map, List<String> names) {
    super(target, map, names);
    this.target = target;
  }

  public BatchTarget original() {
    return target;
  }

  // One point (logDensity, hessian) goes through FramedTarget: the original's batch of one,
  // mapped the same way.

  @Override
  public void logDensities(double[] points, int n, double[] logDensity, double[] scores) {
    target.logDensities(map().apply(points, n), n, logDensity, scores);
    map().pullBack(scores, n);
  }

  @Override
  public void logDensityValues(double[] points, int n, double[] logDensity) {
    target.logDensityValues(map().apply(points, n), n, logDensity);
  }

  /** The original target's Hessians, pulled back: Aᵀ·∇²·A. */
  @Override
  public boolean hessians(double[] points, int n, double[] out) {
    if (!target.hessians(map().apply(points, n), n, out)) {
      return false;
    }
    map().pullBackHessians(out, n);
    return true;
  }

  @Override
  public void stage(String description) {
    target.stage(description);
  }
}
