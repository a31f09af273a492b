package org.poevi.targets.posteriordb;

import java.io.ObjectStreamException;
import java.nio.file.Path;
import java.util.List;
import org.poevi.InvalidInputException;
import org.poevi.targets.Checks;
import org.poevi.targets.Target;

/**
 * posteriordb's garch11: a GARCH(1,1) volatility model for returns y_1..y_T with a known initial
 * volatility σ₁ ({@code sigma1}),
 *
 * <pre>
 *   s_1 = σ₁²,  s_t = α₀ + α₁ (y_(t−1) − μ)² + β₁ s_(t−1),  t = 2..T,
 *   y_t ~ N(μ, √s_t),  t = 1..T,
 * </pre>
 *
 * with flat priors on μ ∈ R, α₀ &gt; 0, α₁ ∈ (0, 1) and β₁ ∈ (0, 1 − α₁). On R⁴ through
 * z = (μ, u₂, u₃, u₄) with α₀ = e^(u₂), α₁ = σ(u₃), β₁ = (1 − α₁) σ(u₄), σ(u) = 1/(1 + e^(−u)),
 * the log-Jacobian is u₂ + log σ(u₃) + log(1 − σ(u₃)) + log(1 − α₁) + log σ(u₄) + log(1 − σ(u₄))
 * (the third term from β₁'s upper bound, which moves with α₁), so with e_t = y_t − μ and
 * constants dropped
 *
 * <pre>
 *   log p̃(z) = Σ_t [−½ log s_t − e_t²/(2 s_t)]
 *              + u₂ + log σ(u₃) + 2 log σ(−u₃) + log σ(u₄) + log σ(−u₄),
 * </pre>
 *
 * using 1 − σ(u) = σ(−u) and log σ(u) = −(max(−u, 0) + log1p(e^(−|u|))), which neither overflows
 * nor loses 1 − σ(u) to cancellation.
 *
 * <p>Score: with ℓ_t = −½ log s_t − e_t²/(2 s_t), ∂ℓ_t/∂s_t = (e_t²/s_t − 1)/(2 s_t) and
 * ∂ℓ_t/∂μ|_(s_t) = e_t/s_t; the derivatives of s_t with respect to θ = z are carried forward
 * alongside the recursion (s_1 does not depend on θ):
 *
 * <pre>
 *   ∂s_t/∂μ  = −2 α₁ e_(t−1) + β₁ ∂s_(t−1)/∂μ,
 *   ∂s_t/∂u₂ = α₀ + β₁ ∂s_(t−1)/∂u₂,
 *   ∂s_t/∂u₃ = α₁(1 − α₁) (e_(t−1)² − σ(u₄) s_(t−1)) + β₁ ∂s_(t−1)/∂u₃,
 *   ∂s_t/∂u₄ = (1 − α₁) σ(u₄)(1 − σ(u₄)) s_(t−1) + β₁ ∂s_(t−1)/∂u₄,
 * </pre>
 *
 * and the Jacobian adds (0, 1, σ(−u₃) − 2σ(u₃), σ(−u₄) − σ(u₄)). Where s_t overflows (α₀ = e^(u₂)
 * beyond the double range) or underflows to 0, log p̃ is −∞. Parameter names: mu, log_alpha0,
 * logit_alpha1, logit_beta1_over_1m_alpha1. Immutable and thread-safe.
 */
public final class Garch11Target implements Target {
  private static final long serialVersionUID = 1L;

  private final double[] y;
  private final double sigma1;

  private Garch11Target(double[] y, double sigma1) {
    this.y = y;
    this.sigma1 = sigma1;
  }

  /**
   * @param y the returns y_1..y_T, T ≥ 1, finite
   * @param sigma1 σ₁, the volatility at t = 1, finite and &gt; 0
   * @throws InvalidInputException naming the bad field
   */
  public static Garch11Target of(double[] y, double sigma1) {
    if (y.length < 1) {
      throw new InvalidInputException("y must hold at least one value");
    }
    for (int t = 0; t < y.length; t++) {
      Checks.finite(y[t], "y[" + t + "]");
    }
    Checks.positive(sigma1, "sigma1");
    return new Garch11Target(y.clone(), sigma1);
  }

