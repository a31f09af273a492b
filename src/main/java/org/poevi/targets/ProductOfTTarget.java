package org.poevi.targets;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.poevi.InvalidInputException;
import org.poevi.family.Expert;
import org.poevi.family.FeynmanSampler;
import org.poevi.family.PoeModel;
import org.poevi.family.ProductOfExperts;
import org.poevi.family.SampleOptions;
import org.poevi.family.SharedMetric;
import org.poevi.math.LogMeanEstimate;

/**
 * A product of multivariate-t experts as a target: the realisable case, where the family holds the
 * truth and α* is known (SPEC §1, §5).
 *
 * <pre>
 *   log p̃(z) = −Σ_k α_k log A_k(z),    A_k(z) = 1 + (z − μ_k)ᵀ Λ_k (z − μ_k),
 *   ∇log p̃(z) = Σ_k α_k g_k(z) = −2 Σ_k α_k Λ_k (z − μ_k)/A_k(z),
 *   ∇²log p̃(z) = Σ_k α_k (4 u_k u_kᵀ/A_k² − 2 Λ_k/A_k),   u_k = Λ_k (z − μ_k),
 * </pre>
 *
 * The log density and score are {@link ProductOfExperts#logDensityAndScore}; the Hessian is
 * computed in closed form ({@code ExpertMatrix}).
 *
 * <p><b>Exact draws</b> by rejection on the Feynman weights (SPEC §2, {@link
 * FeynmanSampler#exactDraws}): draw w ~ Dir(α) over the active experts, accept with probability
 * C(w)/sup C = exp(log C(w) − {@link FeynmanSampler#logBound()}), then draw z | w ~ t_ν(μ(w),
 * Ω(w)⁻¹); the proposals come a block at a time, so experts that share a metric never need a
 * D×D matrix per draw. The acceptance rate is
 * C_α/sup C ({@link #acceptanceRate()}), so a draw costs 1/rate proposals on average. This needs
 * every active Λ_k positive definite; a model with a singular active expert is refused, and so is
 * one whose acceptance rate is below {@value #MIN_ACCEPTANCE} (a draw would take millions of
 * proposals).
 *
 * <p><b>The normaliser is an estimate.</b> log Z = log C_α has no closed form. It is estimated
 * once, at construction, as the Dirichlet mean of C(w) ({@link FeynmanSampler#sample}, seed
 * {@value #NORMALIZER_SEED}) with enough draws for a delta-method standard error below
 * {@value #TARGET_STANDARD_ERROR} nats, starting from {@value #INITIAL_NORMALIZER_DRAWS} draws and
 * growing as needed up to {@link SampleOptions#DEFAULT_MAX_NORMALIZER_DRAWS}. Because every active
 * Λ_k is positive definite, C(w) ≤ sup C is bounded, so the weights have finite variance and the
 * standard error is trustworthy (the heavy-tailed failure of SPEC §2 cannot occur). The value is
 * exposed with its standard error ({@link #logNormalizerStandardError()}); a {@code logNormalizer}
 * stored in the model file is ignored, since a target must not inherit the errors of the fit that
 * wrote it. The estimate is deterministic (fixed seed; independent of the thread count).
 *
 * <p>Parameter names are the model's. Immutable and thread-safe; serialised as its experts, α and
 * normaliser estimate (the estimate is not repeated on deserialisation).
 */
public final class ProductOfTTarget implements ExactTarget {
  private static final long serialVersionUID = 1L;

  /** Target standard error of the log-normaliser estimate, in nats. */
  public static final double TARGET_STANDARD_ERROR = 0.005;
  /** Master seed of the normaliser estimate. */
  public static final long NORMALIZER_SEED = 20_251_021L;
  public static final long INITIAL_NORMALIZER_DRAWS = 100_000;
  /** Below this exact-sampling acceptance rate the target is refused. */
  public static final double MIN_ACCEPTANCE = 1e-6;

