package org.poevi.targets;

import java.util.List;
import org.poevi.family.AffineMap;

/**
 * A target in other coordinates, p̃_z̃(z̃) = p̃(A·z̃ + b), with the score ∇_z̃ = Aᵀ·∇_z: what a fit
 * in a standardised frame evaluates ({@link AffineTarget} adds the batch methods for a batch
 * target). −∞ stays −∞; the constant log|det A| is left out (p̃ is unnormalised).
 */
public class FramedTarget implements Target {
  private static final long serialVersionUID = 1L;
  private final Target target;
  private final AffineMap map;
  private final List<String> names;

  /**
   * @param names the parameters in the new coordinates (e.g. the standardised coefficients)
   */
  FramedTarget(Target target, AffineMap map, List<String> names) {
    if (map.dim() != target.dim() || names.size() != target.dim()) {
      throw new IllegalArgumentException("a map of dimension " + map.dim() + " and "
          + names.size() + " names for a target of dimension " + target.dim());
    }
    this.target = target;
    this.map = map;
    this.names = List.copyOf(names);
  }

  /** {@code target} in the coordinates z̃ of {@code map}, its parameters named {@code names}. */
  public static Target of(Target target, AffineMap map, List<String> names) {
    return target instanceof BatchTarget batch ? new AffineTarget(batch, map, names)
        : new FramedTarget(target, map, names);
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
  public double logDensity(double[] z, double[] gradient) {
    double value = target.logDensity(map.apply(z, 1), gradient);
    map.pullBack(gradient, 1);
    return value;
  }

  @Override
  public boolean hessian(double[] z, double[] out) {
    if (!target.hessian(map.apply(z, 1), out)) {
      return false;
    }
    map.pullBackHessians(out, 1);
    return true;
  }

  @Override
  public List<String> warnings() {
    return target.warnings();
  }
}