  /**
   * Reads posteriordb's garch {@code data.json}: T (≥ 1), y (T numbers) and sigma1 (&gt; 0).
   *
   * @throws InvalidInputException naming the file and the field
   */
  public static Garch11Target read(Path dataJson) {
    PosteriorDbData data = PosteriorDbData.read(dataJson, "garch11");
    int length = data.integer("T", 1);
    double[] y = data.numbers("y", length, "T");
    double sigma1 = data.number("sigma1");
    return data.build(() -> of(y, sigma1));
  }

  @Override
  public int dim() {
    return 4;
  }

  @Override
  public String name() {
    return "garch11";
  }

  @Override
  public List<String> parameterNames() {
    return List.of("mu", "log_alpha0", "logit_alpha1", "logit_beta1_over_1m_alpha1");
  }

  /** mu, alpha0 = e^{u₂}, alpha1 = σ(u₃), beta1 = (1 − alpha1)·σ(u₄). */
  @Override
  public List<String> constrainedNames() {
    return List.of("mu", "alpha0", "alpha1", "beta1");
  }

  @Override
  public void constrain(double[] z, double[] out) {
    out[0] = z[0];
    out[1] = Math.exp(z[1]);
    out[2] = 1 / (1 + Math.exp(-z[2]));
    out[3] = (1 - out[2]) / (1 + Math.exp(-z[3]));
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    double mu = z[0];
    double alpha0 = Math.exp(z[1]);
    double alpha1 = PosteriorDbMath.sigmoid(z[2]);
    double oneMinusAlpha1 = PosteriorDbMath.sigmoid(-z[2]);
    double s4 = PosteriorDbMath.sigmoid(z[3]);
    double oneMinusS4 = PosteriorDbMath.sigmoid(-z[3]);
    double beta1 = oneMinusAlpha1 * s4;
    double dAlpha1 = alpha1 * oneMinusAlpha1;
    double dBeta1 = oneMinusAlpha1 * s4 * oneMinusS4;

    double s = sigma1 * sigma1;
    double e = y[0] - mu;
    double inverse = 1 / s;
    double lp = -0.5 * Math.log(s) - 0.5 * e * e * inverse;
    double gMu = e * inverse;
    double gAlpha0 = 0;
    double gAlpha1 = 0;
    double gBeta1 = 0;
    double dsMu = 0;
    double dsAlpha0 = 0;
    double dsAlpha1 = 0;
    double dsBeta1 = 0;
    for (int t = 1; t < y.length; t++) {
      double previous = s;
      double ePrevious = e;
      double ePrevious2 = ePrevious * ePrevious;
      dsMu = -2 * alpha1 * ePrevious + beta1 * dsMu;
      dsAlpha0 = alpha0 + beta1 * dsAlpha0;
      dsAlpha1 = dAlpha1 * (ePrevious2 - s4 * previous) + beta1 * dsAlpha1;
      dsBeta1 = dBeta1 * previous + beta1 * dsBeta1;
      s = alpha0 + alpha1 * ePrevious2 + beta1 * previous;
      if (!(s > 0 && s < Double.POSITIVE_INFINITY)) {
        return Double.NEGATIVE_INFINITY;
      }
      e = y[t] - mu;
      inverse = 1 / s;
      double scaled = e * e * inverse;
      lp -= 0.5 * (Math.log(s) + scaled);
      double w = 0.5 * inverse * (scaled - 1);
      gMu += e * inverse + w * dsMu;
      gAlpha0 += w * dsAlpha0;
      gAlpha1 += w * dsAlpha1;
      gBeta1 += w * dsBeta1;
    }
    lp += z[1] + PosteriorDbMath.logSigmoid(z[2]) + 2 * PosteriorDbMath.logSigmoid(-z[2])
        + PosteriorDbMath.logSigmoid(z[3]) + PosteriorDbMath.logSigmoid(-z[3]);
    gradient[0] = gMu;
    gradient[1] = gAlpha0 + 1;
    gradient[2] = gAlpha1 + oneMinusAlpha1 - 2 * alpha1;
    gradient[3] = gBeta1 + oneMinusS4 - s4;
    return PosteriorDbMath.checked(this, lp, z);
  }

  @Override
  public String toString() {
    return "garch11(T=" + y.length + ", sigma1=" + sigma1 + ")";
  }

  private Object readResolve() throws ObjectStreamException {
    return of(y, sigma1);
  }
}