  private final PoeModel model;
  private final ProductOfExperts family;
  private final FeynmanSampler sampler;
  private final int dim;
  private final double logNormalizer;
  private final double standardError;
  private final long normalizerDraws;
  private final double logBound;
  /** Active experts and their α_k, for the Hessian. */
  private final double[] activeAlpha;
  private final ExpertMatrix[] activeMatrices;

  private ProductOfTTarget(PoeModel model, double logNormalizer, double standardError,
      long normalizerDraws) {
    this.model = model.withLogNormalizer(
        new PoeModel.LogNormalizer(logNormalizer, standardError, normalizerDraws));
    this.family = model.family();
    this.sampler = FeynmanSampler.of(family);
    this.dim = family.dim();
    this.logNormalizer = logNormalizer;
    this.standardError = standardError;
    this.normalizerDraws = normalizerDraws;
    this.logBound = sampler.logBound();
    int[] active = family.activeExperts();
    this.activeAlpha = new double[active.length];
    this.activeMatrices = new ExpertMatrix[active.length];
    Map<SharedMetric, double[]> metrics = new IdentityHashMap<>();
    for (int i = 0; i < active.length; i++) {
      activeAlpha[i] = family.alpha(active[i]);
      activeMatrices[i] = new ExpertMatrix(family.expert(active[i]), metrics);
    }
  }

  /** A family with the default parameter names z[1]..z[D]. */
  public static ProductOfTTarget of(ProductOfExperts family) {
    return of(new PoeModel(PoeModel.defaultNames(family.dim()), family, null));
  }

  /**
   * @param model a product of experts whose active experts all have positive definite Λ
   * @throws InvalidInputException when an active expert is singular, when the normaliser cannot
   *     reach its standard error within the draw cap, or when exact sampling is impractical
   */
  public static ProductOfTTarget of(PoeModel model) {
    ProductOfExperts family = model.unframedFamily("a product-of-t target");
    for (int k : family.activeExperts()) {
      if (!family.expert(k).isFullRank()) {
        throw new InvalidInputException("expert " + k + " has a singular lambda (rank "
            + family.expert(k).rank() + " of " + family.dim() + "): a product-of-t target needs"
            + " every active expert positive definite for exact sampling");
      }
    }
    FeynmanSampler sampler = FeynmanSampler.of(family);
    LogMeanEstimate estimate = estimateNormalizer(sampler);
    double acceptance = Math.exp(estimate.estimate() - sampler.logBound());
    if (acceptance < MIN_ACCEPTANCE) {
      throw new InvalidInputException("exact sampling of this product of experts would accept "
          + String.format("%.3g", acceptance) + " of its proposals (below " + MIN_ACCEPTANCE
          + "): the experts' scales differ too much for rejection on w");
    }
    return new ProductOfTTarget(model, estimate.estimate(), estimate.standardError(),
        estimate.draws());
  }

