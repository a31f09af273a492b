package org.poevi.family;

import org.apache.commons.numbers.gamma.LogGamma;
import org.apache.commons.rng.UniformRandomProvider;
import org.poevi.math.LogDirichletSampler;
import org.poevi.math.LogSpace;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;

/**
 * The proposal for the Dirichlet weights w of the Feynman sampler: the paper's Dir(α), or an
 * adapted defensive mixture r(w) = λ·Dir(w | α) + (1 − λ)·Dir(w | β).
 *
 * <p>The marginal q(w) ∝ Dir(w | α)·C(w) can sit far from Dir(α) (e.g. near the simplex's corners
 * when the experts disagree), and then the C(w) weights collapse to a few effective draws. β is
 * fitted to weighted draws of q(w) by maximum likelihood (Minka's fixed point
 * ψ(β_k) = ψ(Σβ) + E[log w_k]), and each draw carries the importance factor Dir(w | α)/r(w), so
 * E_r[C(w)·Dir(w | α)/r(w)] = C_α still holds. The defensive component (λ = {@value #DEFENSIVE})
 * bounds that factor by 1/λ, so the weights are never heavier-tailed than under Dir(α) by more
 * than that constant.
 */
final class WeightProposal {
  static final double DEFENSIVE = 0.3;
  private static final double LOG_DEFENSIVE = Math.log(DEFENSIVE);
  private static final double LOG_ADAPTED = Math.log1p(-DEFENSIVE);

  private final double[] alpha;
  private final double[] beta;
  private final LogDirichletSampler alphaSampler;
  private final LogDirichletSampler betaSampler;
  private final double logNormAlpha;
  private final double logNormBeta;
  /** The logistic t proposal over the large-α experts ({@link WeightLaplace}), or null. */
  private final MultivariateT logistic;
  /** The large-α experts (indices into α) whose shares the logistic t draws, or null. */
  private final int[] large;
  /** The small-α experts, then one slot for the large ones' total: their Dirichlet. */
  private final int[] small;
  private final LogDirichletSampler smallSampler;
  private final double logNormLarge;
  /**
   * The conditional mixture's components ({@link #conditionalMixture}): J×K rates a_jk = A_k(z_j),
   * each row scaled to a largest entry of 1 (a row's scale does not change its component), their
   * logs, and Σ_k α_k log a_jk per row; null for the other proposals.
   */
  private final double[] rates;
  private final double[] logRates;
  private final double[] ratePowers;
  /** α₀ = Σ_k α_k, the exponent of Σ_k a_jk w_k in every component. */
  private final double alphaSum;

  private WeightProposal(double[] alpha, double[] beta, MultivariateT logistic, int[] large) {
    this(alpha, beta, logistic, large, null);
  }

  private WeightProposal(double[] alpha, double[] beta, MultivariateT logistic, int[] large,
      double[] logRates) {
    this.alpha = alpha;
    double sum = 0;
    for (double a : alpha) {
      sum += a;
    }
    this.alphaSum = sum;
    this.logRates = logRates;
    this.rates = logRates == null ? null : new double[logRates.length];
    this.ratePowers = logRates == null ? null : new double[logRates.length / alpha.length];
    for (int j = 0; ratePowers != null && j < ratePowers.length; j++) {
      for (int k = 0; k < alpha.length; k++) {
        rates[j * alpha.length + k] = Math.exp(logRates[j * alpha.length + k]);
        ratePowers[j] += alpha[k] * logRates[j * alpha.length + k];
      }
    }
    this.beta = beta;
    this.alphaSampler = LogDirichletSampler.of(alpha);
    this.betaSampler = beta == null ? null : LogDirichletSampler.of(beta);
    this.logNormAlpha = logDirichletNormalizer(alpha);
    this.logNormBeta = beta == null ? 0 : logDirichletNormalizer(beta);
    this.logistic = logistic;
    this.large = large;
    if (large == null) {
      this.small = null;
      this.smallSampler = null;
      this.logNormLarge = 0;
    } else {
      boolean[] isLarge = new boolean[alpha.length];
      double[] largeAlpha = new double[large.length];
      for (int i = 0; i < large.length; i++) {
        isLarge[large[i]] = true;
        largeAlpha[i] = alpha[large[i]];
      }
      this.small = new int[alpha.length - large.length];
      double[] smallAlpha = new double[small.length + 1];
      for (int k = 0, j = 0; k < alpha.length; k++) {
        if (!isLarge[k]) {
          small[j] = k;
          smallAlpha[j++] = alpha[k];
        }
      }
      for (double a : largeAlpha) {
        smallAlpha[small.length] += a;
      }
      this.smallSampler = LogDirichletSampler.of(smallAlpha);
      this.logNormLarge = logDirichletNormalizer(largeAlpha);
    }
  }

  /** The paper's proposal Dir(α): importance factor 1. */
  static WeightProposal prior(double[] alpha) {
    return new WeightProposal(alpha.clone(), null, null, null);
  }

  /** The defensive mixture with an adapted Dir(β). */
  static WeightProposal adapted(double[] alpha, double[] beta) {
    return new WeightProposal(alpha.clone(), beta.clone(), null, null);
  }

