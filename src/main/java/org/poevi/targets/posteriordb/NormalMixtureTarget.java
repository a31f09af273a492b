package org.poevi.targets.posteriordb;

import java.io.ObjectStreamException;
import java.nio.file.Path;
import java.util.List;
import org.poevi.InvalidInputException;
import org.poevi.targets.Checks;
import org.poevi.targets.Target;

/**
 * posteriordb's low_dim_gauss_mix: a two-component normal mixture for y_1..y_N with ordered
 * means,
 *
 * <pre>
 *   μ₁ &lt; μ₂ ~ N(0, 2),  σ_1, σ_2 ~ half-N(0, 2),  θ ~ Beta(5, 5),
 *   y_n ~ θ N(μ₁, σ_1) + (1 − θ) N(μ₂, σ_2),
 * </pre>
 *
 * with N(m, s) the normal with standard deviation s, on R⁵ through z = (μ₁, u, log σ_1, log σ_2,
 * logit θ) with μ₂ = μ₁ + e^u and θ = s(logit θ), s(v) = 1/(1 + e^(−v)) (log-Jacobian u + log σ_1
 * + log σ_2 + log θ + log(1 − θ)). Constants dropped, with ℓ_kn = log w_k − log σ_k
 * − ½ ((y_n − μ_k)/σ_k)², w_1 = θ, w_2 = 1 − θ,
 *
 * <pre>
 *   log p̃(z) = −(μ₁² + μ₂²)/8 − (σ_1² + σ_2²)/8 + 5 log θ + 5 log(1 − θ) + u + log σ_1 + log σ_2
 *              + Σ_n log(e^(ℓ_1n) + e^(ℓ_2n)).
 * </pre>
 *
 * Each log-sum-exp is shifted by its larger term: with Δ = ℓ_1n − ℓ_2n, it is max(ℓ_1n, ℓ_2n)
 * + log1p(e^(−|Δ|)), and the responsibility of component 1 is ρ_n = 1/(1 + e^(−Δ)) from the same
 * exponential. Score, with r_kn = (y_n − μ_k)/σ_k: ∂μ₂ = −μ₂/4 + Σ_n (1 − ρ_n) r_2n/σ_2,
 * ∂μ₁ = −μ₁/4 + Σ_n ρ_n r_1n/σ_1 + ∂μ₂, ∂u = e^u ∂μ₂ + 1, ∂log σ_1 = −σ_1²/4 + 1
 * + Σ_n ρ_n (r_1n² − 1), likewise for σ_2 with 1 − ρ_n, ∂logit θ = 5 − 10θ + Σ_n ρ_n − Nθ.
 * log θ and log(1 − θ) are −softplus(∓logit θ), so they neither overflow nor cancel.
 *
 * <p>One pass over the data per evaluation, one exp and one log1p per observation, no allocation.
 * Where e^u or σ_k overflows, or a standardised residual does (σ_k below about e^(−300)), log p̃
 * is −∞: such points lie hundreds of nats below the mode. Parameter names: mu1, log_mu2_minus_mu1,
 * log_sigma[1], log_sigma[2], logit_theta. Immutable and thread-safe.
 */
public final class NormalMixtureTarget implements Target {
  private static final long serialVersionUID = 1L;

  /** 1/2² for the normal priors of μ and σ. */
  private static final double PRIOR_PRECISION = 1.0 / 4;
  /** The Beta(5, 5) prior's exponents plus the Jacobian's 1. */
  private static final double THETA_EXPONENT = 5;

  private final double[] y;

  private NormalMixtureTarget(double[] y) {
    this.y = y;
  }

  /**
   * @param y the N ≥ 1 observations, finite
   * @throws InvalidInputException naming the bad index (counted from 0)
   */
  public static NormalMixtureTarget of(double[] y) {
    if (y.length < 1) {
      throw new InvalidInputException("y must hold at least one value");
    }
    for (int n = 0; n < y.length; n++) {
      Checks.finite(y[n], "y[" + n + "]");
    }
    return new NormalMixtureTarget(y.clone());
  }

  /**
   * Reads posteriordb's low_dim_gauss_mix {@code data.json}: N (≥ 1) and y (N numbers).
   *
   * @throws InvalidInputException naming the file and the field
   */
  public static NormalMixtureTarget read(Path dataJson) {
    PosteriorDbData data = PosteriorDbData.read(dataJson, "normal-mixture");
    int n = data.integer("N", 1);
    double[] y = data.numbers("y", n, "N");
    return data.build(() -> of(y));
  }

  @Override
  public int dim() {
    return 5;
  }

  @Override
  public String name() {
    return "normal-mixture";
  }

  @Override
  public List<String> parameterNames() {
    return List.of("mu1", "log_mu2_minus_mu1", "log_sigma[1]", "log_sigma[2]", "logit_theta");
  }

