package org.poevi.targets;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A density on R^D known up to a constant: log p̃(z) and its gradient, the score ∇log p(z).
 *
 * <p>Implementations are immutable and thread-safe (many threads, and later Spark executors,
 * evaluate one instance concurrently), and serializable. Constrained parameters are handled by the
 * target itself through documented unconstraining transforms with their log-Jacobians, as Stan
 * does, so that z ranges over all of R^D.
 *
 * <p>{@link #logDensity(double[], double[])} returns a finite log density and writes a finite
 * gradient for every finite z in the support; a point outside the support (if the target has one
 * after unconstraining) gives −∞ and leaves the gradient unspecified. It never returns NaN for a
 * finite z: a target that cannot evaluate a point throws {@link TargetEvaluationException} naming
 * the target and the point.
 */
public interface Target extends Serializable {
  /** D. */
  int dim();

  /** A short name for messages and outputs, e.g. "banana". */
  String name();

  /** Names of the D coordinates (unconstrained scale), in order. Default z[1]..z[D]. */
  default List<String> parameterNames() {
    List<String> names = new ArrayList<>(dim());
    for (int d = 1; d <= dim(); d++) {
      names.add("z[" + d + "]");
    }
    return names;
  }

  /**
   * Names of the parameters on the model's own (constrained) scale, e.g. {@code sigma} for
   * {@code log_sigma}; by default the unconstrained names (no transform). summary.json reports
   * the draws on both scales.
   */
  default List<String> constrainedNames() {
    return parameterNames();
  }

  /**
   * The constrained parameters at z ({@link #constrainedNames()} in order), e.g. σ = e^u; by
   * default z itself.
   */
  default void constrain(double[] z, double[] out) {
    System.arraycopy(z, 0, out, 0, dim());
  }

  /** log p̃(z), and ∇log p̃(z) written into {@code gradient} (length D). */
  double logDensity(double[] z, double[] gradient);

  /**
   * What a user should know about how this target is evaluated, e.g. a fallback to a slower
   * path; the fit reports these on the console and in summary.json. None by default.
   */
  default List<String> warnings() {
    return List.of();
  }

  /** log p̃(z) alone; the default evaluates the gradient too. */
  default double logDensity(double[] z) {
    return logDensity(z, new double[dim()]);
  }

  /**
   * The Hessian of log p̃ at z, row-major D×D, when the target has it in closed form.
   *
   * @return false when no analytic Hessian is available (callers then difference the gradient)
   */
  default boolean hessian(double[] z, double[] out) {
    return false;
  }
}
