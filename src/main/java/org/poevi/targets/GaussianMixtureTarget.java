package org.poevi.targets;

import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.util.Arrays;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.InvalidInputException;
import org.poevi.math.Cholesky;
import org.poevi.math.LogSpace;

/**
 * A mixture of J Gaussians on R^D:
 *
 * <pre>
 *   p(z) = Σ_j w_j N(z; m_j, S_j),
 *   log p̃(z) = log Σ_j exp ℓ_j(z),
 *   ℓ_j(z) = log w_j − (D/2) log 2π − ½ log|S_j| − ½ (z − m_j)ᵀ S_j⁻¹ (z − m_j),
 *   log Z = 0.
 * </pre>
 *
 * <p><b>Weights are relative.</b> They must be finite and strictly positive, and are divided by
 * their sum, so {@code [1, 2, 1]} and {@code [0.25, 0.5, 0.25]} define the same target; the density
 * is therefore normalised and {@link #logNormalizer()} is 0. (A zero weight would only add a
 * component that never matters, so it is refused as a likely mistake.)
 *
 * <p>With responsibilities ρ_j = exp(ℓ_j − log p̃) and u_j = S_j⁻¹(z − m_j): score −Σ_j ρ_j u_j;
 * Hessian (analytic) Σ_j ρ_j (u_j u_jᵀ − S_j⁻¹) − g gᵀ with g the score. Each S_j enters through
 * its Cholesky factor; S_j⁻¹ is formed once, by solves, for the Hessian only. The log-sum-exp is
 * shifted by its largest term, so far points give finite values and a finite score.
 *
 * <p>Exact draws: a component by its weight, then m_j + L_j e, e ~ N(0, I). Defaults
 * ({@link Targets}): the separated 3-mode 2-D mixture of the design study of issue #3, see
 * {@link #defaultMixture()}. Immutable and thread-safe.
 */
public final class GaussianMixtureTarget implements ExactTarget {
  private static final long serialVersionUID = 1L;

  /** Default weights (relative). */
  public static final double[] DEFAULT_WEIGHTS = {0.3, 0.4, 0.3};
  /** Default means: three modes about 6 standard deviations apart. */
  public static final double[][] DEFAULT_MEANS = {{-3, -1.5}, {3, -1.5}, {0, 3}};
  /** Default covariances: one tilted each way and one axis-aligned, elongated. */
  public static final double[][][] DEFAULT_COVARIANCES = {
      {{1, 0.5}, {0.5, 1}}, {{1, -0.5}, {-0.5, 1}}, {{1.5, 0}, {0, 0.5}}};

  private final int dim;
  private final int count;
  /** Normalised weights. */
  private final double[] weights;
  /** Row-major J×D. */
  private final double[] means;
  /** J packed lower Cholesky factors, each of size D(D+1)/2, one after another. */
  private final double[] factors;
  /** J precision matrices S_j⁻¹, row-major, one after another (for the Hessian). */
  private final double[] precisions;
  /** log w_j − (D/2) log 2π − ½ log|S_j|. */
  private final double[] logConstants;
  /** Cumulative normalised weights, the last one exactly 1. */
  private final double[] cumulative;

  private GaussianMixtureTarget(double[] weights, double[] means, double[] factors, int dim) {
    this.dim = dim;
    this.count = weights.length;
    this.weights = weights;
    this.means = means;
    this.factors = factors;
    int packed = Cholesky.packedSize(dim);
    this.precisions = new double[count * dim * dim];
    this.logConstants = new double[count];
    this.cumulative = new double[count];
    double running = 0;
    for (int j = 0; j < count; j++) {
      double[] factor = Arrays.copyOfRange(factors, j * packed, (j + 1) * packed);
      System.arraycopy(Checks.inverseFromCholesky(factor, dim), 0, precisions, j * dim * dim,
          dim * dim);
      logConstants[j] = Math.log(weights[j]) - 0.5 * dim * Checks.LOG_2PI
          - 0.5 * Cholesky.logDeterminant(factors, j * packed, dim);
      running += weights[j];
      cumulative[j] = running;
    }
    cumulative[count - 1] = 1;
  }

