package org.poevi.targets;

/**
 * A target that evaluates a whole batch of points in one go, e.g. with one pass over a data set
 * that lives on Spark executors (SPEC §6, data-parallel). Evaluators hand it the batch as it is
 * instead of splitting it point by point.
 */
public interface BatchTarget extends Target {
  /**
   * log p̃ and ∇log p̃ at n points, with the contract of {@link Target#logDensity}: finite values,
   * or a {@link TargetEvaluationException} naming the first point that is not.
   *
   * @param points n×D row-major
   * @param logDensity receives n values
   * @param scores receives n×D values, row-major
   */
  void logDensities(double[] points, int n, double[] logDensity, double[] scores);

  /**
   * log p̃ alone at n points, with {@link #logDensities}' contract for the values; the default
   * computes the scores too. A data-parallel target skips the work only the scores need (for a
   * GLM the second product with the rows).
   */
  default void logDensityValues(double[] points, int n, double[] logDensity) {
    logDensities(points, n, logDensity, new double[n * dim()]);
  }

  /** One point as a batch of one (its first D values). */
  @Override
  default double logDensity(double[] z, double[] gradient) {
    double[] lp = new double[1];
    logDensities(z.length == dim() ? z : java.util.Arrays.copyOf(z, dim()), 1, lp, gradient);
    return lp[0];
  }

  /**
   * The Hessians of log p̃ at n points, each row-major D×D into {@code out} (n·D·D numbers), when
   * the target has them in closed form: for a data-parallel target one pass over its rows for all
   * n points, where differenced scores would take 2D points each.
   *
   * @param points n×D row-major
   * @return false when the target has none (callers then difference the scores)
   */
  default boolean hessians(double[] points, int n, double[] out) {
    return false;
  }

  /** One point's Hessian as a batch of one ({@link #hessians}). */
  @Override
  default boolean hessian(double[] z, double[] out) {
    return hessians(z.length == dim() ? z : java.util.Arrays.copyOf(z, dim()), 1, out);
  }

  /** What the fit is doing (e.g. "iteration 3"), for naming distributed work; no-op here. */
  default void stage(String description) {}
}
