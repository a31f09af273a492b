package org.poevi.targets;

import java.util.List;
import org.poevi.family.AffineMap;

/**
 * A batch target in other coordinates: p̃_z̃(z̃) = p̃(A·z̃ + b), with the score ∇_z̃ = Aᵀ·∇_z. A
 * regression fitted on centred and scaled predictors is its target in those coordinates: the
 * posterior there is an affine image of the original, better conditioned, and the fit's results
 * map back exactly ({@link AffineMap}). The constant log|det A| is left out (p̃ is unnormalised).
 */
public final class AffineTarget implements BatchTarget {
  private static final long serialVersionUID = 1L;
  private final BatchTarget target;
  private final AffineMap map;
  private final List<String> names;

  /**
   * @param names the parameters in the new coordinates (e.g. the standardised coefficients)
   */
  public AffineTarget(BatchTarget target, AffineMap map, List<String> names) {
    if (map.dim() != target.dim() || names.size() != target.dim()) {
      throw new IllegalArgumentException("a map of dimension " + map.dim() + " and "
          + names.size() + " names for a target of dimension " + target.dim());
    }
    this.target = target;
    this.map = map;
    this.names = List.copyOf(names);
  }

  public BatchTarget original() {
    return target;
  }

  public AffineMap map() {
    return map;
  }

  @Override
  public int dim() {
    return target.dim();
  }

  @Override
  public String name() {
    return target.name();
  }

  @Override
  public List<String> parameterNames() {
    return names;
  }

  @Override
  public void logDensities(double[] points, int n, double[] logDensity, double[] scores) {
    target.logDensities(map.apply(points, n), n, logDensity, scores);
    map.pullBack(scores, n);
  }

  @Override
  public void logDensityValues(double[] points, int n, double[] logDensity) {
    target.logDensityValues(map.apply(points, n), n, logDensity);
  }

  /** The original target's Hessians, pulled back: Aᵀ·∇²·A. */
  @Override
  public boolean hessians(double[] points, int n, double[] out) {
    if (!target.hessians(map.apply(points, n), n, out)) {
      return false;
    }
    map.pullBackHessians(out, n);
    return true;
  }

  @Override
  public List<String> warnings() {
    return target.warnings();
  }

  @Override
  public void stage(String description) {
    target.stage(description);
  }
}
