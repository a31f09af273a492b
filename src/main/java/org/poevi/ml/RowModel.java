package org.poevi.ml;

import java.util.List;
import org.poevi.targets.glm.RowBlock;
import org.poevi.targets.glm.RowLikelihood;

/**
 * A user's model over the rows of a DataFrame, fitted by {@link PoeviEstimator}: the posterior
 * p(z | rows) ∝ p(z) · Π_i lik(row_i | z) of D parameters z on the unconstrained scale.
 *
 * <p>The likelihood is the blocked interface the built-in regressions use ({@link
 * RowLikelihood#add}): for one {@link RowBlock} of rows (the features as a column-major matrix
 * {@code x}, row i's feature j at {@code x[i + j·rows]}, the labels {@code y}, and the rows'
 * weights and offsets, null when {@code weightCol} or {@code offsetCol} is unset) and a batch of
 * n points (n×D, row-major), it adds Σ_rows log lik and its gradient at every point into
 * {@code out}: {@code out[b]} and {@code out[n + b·D + d]}. Every block of every partition
 * gets the same points, and the blocks' sums are added in a fixed order, so the fit does not
 * depend on how Spark splits the rows. Weights and offsets mean what the model makes of them
 * (usually: row i's log lik times its weight; the offset added to a linear predictor).
 * {@link PerRowModel} writes the same from the log likelihood of one row.
 *
 * <p>Rules, as for a {@code Target} (docs/user-targets.md):
 *
 * <ul>
 *   <li><b>Unconstrained parameters.</b> Sample σ &gt; 0 as log σ and add the log-Jacobian
 *       (+ log σ) to {@link #logPrior}; name the coordinate after the transform (log_sigma).
 *   <li><b>Exact gradients</b>, checked against finite differences before fitting. Constants
 *       may be left out of both the prior and the likelihood.
 *   <li><b>No NaN.</b> A value of −∞ (a point outside the support) is allowed; NaN, +∞ or a
 *       non-finite gradient at a finite value stops the fit with a one-line error naming the
 *       parameter and the point.
 *   <li><b>Immutable, thread-safe and serializable</b>: the instance is made once on the driver
 *       and serialized to the executors, whose threads call {@link #add} at once (with a
 *       {@link #workspace} each).
 *   <li><b>Construction.</b> A public constructor taking a {@code com.typesafe.config.Config}
 *       receives the {@code modelOptions} Param (HOCON, empty if unset); otherwise a public
 *       no-argument constructor is used. Throw {@code org.poevi.InvalidInputException} for bad
 *       options: the fit stops with your message on one line.
 * </ul>
 */
public interface RowModel extends RowLikelihood {
  /**
   * The names of the D parameters on the unconstrained scale (e.g. intercept, b[1], log_sigma),
   * in the order of the points' coordinates: D is their number. Called once, on the driver,
   * before the fit.
   *
   * @param features one name per feature (column of {@link RowBlock#x}): the features column's
   *     ML attribute names (as VectorAssembler and RFormula set them), else
   *     {@code featuresCol[1]}..{@code featuresCol[P]}
   */
  List<String> parameterNames(List<String> features);

  /**
   * The log prior at z (up to a constant, with the log-Jacobians of the transforms), its
   * gradient written into {@code gradient}. Evaluated on the driver.
   *
   * @param z the D parameters
   * @param gradient length D, written
   */
  double logPrior(double[] z, double[] gradient);

  /** No scratch by default; override to give each thread or task its own, reused per block. */
  @Override
  default Workspace workspace() {
    return NoWorkspace.NONE;
  }

  /** The workspace of a model that needs none. */
  enum NoWorkspace implements Workspace {
    NONE
  }
}