  /**
   * A logistic t over the large-α experts L, the rest from the prior. By the Dirichlet's
   * aggregation property, w ~ Dir(α) is (w_S, T) ~ Dir(α_S, Σ_L α) for the small experts S and the
   * large ones' total T, times independent shares u = w_L/T ~ Dir(α_L). The proposal keeps the
   * first factor and draws u from a logistic t: η = (log(u_j/u_last))_{j<|L|} ~ t, whose density in
   * u is t(η(u))/Π_j u_j (the Jacobian of the log-ratio map). So the importance factor is
   * log Dir(u | α_L) − log t(η) + Σ_j log u_j = log B(α_L)⁻¹ + Σ_j α_j log u_j − log t(η). The
   * t's polynomial tails reach every u.
   *
   * @param large the indices of L, at least 2, in the order of η's coordinates (the last one's
   *     share is the reference)
   */
  static WeightProposal logistic(double[] alpha, int[] large, MultivariateT eta) {
    return new WeightProposal(alpha.clone(), null, eta, large.clone());
  }

  /**
   * The defensive mixture λ·Dir(α) + (1 − λ)/J·Σ_j r_j with r_j = q(w | z_j), the exact
   * conditional of the Feynman identity at J points z_j: given z, w is distributed as independent
   * g_k ~ Gamma(α_k, rate A_k(z)) normalised (the integrand Π w_k^(α_k−1)·(Σ w_k A_k)^(−α₀) is
   * that density up to a constant). Its density is Dir(w | α)·Π_k a_k^(α_k)·(Σ_k a_k w_k)^(−α₀)
   * with a_k = A_k(z), so when the z_j are draws of q the mixture is a Monte Carlo estimate of
   * the marginal q(w) = ∫ q(w | z) q(z) dz, the proposal that would make the C(w) weights
   * constant. The importance factor is −log(λ + (1 − λ)/J·Σ_j e^(h_j)),
   * h_j = Σ_k α_k log a_jk − α₀ log Σ_k a_jk w_k.
   *
   * @param logRates J×K row-major log A_k(z_j) over the active experts
   */
  static WeightProposal conditionalMixture(double[] alpha, double[] logRates) {
    int k = alpha.length;
    double[] scaled = logRates.clone();
    for (int j = 0; j < scaled.length / k; j++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < k; i++) {
        max = Math.max(max, scaled[j * k + i]);
      }
      for (int i = 0; i < k; i++) {
        scaled[j * k + i] -= max;
      }
    }
    return new WeightProposal(alpha.clone(), null, null, null, scaled);
  }

  boolean isPrior() {
    return beta == null && logistic == null && logRates == null;
  }

  /** Whether this is a conditional mixture (J·K work per proposal, {@link #conditionalMixture}). */
  boolean isConditionalMixture() {
    return logRates != null;
  }

  /** The proposal's name in diagnostics. */
  String label() {
    return logRates != null ? "conditional-mixture" : logistic != null ? "logistic-t"
        : beta != null ? "adapted-dirichlet" : "dirichlet";
  }

  double[] beta() {
    return beta == null ? null : beta.clone();
  }

  /** A sampler bound to one stream; not thread-safe. */
  Bound bind(UniformRandomProvider rng) {
    return new Bound(rng);
  }

  final class Bound {
    private final UniformRandomProvider rng;
    private final LogDirichletSampler.Bound fromAlpha;
    private final LogDirichletSampler.Bound fromBeta;
    private final MultivariateT.Sampler fromLogistic;
    private final LogDirichletSampler.Bound fromSmall;
    private final double[] eta;
    private final double[] scratch;
    private final double[] smallW;
    private final double[] smallLogW;
    private final double[] h;

    private Bound(UniformRandomProvider rng) {
      this.h = ratePowers == null ? null : new double[ratePowers.length];
      this.rng = rng;
      this.fromAlpha = alphaSampler.bind(rng);
      this.fromBeta = betaSampler == null ? null : betaSampler.bind(rng);
      this.fromLogistic = logistic == null ? null : logistic.sampler(rng);
      this.fromSmall = logistic == null ? null : smallSampler.bind(rng);
      this.eta = logistic == null ? null : new double[large.length - 1];
      this.scratch = logistic == null ? null : new double[large.length - 1];
      this.smallW = logistic == null ? null : new double[small.length + 1];
      this.smallLogW = logistic == null ? null : new double[small.length + 1];
    }

    /**
     * Draws w, and log w into {@code logW} unless it is null (the mixture always needs and writes
     * it), and returns log(Dir(w | α)/r(w)): 0 for the prior proposal. The mixture draws one
     * uniform to pick its component, then the Dirichlet draw.
     */
    double sample(double[] w, int wOff, double[] logW, int logOff) {
      if (h != null) {
        return sampleConditional(w, wOff, logW, logOff);
      }
      if (fromLogistic != null) {
        return sampleLogistic(w, wOff, logW, logOff);
      }
      if (fromBeta == null) {
        fromAlpha.sample(w, wOff, logW, logOff);
        return 0;
      }
      if (rng.nextDouble() < DEFENSIVE) {
        fromAlpha.sample(w, wOff, logW, logOff);
      } else {
        fromBeta.sample(w, wOff, logW, logOff);
      }
      // log(Dir(w|α)/r(w)) = −log(λ + (1 − λ)·e^Δ) with Δ = log Dir(w|β) − log Dir(w|α)
      // = (log B_α − log B_β) + Σ (β_k − α_k) log w_k, summed as one difference: the two log
      // densities themselves can reach 1e19 when a tiny β_k pins log w_k near −1e19, and
      // subtracting them would lose every digit (and bias C_α upward; seen: +0.43 nats).
      double delta = logNormBeta - logNormAlpha;
      for (int k = 0; k < alpha.length; k++) {
        delta += (beta[k] - alpha[k]) * logW[logOff + k];
      }
      return -LogSpace.logAddExp(LOG_DEFENSIVE, LOG_ADAPTED + delta);
    }

    /**
     * (w_S, T) from the prior's Dirichlet, then u = softmax(η, 0) from the logistic t, w_L = T·u;
     * log w is always written (logW is non-null for every proposal but the prior).
     */
    private double sampleLogistic(double[] w, int wOff, double[] logW, int logOff) {
      fromSmall.sample(smallW, 0, smallLogW, 0);
      for (int j = 0; j < small.length; j++) {
        w[wOff + small[j]] = smallW[j];
        logW[logOff + small[j]] = smallLogW[j];
      }
      double logTotal = smallLogW[small.length];
      fromLogistic.sample(eta, 0);
      double logT = logistic.logDensity(eta, 0, scratch);
      double lse = logSumExpWithZero(eta);
      double correction = logNormLarge - logT;
      for (int j = 0; j < large.length; j++) {
        double logU = (j < large.length - 1 ? eta[j] : 0) - lse;
        logW[logOff + large[j]] = logTotal + logU;
        w[wOff + large[j]] = Math.exp(logTotal + logU);
        correction += alpha[large[j]] * logU;
      }
      return correction;
    }

    /**
     * One uniform picks Dir(α) (probability λ) or a component j (a second draw, uniform over J);
     * a component's w is a Dir(α) draw g/Σg reweighted to (g_k/a_jk)/Σ(g/a_j), in logs.
     */
    private double sampleConditional(double[] w, int wOff, double[] logW, int logOff) {
      int k = alpha.length;
      boolean defensive = rng.nextDouble() < DEFENSIVE;
      int component = defensive ? -1 : rng.nextInt(h.length);
      fromAlpha.sample(w, wOff, logW, logOff);
      if (!defensive) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
          logW[logOff + i] -= logRates[component * k + i];
          max = Math.max(max, logW[logOff + i]);
        }
        double sum = 0;
        for (int i = 0; i < k; i++) {
          sum += Math.exp(logW[logOff + i] - max);
        }
        double lse = max + Math.log(sum);
        for (int i = 0; i < k; i++) {
          logW[logOff + i] -= lse;
          w[wOff + i] = Math.exp(logW[logOff + i]);
        }
      }
      for (int j = 0; j < h.length; j++) {
        h[j] = ratePowers[j] - alphaSum * logDot(j, w, wOff, logW, logOff);
      }
      double logMean = LogSpace.logSumExp(h, 0, h.length) - Math.log(h.length);
      return -LogSpace.logAddExp(LOG_DEFENSIVE, LOG_ADAPTED + logMean);
    }

    /**
     * log Σ_k a_jk w_k: a dot product, in logs only when it underflows (the rates are at most 1
     * and Σ w = 1, so it does only when w sits on experts whose rates are tiny).
     */
    private double logDot(int j, double[] w, int wOff, double[] logW, int logOff) {
      int k = alpha.length;
      double dot = 0;
      for (int i = 0; i < k; i++) {
        dot += rates[j * k + i] * w[wOff + i];
      }
      if (dot > Double.MIN_NORMAL * 1e10) {
        return Math.log(dot);
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < k; i++) {
        max = Math.max(max, logRates[j * k + i] + logW[logOff + i]);
      }
      double sum = 0;
      for (int i = 0; i < k; i++) {
        sum += Math.exp(logRates[j * k + i] + logW[logOff + i] - max);
      }
      return max + Math.log(sum);
    }
  }

  /** log(1 + Σ_j e^{η_j}): the log-ratio coordinates' normaliser, u_j = e^{η_j − it}. */
  static double logSumExpWithZero(double[] eta) {
    double max = 0;
    for (double v : eta) {
      max = Math.max(max, v);
    }
    double sum = Math.exp(-max);
    for (double v : eta) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }

  private static double logDirichletNormalizer(double[] a) {
    double sum = 0;
    double logGammas = 0;
    for (double v : a) {
      sum += v;
      logGammas += LogGamma.value(v);
    }
    return LogGamma.value(sum) - logGammas;
  }

  /** Draws one uniform; kept here so every proposal's stream layout is documented in one place. */
  static double logUniform(UniformRandomProvider rng) {
    return Math.log(RandomStreams.openClosedUniform(rng));
  }
}
