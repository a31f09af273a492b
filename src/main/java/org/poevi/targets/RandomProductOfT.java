package org.poevi.targets;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.InvalidInputException;
import org.poevi.family.Expert;
import org.poevi.family.PoeModel;
import org.poevi.family.ProductOfExperts;
import org.poevi.family.SharedMetric;
import org.poevi.math.RandomStreams;

/**
 * A random product of t experts at any dimension (issue #20): the realisable target with exact
 * draws at D = 1000, drawn from a seed.
 *
 * <p>Every expert shares one metric M: Λ_k = M + U_k U_kᵀ, with
 *
 * <ul>
 *   <li>M = S⁻¹ R⁻¹ S⁻¹, R the equicorrelation matrix of the given correlation ρ and S the
 *       diagonal of per-coordinate scales s_d, log-uniform on [1/2, 2] (so M⁻¹ has sd's that
 *       differ by up to 4× and all pairs correlated: nothing axis-aligned);
 *   <li>U_k = L V_k with M = L Lᵀ: in the whitened frame x = Lᵀz expert k adds γ² along r random
 *       unit directions e, with γ² uniform on [1, 4];
 *   <li>μ_k = m + L⁻ᵀ δ_k, m_d = s_d·N(0, 1) (the target is not centred) and δ_k = ξ_k e_k1
 *       · 1.5/√ν, ξ_k ~ N(0, 1): each expert pulls along one of its own directions by about 1.5
 *       of the target's whitened sd, which skews the product there;
 *   <li>α_k ∝ 1 + u_k, u_k uniform on [0, 1], scaled so that 2Σα_k − D = ν (the product's tail
 *       degrees of freedom).
 * </ul>
 *
 * <p><b>Why a shared scale c_k = 1.</b> Exact draws accept w ~ Dir(α) with probability
 * C(w)/sup C, and sup C uses the smallest log|Λ_k|. Experts whose c_k differ by a factor f lose
 * about (D/2)·log f nats of acceptance: at D = 1000 any visible spread in c_k makes exact
 * sampling impossible, while the rank-r parts cost only O(K·r) nats.
 *
 * <p>Deterministic: every number comes from {@link RandomStreams#SYNTHETIC_TRUTH} of the seed.
 */
public final class RandomProductOfT {
  public static final int DEFAULT_EXPERTS = 4;
  public static final int DEFAULT_RANK = 2;
  public static final double DEFAULT_DOF = 5;
  public static final double DEFAULT_CORRELATION = 0.5;
  public static final long DEFAULT_SEED = 1;
  /** Largest dimension: M alone takes 8·D² bytes (0.8 GB at D = 10,000). */
  public static final int MAX_DIMENSION = 10_000;

  private RandomProductOfT() {}

  /**
   * @param dim D, 1 to {@value #MAX_DIMENSION}
   * @param experts K ≥ 1
   * @param rank r, 0 to D, columns of each U_k
   * @param dof ν &gt; 0, finite
   * @param correlation ρ in [0, 1)
   * @throws InvalidInputException naming the key (dimension, experts, rank, dof, correlation)
   */
  public static PoeModel model(int dim, int experts, int rank, double dof, double correlation,
      long seed) {
    check(dim >= 1 && dim <= MAX_DIMENSION, "dimension must be 1 to " + MAX_DIMENSION
        + ", got " + dim);
    check(experts >= 1 && experts <= 1000, "experts must be 1 to 1000, got " + experts);
    check(rank >= 0 && rank <= dim, "rank must be 0 to dimension = " + dim + ", got " + rank);
    check(dof > 0 && dof < Double.POSITIVE_INFINITY, "dof must be finite and > 0, got " + dof);
    check(correlation >= 0 && correlation < 1, "correlation must be in [0, 1), got "
        + correlation);
    UniformRandomProvider rng = RandomStreams.of(seed).stream(RandomStreams.SYNTHETIC_TRUTH);
    ContinuousSampler normal = ZigguratSampler.NormalizedGaussian.of(rng);
    double[] sd = new double[dim];
    for (int d = 0; d < dim; d++) {
      sd[d] = Math.exp(Math.log(2) * (2 * rng.nextDouble() - 1));
    }
    SharedMetric metric = SharedMetric.of(metric(sd, correlation), dim);
    double[] center = new double[dim];
    for (int d = 0; d < dim; d++) {
      center[d] = sd[d] * normal.sample();
    }
    List<Expert> list = new ArrayList<>();
    double[] weights = new double[experts];
    double total = 0;
    for (int k = 0; k < experts; k++) {
      double[] lowRank = new double[dim * rank];
      double[] shift = new double[dim];
      for (int j = 0; j < rank; j++) {
        double[] e = unitVector(normal, dim);
        double gamma = Math.sqrt(1 + 3 * rng.nextDouble());
        if (j == 0) {
          double pull = normal.sample() * 1.5 / Math.sqrt(dof);
          for (int d = 0; d < dim; d++) {
            shift[d] = pull * e[d];
          }
        }
        for (int d = 0; d < dim; d++) {
          e[d] *= gamma;
        }
        metric.factorTimes(e);
        System.arraycopy(e, 0, lowRank, j * dim, dim);
      }
      metric.factorTransposeSolve(shift);
      for (int d = 0; d < dim; d++) {
        shift[d] += center[d];
      }
      list.add(Expert.structured(shift, metric, 1, lowRank));
      weights[k] = 1 + rng.nextDouble();
      total += weights[k];
    }
    double alphaSum = 0.5 * (dof + dim);
    double[] alpha = new double[experts];
    for (int k = 0; k < experts; k++) {
      alpha[k] = alphaSum * weights[k] / total;
    }
    return new PoeModel(PoeModel.defaultNames(dim), ProductOfExperts.of(list, alpha), null);
  }

  /** S⁻¹ R⁻¹ S⁻¹ with R⁻¹ = (I − ρ/(1 − ρ + Dρ) 11ᵀ)/(1 − ρ), row-major. */
  private static double[] metric(double[] sd, double rho) {
    int dim = sd.length;
    double off = -rho / (1 - rho + dim * rho) / (1 - rho);
    double diag = 1 / (1 - rho) + off;
    double[] m = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        m[i * dim + j] = (i == j ? diag : off) / (sd[i] * sd[j]);
      }
    }
    return m;
  }

  private static double[] unitVector(ContinuousSampler normal, int dim) {
    double[] e = new double[dim];
    double norm = 0;
    for (int d = 0; d < dim; d++) {
      e[d] = normal.sample();
      norm += e[d] * e[d];
    }
    norm = Math.sqrt(norm);
    for (int d = 0; d < dim; d++) {
      e[d] /= norm;
    }
    return e;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new InvalidInputException(message);
    }
  }
}
