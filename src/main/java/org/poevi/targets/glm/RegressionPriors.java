package org.poevi.targets.glm;

import org.poevi.InvalidInputException;

/**
 * A regression's prior strings, "auto" meaning rstanarm's weakly informative default scaled by
 * the data (one pass over the rows, {@link ColumnMoments}; with s_y = sd(y) for the linear
 * model and 1 otherwise, x̄_j and s_j the mean and sd of predictor j):
 *
 * <ul>
 *   <li>coefficients: normal(0, 2.5·s_y/s_j) (2.5·s_y for a constant column);
 *   <li>intercept: rstanarm's normal(m, 2.5·s_y) on the intercept of the centred predictors
 *       (m = mean(y) for the linear model, else 0), carried to poevi's intercept of the
 *       uncentred design, α = α_c − Σ_j β_j x̄_j, with the same marginal spread:
 *       normal(m, ((2.5·s_y)² + Σ_j x̄_j²·s_βj²)^½), s_βj the coefficients' auto scales (or
 *       2.5·s_y for coefficients with a prior given explicitly);
 *   <li>sigma: exponential(1/s_y).
 * </ul>
 */
public record RegressionPriors(String intercept, String coefficients, String sigma) {
  /** The prior string that asks for the data-scaled default. */
  public static final String AUTO = "auto";

  /**
   * The keys (or Params) that errors about each prior name, and the response's.
   */
  public record Keys(String intercept, String coefficients, String sigma, String response) {}

  /**
   * The priors, one per parameter in parameter order; {@code measure} false skips the pass over
   * the rows (auto priors are then unscaled: only for checking a configuration before its rows
   * are read).
   */
  public Prior[] resolve(RegressionTarget.Family family, RowData rows, boolean hasIntercept,
      Keys keys, boolean measure) {
    int columns = rows.columns();
    Prior[] priors = new Prior[columns + (family.hasScale() ? 1 : 0)];
    boolean auto = AUTO.equals(intercept) && hasIntercept || AUTO.equals(coefficients)
        || AUTO.equals(sigma);
    ColumnMoments.Summary moments = auto && measure ? ColumnMoments.of(rows) : null;
    double sy = 1;
    double my = 0;
    if (family.hasScale() && moments != null) {
      sy = moments.sdY();
      my = moments.meanY();
      if (!(sy > 0)) {
        throw new InvalidInputException(keys.response() + " is constant (sd 0): the default"
            + " (auto) priors scale with its sd; give " + keys.intercept() + ", "
            + keys.coefficients() + " and " + keys.sigma() + " explicitly");
      }
    }
    int first = hasIntercept ? 1 : 0;
    double[] coefficientScale = new double[columns];
    for (int d = first; d < columns; d++) {
      if (AUTO.equals(coefficients)) {
        double sx = moments == null ? 1 : moments.sdX()[d];
        coefficientScale[d] = sx > 0 ? 2.5 * sy / sx : 2.5 * sy;
        priors[d] = auto(keys.coefficients(), "coefficient " + d + " (its column's sd is " + sx
            + ")", 0, coefficientScale[d]);
      } else {
        priors[d] = Prior.coefficient(keys.coefficients(), coefficients);
      }
    }
    if (hasIntercept) {
      if (AUTO.equals(intercept)) {
        double variance = 2.5 * sy * 2.5 * sy;
        for (int d = first; d < columns && moments != null; d++) {
          // A coefficient with a non-normal prior adds its scale's spread the same way.
          double s = AUTO.equals(coefficients) ? coefficientScale[d] : 2.5 * sy;
          double mean = moments.meanX()[d];
          variance += mean * mean * s * s;
        }
        priors[0] = auto(keys.intercept(), "the intercept (set by the columns' means and sds)",
            my, Math.sqrt(variance));
      } else {
        priors[0] = Prior.coefficient(keys.intercept(), intercept);
      }
    }
    if (family.hasScale()) {
      priors[columns] = AUTO.equals(sigma) ? autoScale(keys, sy)
          : Prior.scale(keys.sigma(), sigma);
    }
    return priors;
  }

  /**
   * A data-scaled normal prior, or one line naming the key when the data make its scale
   * extreme (found by the fuzz harness: predictors near 1e305 gave an infinite intercept scale
   * and an error that named no key).
   */
  private static Prior auto(String key, String what, double mean, double scale) {
    try {
      return Prior.normal(mean, scale);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(key + " = auto scales with the data, but the data give "
          + what + " the prior normal(" + mean + ", " + scale + "), beyond what a prior can"
          + " hold: rescale the predictors or give " + key + " explicitly", e);
    }
  }

  private static Prior autoScale(Keys keys, double sy) {
    try {
      return Prior.exponential(1 / sy);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(keys.sigma() + " = auto scales with the response's sd ("
          + sy + "), which is extreme: rescale " + keys.response() + " or give " + keys.sigma()
          + " explicitly", e);
    }
  }
}
