package org.poevi.targets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The posterior of a varying-intercepts model over synthetic grouped data
 * ({@link VaryingInterceptsData}: J groups of n rows, N = Jn), in the centred parameterisation
 * (the effects θ_j are parameters themselves, not τ times standard normals), a hierarchical
 * target whose dimension D = J + 3 grows with the number of groups (issue #20):
 *
 * <pre>
 *   μ ~ N(0, 5),   τ ~ half-Cauchy(0, 5),   σ ~ half-N(0, 5),
 *   θ_j ~ N(0, τ),   y_ij ~ N(μ + θ_j, σ),   j = 1..J,  i = 1..n,
 * </pre>
 *
 * with N(m, s) the normal with standard deviation s: weakly informative priors in the style of
 * Stan's eight schools. The unconstrained coordinates, as Stan's, are z = (μ, log τ, log σ, θ_1,
 * …, θ_J), with τ = e^(log τ) and σ = e^(log σ) carrying their Jacobians +log τ and +log σ. With
 * ȳ_j the group means, W the pooled within-group sum of squares and r_j = ȳ_j − μ − θ_j,
 *
 * <pre>
 *   log p̃(z) = −μ²/50 − softplus(2(log τ − log 5)) + log τ − σ²/50 + log σ
 *              − J log τ − ½ Σ_j θ_j²/τ² − N log σ − ½ (W + n Σ_j r_j²)/σ²,
 * </pre>
 *
 * constants dropped (the half-Cauchy's −log(1 + τ²/25) is written −softplus(2(log τ − log 5)) so
 * that it cannot overflow). One evaluation is O(J), whatever n. Score:
 *
 * <pre>
 *   ∂μ = −μ/25 + (n/σ²) Σ_j r_j,
 *   ∂log τ = 1 − 2 logistic(2(log τ − log 5)) − J + Σ_j θ_j²/τ²,
 *   ∂log σ = 1 − σ²/25 − N + (W + n Σ_j r_j²)/σ²,
 *   ∂θ_j = n r_j/σ² − θ_j/τ².
 * </pre>
 *
 * The Hessian is analytic ({@link #hessian}). Where 1/τ or 1/σ overflows (log τ or log σ below
 * −709) log p̃ is −∞: double precision cannot represent the point, and the posterior puts no
 * appreciable mass there. The density is unbounded as τ → 0 with every θ_j = 0 (the centred
 * funnel), a set of measure zero that no draw hits.
 *
 * <p>Parameter names: mu, log_tau, log_sigma, theta[1]..theta[J]; on the constrained scale mu,
 * tau, sigma, theta[j]. {@link #truth()} gives the values that generated the data. Immutable and
 * thread-safe.
 */
public final class VaryingInterceptsTarget implements Target {
  private static final long serialVersionUID = 1L;

  /** The scale of every prior: μ's sd, τ's half-Cauchy scale, σ's half-normal sd. */
  public static final double PRIOR_SCALE = 5;
  private static final double LOG_PRIOR_SCALE = Math.log(PRIOR_SCALE);
  private static final double PRIOR_PRECISION = 1 / (PRIOR_SCALE * PRIOR_SCALE);
  /** μ, log τ and log σ come first; θ_j is coordinate THETA + j. */
  private static final int THETA = 3;

  private final VaryingInterceptsData data;

  private VaryingInterceptsTarget(VaryingInterceptsData data) {
    this.data = data;
  }

  public static VaryingInterceptsTarget of(VaryingInterceptsData data) {
    return new VaryingInterceptsTarget(data);
  }

  public VaryingInterceptsData data() {
    return data;
  }

  @Override
  public int dim() {
    return data.groups() + THETA;
  }

  @Override
  public String name() {
    return "varying-intercepts";
  }

  @Override
  public List<String> parameterNames() {
    return names("log_tau", "log_sigma");
  }

  @Override
  public List<String> constrainedNames() {
    return names("tau", "sigma");
  }

  private List<String> names(String tau, String sigma) {
    List<String> names = new ArrayList<>(dim());
    names.add("mu");
    names.add(tau);
    names.add(sigma);
    for (int j = 1; j <= data.groups(); j++) {
      names.add("theta[" + j + "]");
    }
    return names;
  }

  /** mu, tau = e^{log τ}, sigma = e^{log σ}, theta[1..J]. */
  @Override
  public void constrain(double[] z, double[] out) {
    System.arraycopy(z, 0, out, 0, dim());
    out[1] = Math.exp(z[1]);
    out[2] = Math.exp(z[2]);
  }

  /** The true (μ, τ, σ, θ_1, …, θ_J) of the data, in {@link #constrainedNames()} order. */
  public double[] truth() {
    double[] out = new double[dim()];
    out[0] = data.trueMu();
    out[1] = data.trueTau();
    out[2] = data.trueSigma();
    System.arraycopy(data.trueTheta(), 0, out, THETA, data.groups());
    return out;
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    double mu = z[0];
    double logTau = z[1];
    double logSigma = z[2];
    double inverseTau = Math.exp(-logTau);
    double inverseSigma = Math.exp(-logSigma);
    if (inverseTau == Double.POSITIVE_INFINITY || inverseSigma == Double.POSITIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    double[] means = data.means();
    int groups = means.length;
    double n = data.rowsPerGroup();
    // u_j = θ_j/τ and e_j = r_j/σ, scaled before squaring: 0 stays 0 however small τ or σ.
    double sumU2 = 0;
    double sumE = 0;
    double sumE2 = 0;
    for (int j = 0; j < groups; j++) {
      double theta = z[THETA + j];
      double u = theta * inverseTau;
      double e = (means[j] - mu - theta) * inverseSigma;
      sumU2 += u * u;
      sumE += e;
      sumE2 += e * e;
      gradient[THETA + j] = n * e * inverseSigma - u * inverseTau;
    }
    double w = Math.sqrt(data.withinSquares()) * inverseSigma;
    double squares = w * w + n * sumE2;
    double sigmaScaled = Math.exp(logSigma) / PRIOR_SCALE;
    double tauScaled = 2 * (logTau - LOG_PRIOR_SCALE);
    double rows = data.rows();
    double lp = -0.5 * mu * mu * PRIOR_PRECISION
        - softplus(tauScaled) + logTau
        - 0.5 * sigmaScaled * sigmaScaled + logSigma
        - groups * logTau - 0.5 * sumU2
        - rows * logSigma - 0.5 * squares;
    gradient[0] = -mu * PRIOR_PRECISION + n * sumE * inverseSigma;
    gradient[1] = 1 - 2 * logistic(tauScaled) - groups + sumU2;
    gradient[2] = 1 - sigmaScaled * sigmaScaled - rows + squares;
    if (Double.isNaN(lp) || lp == Double.POSITIVE_INFINITY) {
      throw new TargetEvaluationException("target " + name() + " cannot be evaluated at "
          + Arrays.toString(z) + " (log density " + lp + ")");
    }
    return lp;
  }

  /**
   * The Hessian, row-major D×D. With P = n/σ², u_j = θ_j/τ, e_j = r_j/σ and ℓ = logistic(2(log τ −
   * log 5)): H_μμ = −1/25 − JP, H_μ,logσ = −2(n/σ) Σ e_j, H_μθ_j = −P, H_logτ,logτ = −4ℓ(1 − ℓ)
   * − 2 Σ u_j², H_logτ,θ_j = 2u_j/τ, H_logσ,logσ = −2σ²/25 − 2(W + n Σ r_j²)/σ², H_logσ,θ_j =
   * −2n e_j/σ, H_θ_jθ_j = −P − 1/τ²; every other entry is 0. Unspecified where log p̃ is −∞.
   */
  @Override
  public boolean hessian(double[] z, double[] out) {
    int dim = dim();
    Arrays.fill(out, 0, dim * dim, 0);
    double mu = z[0];
    double inverseTau = Math.exp(-z[1]);
    double inverseSigma = Math.exp(-z[2]);
    double[] means = data.means();
    int groups = means.length;
    double n = data.rowsPerGroup();
    double precision = n * inverseSigma * inverseSigma;
    double sumU2 = 0;
    double sumE = 0;
    double sumE2 = 0;
    for (int j = 0; j < groups; j++) {
      int t = THETA + j;
      double theta = z[t];
      double u = theta * inverseTau;
      double e = (means[j] - mu - theta) * inverseSigma;
      sumU2 += u * u;
      sumE += e;
      sumE2 += e * e;
      symmetric(out, dim, 0, t, -precision);
      symmetric(out, dim, 1, t, 2 * u * inverseTau);
      symmetric(out, dim, 2, t, -2 * n * e * inverseSigma);
      out[t * dim + t] = -precision - inverseTau * inverseTau;
    }
    double w = Math.sqrt(data.withinSquares()) * inverseSigma;
    double sigmaScaled = Math.exp(z[2]) / PRIOR_SCALE;
    double tauScaled = 2 * (z[1] - LOG_PRIOR_SCALE);
    out[0] = -PRIOR_PRECISION - groups * precision;
    symmetric(out, dim, 0, 2, -2 * n * sumE * inverseSigma);
    out[dim + 1] = -4 * logistic(tauScaled) * logistic(-tauScaled) - 2 * sumU2;
    out[2 * dim + 2] = -2 * sigmaScaled * sigmaScaled - 2 * (w * w + n * sumE2);
    return true;
  }

  private static void symmetric(double[] out, int dim, int i, int j, double value) {
    out[i * dim + j] = value;
    out[j * dim + i] = value;
  }

  /** log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)), without overflow. */
  private static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** 1/(1 + e^(−x)), exp of a non-positive argument only. */
  private static double logistic(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  @Override
  public String toString() {
    return name() + "(" + data + ")";
  }
}