  /** Dirichlet draws of C(w) until the standard error of log C_α is below the target. */
  private static LogMeanEstimate estimateNormalizer(FeynmanSampler sampler) {
    long draws = INITIAL_NORMALIZER_DRAWS;
    while (true) {
      SampleOptions options = SampleOptions.builder().draws(1).seed(NORMALIZER_SEED)
          .normalizerDraws(draws).build();
      LogMeanEstimate estimate = sampler.sample(options).normalizer();
      double se = estimate.standardError();
      if (se < TARGET_STANDARD_ERROR) {
        return estimate;
      }
      if (!(se < Double.POSITIVE_INFINITY) || draws >= SampleOptions.DEFAULT_MAX_NORMALIZER_DRAWS) {
        throw new InvalidInputException("the log-normaliser of this product of experts has"
            + " standard error " + String.format("%.3g", se) + " after " + estimate.draws()
            + " draws, above the " + TARGET_STANDARD_ERROR + " a target needs");
      }
      // se ∝ 1/√n: scale n to reach the target, with 20% to spare, within the cap.
      double factor = 1.2 * (se / TARGET_STANDARD_ERROR) * (se / TARGET_STANDARD_ERROR);
      draws = (long) Math.min(SampleOptions.DEFAULT_MAX_NORMALIZER_DRAWS,
          Math.ceil(estimate.draws() * factor));
    }
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public String name() {
    return "product-of-t";
  }

  @Override
  public List<String> parameterNames() {
    return model.parameters();
  }

  /** The model, carrying this target's normaliser estimate (not the file's). */
  public PoeModel model() {
    return model;
  }

  public ProductOfExperts family() {
    return family;
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    return family.logDensityAndScore(z, gradient);
  }

  @Override
  public double logDensity(double[] z) {
    return family.logDensityUnnormalized(z);
  }

  @Override
  public boolean hessian(double[] z, double[] out) {
    Arrays.fill(out, 0, dim * dim, 0);
    double[] r = new double[dim];
    double[] u = new double[dim];
    for (int k = 0; k < activeAlpha.length; k++) {
      double quad = activeMatrices[k].apply(z, r, u);
      // A ≥ 1 exactly; rounding can make the quadratic form of a PSD Λ slightly negative.
      double a = 1 + Math.max(quad, 0);
      activeMatrices[k].addTo(-2 * activeAlpha[k] / a, out);
      // + 4α/A² u uᵀ: a rank-1 update, symmetric, so either storage order.
      dev.ludovic.netlib.blas.BLAS.getInstance().dger(dim, dim, 4 * activeAlpha[k] / (a * a), u,
          0, 1, u, 0, 1, out, 0, dim);
    }
    return true;
  }

  /** The estimate of log C_α (see the class comment). */
  @Override
  public double logNormalizer() {
    return logNormalizer;
  }

  /**
   * Delta-method standard error of {@link #logNormalizer()}, below {@value #TARGET_STANDARD_ERROR}.
   */
  public double logNormalizerStandardError() {
    return standardError;
  }

  /** Dirichlet draws behind {@link #logNormalizer()}. */
  public long normalizerDraws() {
    return normalizerDraws;
  }

  /** Estimated acceptance rate of the exact sampler, C_α / sup C. */
  public double acceptanceRate() {
    return Math.min(1, Math.exp(logNormalizer - logBound));
  }

  @Override
  public void sample(UniformRandomProvider rng, double[] out, int off) {
    sampler.exactDraws(rng, 1, out, off);
  }

  /** n draws by rejection on w, their proposals formed a block at a time. */
  @Override
  public void sample(UniformRandomProvider rng, int n, double[] out, int off) {
    sampler.exactDraws(rng, n, out, off);
  }

  @Override
  public String toString() {
    return "product-of-t(dimension=" + dim + ", experts=" + family.numExperts() + ", active="
        + family.numActive() + ", dof=" + family.dof() + ", logNormalizer=" + logNormalizer
        + " ± " + standardError + ")";
  }

  // ------------------------------------------------------------------ serialisation

  private Object writeReplace() {
    return new SerializedForm(this);
  }

  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a product-of-t target is serialised through its proxy");
  }

  /** The serialised form: names, experts, α and the normaliser estimate, as plain arrays. */
  private static final class SerializedForm implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ArrayList<String> names;
    private final ArrayList<Expert> experts;
    private final double[] alpha;
    private final double logNormalizer;
    private final double standardError;
    private final long normalizerDraws;

    SerializedForm(ProductOfTTarget target) {
      ProductOfExperts f = target.family;
      this.names = new ArrayList<>(target.model.parameters());
      this.experts = new ArrayList<>();
      for (int k = 0; k < f.numExperts(); k++) {
        experts.add(f.expert(k));
      }
      this.alpha = f.alpha();
      this.logNormalizer = target.logNormalizer;
      this.standardError = target.standardError;
      this.normalizerDraws = target.normalizerDraws;
    }

    private Object readResolve() {
      PoeModel model = new PoeModel(names, ProductOfExperts.of(experts, alpha), null);
      return new ProductOfTTarget(model, logNormalizer, standardError, normalizerDraws);
    }
  }
}
