package org.poevi.targets.posteriordb;

import java.io.ObjectStreamException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.poevi.InvalidInputException;
import org.poevi.targets.Checks;
import org.poevi.targets.Target;

/**
 * posteriordb's eight schools (Rubin 1981), centred or non-centred: J effects y_j with known
 * standard errors σ_j,
 *
 * <pre>
 *   μ ~ N(0, 5),  τ ~ half-Cauchy(0, 5),  θ_j ~ N(μ, τ),  y_j ~ N(θ_j, σ_j),  j = 1..J,
 * </pre>
 *
 * with N(m, s) the normal with standard deviation s, on R^(J+2) through τ = e^(log τ) (Jacobian
 * +log τ). Constants are dropped; the half-Cauchy contributes −log(1 + (τ/5)²), written
 * −softplus(2(log τ − log 5)) so that it cannot overflow.
 *
 * <p><b>Non-centred</b> ({@code eight-schools-noncentered}), z = (θ̃_1..θ̃_J, μ, log τ), θ_j = μ
 * + τ θ̃_j with θ̃_j ~ N(0, 1):
 *
 * <pre>
 *   log p̃(z) = −½ Σ_j θ̃_j² − ½ Σ_j (y_j − θ_j)²/σ_j² − μ²/50 − log(1 + τ²/25) + log τ.
 * </pre>
 *
 * Score, with r_j = (y_j − θ_j)/σ_j²: ∂θ̃_j = −θ̃_j + τ r_j, ∂μ = Σ r_j − μ/25,
 * ∂log τ = τ Σ r_j θ̃_j − 2σ(2(log τ − log 5)) + 1, σ the logistic function.
 *
 * <p><b>Centred</b> ({@code eight-schools-centered}), z = (θ_1..θ_J, μ, log τ), Neal's funnel
 * in (log τ, θ):
 *
 * <pre>
 *   log p̃(z) = −½ Σ_j (θ_j − μ)²/τ² − J log τ − ½ Σ_j (y_j − θ_j)²/σ_j² − μ²/50
 *              − log(1 + τ²/25) + log τ.
 * </pre>
 *
 * Score: ∂θ_j = −(θ_j − μ)/τ² + (y_j − θ_j)/σ_j², ∂μ = Σ (θ_j − μ)/τ² − μ/25,
 * ∂log τ = Σ (θ_j − μ)²/τ² − J − 2σ(2(log τ − log 5)) + 1.
 *
 * <p>Both describe the same posterior over (θ, μ, τ). Where τ = e^(log τ) overflows (log τ &gt;
 * 709, non-centred) or 1/τ does (log τ &lt; −709, centred) log p̃ is −∞: double precision cannot
 * represent the point, and the posterior puts no appreciable mass there. Parameter names are those
 * of the posteriordb reference draws: theta_trans[j] or theta[j], then mu and log_tau. Immutable
 * and thread-safe.
 */
public final class EightSchoolsTarget implements Target {
  private static final long serialVersionUID = 1L;

  private static final double LOG_5 = Math.log(5);
  /** 1/5² for μ's prior. */
  private static final double MU_PRECISION = 1.0 / 25;

  private final double[] y;
  private final double[] sigma;
  private final boolean centered;
  private final transient double[] precision;

  private EightSchoolsTarget(double[] y, double[] sigma, boolean centered) {
    this.y = y;
    this.sigma = sigma;
    this.centered = centered;
    this.precision = new double[sigma.length];
    for (int j = 0; j < sigma.length; j++) {
      precision[j] = 1 / (sigma[j] * sigma[j]);
    }
  }

  /**
   * @param y the J ≥ 1 estimated effects, finite
   * @param sigma their J standard errors, finite and &gt; 0
   * @param centered the centred parameterisation (θ) rather than the non-centred one (θ̃)
   * @throws InvalidInputException naming the bad field and index (counted from 0)
   */
  public static EightSchoolsTarget of(double[] y, double[] sigma, boolean centered) {
    if (y.length < 1) {
      throw new InvalidInputException("y must hold at least one school");
    }
    if (sigma.length != y.length) {
      throw new InvalidInputException("sigma has " + sigma.length + " values but y has "
          + y.length);
    }
    for (int j = 0; j < y.length; j++) {
      Checks.finite(y[j], "y[" + j + "]");
      Checks.positive(sigma[j], "sigma[" + j + "]");
    }
    return new EightSchoolsTarget(y.clone(), sigma.clone(), centered);
  }