  /**
   * @param weights J ≥ 1 relative weights, finite and &gt; 0 (normalised by their sum)
   * @param means J means of one dimension D ≥ 1, finite
   * @param covariances J covariance matrices, each D rows of D numbers: finite, symmetric (up to
   *     rounding, then symmetrised) and positive definite
   * @throws InvalidInputException naming the bad entry, e.g. {@code covariances[1][0][1]}
   */
  public static GaussianMixtureTarget of(double[] weights, double[][] means,
      double[][][] covariances) {
    int count = weights.length;
    if (count == 0) {
      throw new InvalidInputException("weights must have at least one entry");
    }
    double sum = 0;
    for (int j = 0; j < count; j++) {
      Checks.positive(weights[j], "weights[" + j + "]");
      sum += weights[j];
    }
    if (means.length != count) {
      throw new InvalidInputException("means has " + means.length + " entries but weights has "
          + count);
    }
    if (covariances.length != count) {
      throw new InvalidInputException("covariances has " + covariances.length
          + " entries but weights has " + count);
    }
    if (means[0] == null) {
      throw new InvalidInputException("means[0] is missing");
    }
    int dim = means[0].length;
    if (dim < 1 || dim > Checks.MAX_DIMENSION) {
      throw new InvalidInputException("means[0] must have between 1 and " + Checks.MAX_DIMENSION
          + " entries, got " + dim);
    }
    int packed = Cholesky.packedSize(dim);
    double[] flatMeans = new double[count * dim];
    double[] factors = new double[count * packed];
    double[] normalised = new double[count];
    for (int j = 0; j < count; j++) {
      normalised[j] = weights[j] / sum;
      if (means[j] == null || means[j].length != dim) {
        throw new InvalidInputException("means[" + j + "] has "
            + (means[j] == null ? 0 : means[j].length) + " entries but means[0] has " + dim);
      }
      for (int d = 0; d < dim; d++) {
        flatMeans[j * dim + d] = Checks.finite(means[j][d], "means[" + j + "][" + d + "]");
      }
      double[] factor = Checks.choleskyOf(covariances[j], dim, "covariances[" + j + "]");
      System.arraycopy(factor, 0, factors, j * packed, packed);
    }
    return new GaussianMixtureTarget(normalised, flatMeans, factors, dim);
  }

