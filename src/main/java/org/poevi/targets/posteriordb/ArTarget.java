package org.poevi.targets.posteriordb;

import java.io.ObjectStreamException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.poevi.InvalidInputException;
import org.poevi.targets.Checks;
import org.poevi.targets.Target;

/**
 * posteriordb's arK: an autoregression of order K on a series y_1..y_T,
 *
 * <pre>
 *   α ~ N(0, 10),  β_k ~ N(0, 10),  σ ~ half-Cauchy(0, 2.5),
 *   y_t ~ N(α + Σ_k β_k y_(t−k), σ),  t = K+1..T,
 * </pre>
 *
 * with N(m, s) the normal with standard deviation s, on R^(K+2) through z = (α, β_1..β_K,
 * log σ), σ = e^(log σ) (Jacobian +log σ). With residuals r_t = y_t − α − Σ_k β_k y_(t−k) and
 * n = T − K, constants dropped,
 *
 * <pre>
 *   log p̃(z) = −α²/200 − Σ_k β_k²/200 − log(1 + σ²/6.25) + log σ − n log σ − Σ_t r_t²/(2σ²).
 * </pre>
 *
 * Score: ∂α = −α/100 + Σ_t r_t/σ², ∂β_k = −β_k/100 + Σ_t r_t y_(t−k)/σ²,
 * ∂log σ = −2s(2(log σ − log 2.5)) + 1 − n + Σ_t r_t²/σ², s the logistic function (the
 * half-Cauchy term is evaluated as −softplus(2(log σ − log 2.5)), which cannot overflow). For
 * log σ below about −709, 1/σ overflows and log p̃ is −∞ unless every residual is exactly 0.
 * Parameter names: alpha, beta[1..K], log_sigma. Immutable and thread-safe.
 */
public final class ArTarget implements Target {
  private static final long serialVersionUID = 1L;

  private static final double LOG_SIGMA_SCALE = Math.log(2.5);
  /** 1/10² for the normal priors of α and β. */
  private static final double COEFFICIENT_PRECISION = 1.0 / 100;

  private final int order;
  private final double[] y;

  private ArTarget(int order, double[] y) {
    this.order = order;
    this.y = y;
  }

  /**
   * @param order K, with 0 ≤ K &lt; T
   * @param y the series y_1..y_T, finite
   * @throws InvalidInputException naming the bad field
   */
  public static ArTarget of(int order, double[] y) {
    if (order < 0 || order >= y.length) {
      throw new InvalidInputException("K must be between 0 and T - 1 = " + (y.length - 1)
          + ", got K = " + order + " with T = " + y.length);
    }
    for (int t = 0; t < y.length; t++) {
      Checks.finite(y[t], "y[" + t + "]");
    }
    return new ArTarget(order, y.clone());
  }

  /**
   * Reads posteriordb's arK {@code data.json}: K (≥ 0), T (&gt; K) and y (T numbers).
   *
   * @throws InvalidInputException naming the file and the field
   */
  public static ArTarget read(Path dataJson) {
    PosteriorDbData data = PosteriorDbData.read(dataJson, "ar");
    int order = data.integer("K", 0);
    int length = data.integer("T", 1);
    if (order >= length) {
      throw data.error("K = " + order + " must be less than T = " + length);
    }
    double[] y = data.numbers("y", length, "T");
    return data.build(() -> of(order, y));
  }

  @Override
  public int dim() {
    return order + 2;
  }

  @Override
  public String name() {
    return "ar";
  }

  /** K. */
  public int order() {
    return order;
  }

  @Override
  public List<String> parameterNames() {
    List<String> names = new ArrayList<>(dim());
    names.add("alpha");
    for (int k = 1; k <= order; k++) {
      names.add("beta[" + k + "]");
    }
    names.add("log_sigma");
    return names;
  }

  /** alpha, beta[1..K], sigma = e^{log σ}. */
  @Override
  public List<String> constrainedNames() {
    List<String> names = new ArrayList<>(parameterNames());
    names.set(order + 1, "sigma");
    return names;
  }

  @Override
  public void constrain(double[] z, double[] out) {
    System.arraycopy(z, 0, out, 0, order + 1);
    out[order + 1] = Math.exp(z[order + 1]);
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    double alpha = z[0];
    double logSigma = z[order + 1];
    double inverseSigma = Math.exp(-logSigma);
    double sumR = 0;
    double sumSquares = 0;
    for (int k = 1; k <= order; k++) {
      gradient[k] = 0;
    }
    for (int t = order; t < y.length; t++) {
      double mean = alpha;
      for (int k = 1; k <= order; k++) {
        mean += z[k] * y[t - k];
      }
      double u = PosteriorDbMath.times(y[t] - mean, inverseSigma);
      double r = PosteriorDbMath.times(u, inverseSigma);
      sumSquares += u * u;
      sumR += r;
      for (int k = 1; k <= order; k++) {
        gradient[k] += r * y[t - k];
      }
    }
    if (sumSquares == Double.POSITIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    int n = y.length - order;
    double scaled = 2 * (logSigma - LOG_SIGMA_SCALE);
    double lp = -0.5 * alpha * alpha * COEFFICIENT_PRECISION;
    for (int k = 1; k <= order; k++) {
      lp -= 0.5 * z[k] * z[k] * COEFFICIENT_PRECISION;
      gradient[k] -= z[k] * COEFFICIENT_PRECISION;
    }
    lp += -PosteriorDbMath.softplus(scaled) + logSigma - n * logSigma - 0.5 * sumSquares;
    gradient[0] = -alpha * COEFFICIENT_PRECISION + sumR;
    gradient[order + 1] = -2 * PosteriorDbMath.sigmoid(scaled) + 1 - n + sumSquares;
    return PosteriorDbMath.checked(this, lp, z);
  }

  @Override
  public String toString() {
    return "ar(K=" + order + ", T=" + y.length + ")";
  }

  private Object readResolve() throws ObjectStreamException {
    return of(order, y);
  }
}