  /**
   * Reads posteriordb's eight_schools {@code data.json}: J (≥ 1), y (J numbers) and sigma (J
   * numbers &gt; 0).
   *
   * @throws InvalidInputException naming the file and the field
   */
  public static EightSchoolsTarget read(Path dataJson, boolean centered) {
    PosteriorDbData data = PosteriorDbData.read(dataJson,
        centered ? "eight-schools-centered" : "eight-schools-noncentered");
    int j = data.integer("J", 1);
    double[] y = data.numbers("y", j, "J");
    double[] sigma = data.numbers("sigma", j, "J");
    return data.build(() -> of(y, sigma, centered));
  }

  @Override
  public int dim() {
    return y.length + 2;
  }

  @Override
  public String name() {
    return centered ? "eight-schools-centered" : "eight-schools-noncentered";
  }

  public boolean centered() {
    return centered;
  }

  @Override
  public List<String> parameterNames() {
    List<String> names = new ArrayList<>(dim());
    String theta = centered ? "theta[" : "theta_trans[";
    for (int j = 1; j <= y.length; j++) {
      names.add(theta + j + "]");
    }
    names.add("mu");
    names.add("log_tau");
    return names;
  }

  /** theta[1..J], mu, tau: θ_j = μ + τ·θ̃_j when non-centred, τ = e^{log τ}. */
  @Override
  public List<String> constrainedNames() {
    List<String> names = new ArrayList<>();
    for (int j = 1; j <= y.length; j++) {
      names.add("theta[" + j + "]");
    }
    names.add("mu");
    names.add("tau");
    return names;
  }

  @Override
  public void constrain(double[] z, double[] out) {
    int n = y.length;
    double mu = z[n];
    double tau = Math.exp(z[n + 1]);
    for (int j = 0; j < n; j++) {
      out[j] = centered ? z[j] : mu + tau * z[j];
    }
    out[n] = mu;
    out[n + 1] = tau;
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    int n = y.length;
    double mu = z[n];
    double logTau = z[n + 1];
    double scaled = 2 * (logTau - LOG_5);
    double lp = -0.5 * mu * mu * MU_PRECISION - PosteriorDbMath.softplus(scaled) + logTau;
    double gradMu = -mu * MU_PRECISION;
    double gradLogTau = 1 - 2 * PosteriorDbMath.sigmoid(scaled);
    if (centered) {
      double inverseTau = Math.exp(-logTau);
      if (inverseTau == Double.POSITIVE_INFINITY) {
        return Double.NEGATIVE_INFINITY;
      }
      lp -= n * logTau;
      gradLogTau -= n;
      for (int j = 0; j < n; j++) {
        double theta = z[j];
        double u = (theta - mu) * inverseTau;
        double r = (y[j] - theta) * precision[j];
        lp -= 0.5 * (u * u + (y[j] - theta) * r);
        double pull = u * inverseTau;
        gradient[j] = -pull + r;
        gradMu += pull;
        gradLogTau += u * u;
      }
    } else {
      double tau = Math.exp(logTau);
      if (tau == Double.POSITIVE_INFINITY) {
        return Double.NEGATIVE_INFINITY;
      }
      double sumRTheta = 0;
      for (int j = 0; j < n; j++) {
        double thetaTrans = z[j];
        double e = y[j] - (mu + tau * thetaTrans);
        double r = e * precision[j];
        lp -= 0.5 * (thetaTrans * thetaTrans + e * r);
        gradient[j] = -thetaTrans + tau * r;
        gradMu += r;
        sumRTheta += r * thetaTrans;
      }
      gradLogTau += tau * sumRTheta;
    }
    gradient[n] = gradMu;
    gradient[n + 1] = gradLogTau;
    return PosteriorDbMath.checked(this, lp, z);
  }

  @Override
  public String toString() {
    return name() + "(J=" + y.length + ")";
  }

  private Object readResolve() throws ObjectStreamException {
    return of(y, sigma, centered);
  }
}