  /** The default 3-mode 2-D mixture (see the DEFAULT_ constants). */
  public static GaussianMixtureTarget defaultMixture() {
    return of(DEFAULT_WEIGHTS, DEFAULT_MEANS, DEFAULT_COVARIANCES);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public String name() {
    return "gaussian-mixture";
  }

  public int numComponents() {
    return count;
  }

  /** The normalised weights (a copy). */
  public double[] weights() {
    return weights.clone();
  }

  public double[] mean(int j) {
    return Arrays.copyOfRange(means, j * dim, (j + 1) * dim);
  }

  /** S_j as a dense row-major D×D array (a new array). */
  public double[] covariance(int j) {
    int off = j * Cholesky.packedSize(dim);
    double[] s = new double[dim * dim];
    for (int a = 0; a < dim; a++) {
      for (int b = 0; b <= a; b++) {
        double v = 0;
        for (int k = 0; k <= b; k++) {
          v += factors[off + Cholesky.packedIndex(a, k)]
              * factors[off + Cholesky.packedIndex(b, k)];
        }
        s[a * dim + b] = v;
        s[b * dim + a] = v;
      }
    }
    return s;
  }

  /**
   * ℓ_j(z) for every component into {@code terms}; with {@code u} not null also
   * u_j = S_j⁻¹(z − m_j) into {@code u[j·D ..]}. {@code scratch} has length D.
   */
  private void components(double[] z, double[] terms, double[] u, double[] scratch) {
    int packed = Cholesky.packedSize(dim);
    for (int j = 0; j < count; j++) {
      double[] r = u == null ? scratch : u;
      int off = u == null ? 0 : j * dim;
      for (int d = 0; d < dim; d++) {
        r[off + d] = z[d] - means[j * dim + d];
      }
      Cholesky.solveLower(factors, j * packed, dim, r, off);
      double quad = 0;
      for (int d = 0; d < dim; d++) {
        quad += r[off + d] * r[off + d];
      }
      terms[j] = logConstants[j] - 0.5 * quad;
      if (u != null) {
        Cholesky.solveLowerTransposed(factors, j * packed, dim, r, off);
      }
    }
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    double[] terms = new double[count];
    double[] u = new double[count * dim];
    components(z, terms, u, null);
    double log = LogSpace.logSumExp(terms);
    Arrays.fill(gradient, 0, dim, 0);
    for (int j = 0; j < count; j++) {
      double responsibility = Math.exp(terms[j] - log);
      for (int d = 0; d < dim; d++) {
        gradient[d] -= responsibility * u[j * dim + d];
      }
    }
    return log;
  }

  @Override
  public double logDensity(double[] z) {
    double[] terms = new double[count];
    components(z, terms, null, new double[dim]);
    return LogSpace.logSumExp(terms);
  }

  @Override
  public boolean hessian(double[] z, double[] out) {
    double[] terms = new double[count];
    double[] u = new double[count * dim];
    components(z, terms, u, null);
    double log = LogSpace.logSumExp(terms);
    double[] g = new double[dim];
    Arrays.fill(out, 0, dim * dim, 0);
    for (int j = 0; j < count; j++) {
      double rj = Math.exp(terms[j] - log);
      if (rj == 0) {
        continue;
      }
      int p = j * dim * dim;
      for (int a = 0; a < dim; a++) {
        g[a] -= rj * u[j * dim + a];
        for (int b = 0; b < dim; b++) {
          out[a * dim + b] += rj * (u[j * dim + a] * u[j * dim + b] - precisions[p + a * dim + b]);
        }
      }
    }
    for (int a = 0; a < dim; a++) {
      for (int b = 0; b < dim; b++) {
        out[a * dim + b] -= g[a] * g[b];
      }
    }
    return true;
  }

  @Override
  public double logNormalizer() {
    return 0;
  }

  @Override
  public void sample(UniformRandomProvider rng, double[] out, int off) {
    double pick = rng.nextDouble();
    int j = 0;
    while (j < count - 1 && pick >= cumulative[j]) {
      j++;
    }
    ContinuousSampler normal = ZigguratSampler.NormalizedGaussian.of(rng);
    for (int d = 0; d < dim; d++) {
      out[off + d] = normal.sample();
    }
    int base = j * Cholesky.packedSize(dim);
    // z = m_j + L_j e: multiply by the packed lower factor from the bottom row up, in place.
    for (int i = dim - 1; i >= 0; i--) {
      int row = base + Cholesky.packedIndex(i, 0);
      double s = 0;
      for (int k = 0; k <= i; k++) {
        s += factors[row + k] * out[off + k];
      }
      out[off + i] = means[j * dim + i] + s;
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("gaussian-mixture(weights=")
        .append(Arrays.toString(weights)).append(", means=[");
    for (int j = 0; j < count; j++) {
      b.append(j == 0 ? "" : ", ").append(Arrays.toString(mean(j)));
    }
    b.append("], covariances=[");
    for (int j = 0; j < count; j++) {
      b.append(j == 0 ? "" : ", ").append(Arrays.toString(covariance(j)));
    }
    return b.append("])").toString();
  }

  /** A deserialised instance keeps its exact factors (refactoring would change the last bits). */
  private Object readResolve() throws ObjectStreamException {
    int packed = Cholesky.packedSize(dim);
    boolean consistent = count >= 1 && weights != null && weights.length == count
        && means != null && means.length == count * dim && factors != null
        && factors.length == count * packed && precisions != null
        && precisions.length == count * dim * dim && logConstants != null
        && logConstants.length == count && cumulative != null && cumulative.length == count;
    if (!consistent) {
      throw new InvalidObjectException("inconsistent serialized gaussian-mixture target");
    }
    return this;
  }
}