  /** mu[1], mu[2] = mu[1] + e^{u₂}, sigma[1..2] = e^{u₃}, e^{u₄}, theta = σ(u₅). */
  @Override
  public List<String> constrainedNames() {
    return List.of("mu[1]", "mu[2]", "sigma[1]", "sigma[2]", "theta");
  }

  @Override
  public void constrain(double[] z, double[] out) {
    out[0] = z[0];
    out[1] = z[0] + Math.exp(z[1]);
    out[2] = Math.exp(z[2]);
    out[3] = Math.exp(z[3]);
    out[4] = 1 / (1 + Math.exp(-z[4]));
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    double mu1 = z[0];
    double gap = Math.exp(z[1]);
    double mu2 = mu1 + gap;
    double logSigma1 = z[2];
    double logSigma2 = z[3];
    double sigma1 = Math.exp(logSigma1);
    double sigma2 = Math.exp(logSigma2);
    double inverse1 = Math.exp(-logSigma1);
    double inverse2 = Math.exp(-logSigma2);
    double theta = PosteriorDbMath.sigmoid(z[4]);
    double logTheta = PosteriorDbMath.logSigmoid(z[4]);
    double logOneMinusTheta = PosteriorDbMath.logSigmoid(-z[4]);
    double lp = -0.5 * PRIOR_PRECISION * (mu1 * mu1 + mu2 * mu2 + sigma1 * sigma1
        + sigma2 * sigma2) + THETA_EXPONENT * (logTheta + logOneMinusTheta) + z[1] + logSigma1
        + logSigma2;
    if (!(lp > Double.NEGATIVE_INFINITY) || inverse1 == Double.POSITIVE_INFINITY
        || inverse2 == Double.POSITIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    // The data's sums arrive in the gradient's slots, which the score then overwrites.
    double sum = dataSums(mu1, mu2, inverse1, inverse2, logTheta - logSigma1,
        logOneMinusTheta - logSigma2, gradient);
    double sumR1 = gradient[0];
    double sumR2 = gradient[1];
    double sumS1 = gradient[2];
    double sumS2 = gradient[3];
    double sumRho = gradient[4];
    double gMu2 = -mu2 * PRIOR_PRECISION + sumR2 * inverse2;
    double gMu1 = -mu1 * PRIOR_PRECISION + sumR1 * inverse1;
    gradient[0] = gMu1 + gMu2;
    gradient[1] = gap * gMu2 + 1;
    gradient[2] = -sigma1 * sigma1 * PRIOR_PRECISION + 1 + sumS1;
    gradient[3] = -sigma2 * sigma2 * PRIOR_PRECISION + 1 + sumS2;
    gradient[4] = THETA_EXPONENT * (1 - 2 * theta) + sumRho - y.length * theta;
    if (!(sum > Double.NEGATIVE_INFINITY) || !Double.isFinite(sumS1 + sumS2)) {
      // A standardised residual overflowed: a component's scale is far below the data's.
      return Double.NEGATIVE_INFINITY;
    }
    return PosteriorDbMath.checked(this, lp + sum, z);
  }

  /**
   * Σ_n log(e^(ℓ_1n) + e^(ℓ_2n)), returned, and into {@code sums} (no allocation per evaluation)
   * Σ_n ρ_n r_1n, Σ_n (1 − ρ_n) r_2n, Σ_n ρ_n (r_1n² − 1), Σ_n (1 − ρ_n) (r_2n² − 1) and Σ_n ρ_n;
   * c1 and c2 are log w_k − log σ_k.
   */
  private double dataSums(double mu1, double mu2, double inverse1, double inverse2, double c1,
      double c2, double[] sums) {
    double sum = 0;
    double sumR1 = 0;
    double sumR2 = 0;
    double sumS1 = 0;
    double sumS2 = 0;
    double sumRho = 0;
    for (double v : y) {
      double r1 = (v - mu1) * inverse1;
      double r2 = (v - mu2) * inverse2;
      double a = c1 - 0.5 * r1 * r1;
      double b = c2 - 0.5 * r2 * r2;
      double delta = a - b;
      double e = Math.exp(-Math.abs(delta));
      double inverseOnePlus = 1 / (1 + e);
      double rho;
      double rhoOther;
      if (delta >= 0) {
        sum += a + Math.log1p(e);
        rho = inverseOnePlus;
        rhoOther = e * inverseOnePlus;
      } else {
        sum += b + Math.log1p(e);
        rho = e * inverseOnePlus;
        rhoOther = inverseOnePlus;
      }
      sumRho += rho;
      sumR1 += rho * r1;
      sumR2 += rhoOther * r2;
      sumS1 += rho * (r1 * r1 - 1);
      sumS2 += rhoOther * (r2 * r2 - 1);
    }
    sums[0] = sumR1;
    sums[1] = sumR2;
    sums[2] = sumS1;
    sums[3] = sumS2;
    sums[4] = sumRho;
    return sum;
  }

  @Override
  public String toString() {
    return "normal-mixture(N=" + y.length + ")";
  }

  private Object readResolve() throws ObjectStreamException {
    return of(y);
  }
}
