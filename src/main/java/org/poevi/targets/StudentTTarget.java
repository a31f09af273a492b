package org.poevi.targets;

import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.util.Arrays;
import org.apache.commons.numbers.gamma.LogGamma;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.InvalidInputException;
import org.poevi.math.Cholesky;
import org.poevi.math.LogChiSquareSampler;

/**
 * The multivariate t distribution t_ν(μ, Σ) on R^D:
 *
 * <pre>
 *   log p̃(z) = −((ν + D)/2) log(1 + δ/ν),       δ = (z − μ)ᵀ Σ⁻¹ (z − μ),
 *   log Z    = lnΓ(ν/2) − lnΓ((ν + D)/2) + (D/2) log(νπ) + ½ log|Σ|.
 * </pre>
 *
 * Score: −(ν + D) u/(ν + δ) with u = Σ⁻¹(z − μ), bounded in z. Hessian (analytic):
 * −((ν + D)/(ν + δ)) Σ⁻¹ + (2(ν + D)/(ν + δ)²) u uᵀ. Σ enters only through its Cholesky factor L
 * (u by two triangular solves); the Hessian needs Σ⁻¹ itself, which is formed once, by solves, when
 * Σ is not the identity. With Σ = I everything is O(D).
 *
 * <p>Exact draws: z = μ + L y √(ν/c), y ~ N(0, I), c ~ χ²_ν. The mean exists for ν &gt; 1 and the
 * covariance, νΣ/(ν − 2), for ν &gt; 2. It is also the product of experts with one expert,
 * Λ = Σ⁻¹/ν and α = (ν + D)/2 (SPEC §1). Defaults ({@link Targets}): D =
 * {@value #DEFAULT_DIMENSION}, ν = {@value #DEFAULT_DOF}, μ = 0, Σ = I (the student-t of the design
 * study of issue #3). Immutable and thread-safe.
 */
public final class StudentTTarget implements ExactTarget {
  private static final long serialVersionUID = 1L;

  public static final int DEFAULT_DIMENSION = 4;
  public static final double DEFAULT_DOF = 3;

  private final int dim;
  private final double dof;
  private final double[] location;
  /** Packed lower Cholesky factor of Σ, or null for Σ = I. */
  private final double[] factor;
  /** Σ⁻¹ row-major for the Hessian, or null for Σ = I. */
  private final double[] precision;
  private final double logNormalizer;

  private StudentTTarget(double[] location, double[] factor, double dof) {
    this.dim = location.length;
    this.dof = dof;
    this.location = location;
    this.factor = factor;
    this.precision = factor == null ? null : Checks.inverseFromCholesky(factor, dim);
    double logDet = factor == null ? 0 : Cholesky.logDeterminant(factor, 0, dim);
    this.logNormalizer = LogGamma.value(0.5 * dof) - LogGamma.value(0.5 * (dof + dim))
        + 0.5 * dim * Math.log(dof * Math.PI) + 0.5 * logDet;
  }

  /**
   * The standard t: location 0, scale matrix I.
   *
   * @param dimension D ≥ 1
   * @param dof ν, finite and &gt; 0
   */
  public static StudentTTarget of(int dimension, double dof) {
    Checks.dimension(dimension, 1);
    Checks.positive(dof, "dof");
    return new StudentTTarget(new double[dimension], null, dof);
  }

  /**
   * @param location μ, D finite numbers (copied)
   * @param scale Σ as D rows of D numbers: finite, symmetric (up to rounding, then symmetrised)
   *     and positive definite
   * @param dof ν, finite and &gt; 0
   * @throws InvalidInputException naming the bad parameter or entry
   */
  public static StudentTTarget of(double[] location, double[][] scale, double dof) {
    Checks.dimension(location.length, 1);
    for (int d = 0; d < location.length; d++) {
      Checks.finite(location[d], "location[" + d + "]");
    }
    Checks.positive(dof, "dof");
    double[] factor = Checks.choleskyOf(scale, location.length, "scale");
    return new StudentTTarget(location.clone(), factor, dof);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public String name() {
    return "student-t";
  }

  public double dof() {
    return dof;
  }

  public double[] location() {
    return location.clone();
  }

  /** Σ as a dense row-major D×D array (a new array). */
  public double[] scale() {
    if (factor == null) {
      double[] identity = new double[dim * dim];
      for (int d = 0; d < dim; d++) {
        identity[d * dim + d] = 1;
      }
      return identity;
    }
    double[] sigma = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int k = 0; k <= j; k++) {
          s += factor[Cholesky.packedIndex(i, k)] * factor[Cholesky.packedIndex(j, k)];
        }
        sigma[i * dim + j] = s;
        sigma[j * dim + i] = s;
      }
    }
    return sigma;
  }

  /** Writes u = Σ⁻¹(z − μ) into {@code u} and returns δ = (z − μ)ᵀ Σ⁻¹ (z − μ). */
  private double solve(double[] z, double[] u) {
    for (int d = 0; d < dim; d++) {
      u[d] = z[d] - location[d];
    }
    if (factor != null) {
      Cholesky.solveLower(factor, 0, dim, u, 0);
    }
    double delta = 0;
    for (int d = 0; d < dim; d++) {
      delta += u[d] * u[d];
    }
    if (factor != null) {
      Cholesky.solveLowerTransposed(factor, 0, dim, u, 0);
    }
    return delta;
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    double delta = solve(z, gradient);
    double coefficient = -(dof + dim) / (dof + delta);
    for (int d = 0; d < dim; d++) {
      gradient[d] *= coefficient;
    }
    return -0.5 * (dof + dim) * Math.log1p(delta / dof);
  }

  @Override
  public boolean hessian(double[] z, double[] out) {
    double[] u = new double[dim];
    double s = dof + solve(z, u);
    double c = dof + dim;
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        double p = precision == null ? (i == j ? 1 : 0) : precision[i * dim + j];
        out[i * dim + j] = -c / s * p + 2 * c / (s * s) * u[i] * u[j];
      }
    }
    return true;
  }

  @Override
  public double logNormalizer() {
    return logNormalizer;
  }

  @Override
  public void sample(UniformRandomProvider rng, double[] out, int off) {
    ContinuousSampler normal = ZigguratSampler.NormalizedGaussian.of(rng);
    double radius = Math.exp(0.5 * (Math.log(dof) - LogChiSquareSampler.of(rng, dof).sampleLog()));
    for (int d = 0; d < dim; d++) {
      out[off + d] = normal.sample();
    }
    // z = μ + L y · radius: multiply by the packed lower factor from the bottom row up, in place.
    for (int i = dim - 1; i >= 0; i--) {
      double s;
      if (factor == null) {
        s = out[off + i];
      } else {
        int row = Cholesky.packedIndex(i, 0);
        s = 0;
        for (int k = 0; k <= i; k++) {
          s += factor[row + k] * out[off + k];
        }
      }
      out[off + i] = location[i] + radius * s;
    }
  }

  @Override
  public String toString() {
    if (factor == null) {
      return "student-t(dimension=" + dim + ", dof=" + dof + ")";
    }
    return "student-t(dof=" + dof + ", location=" + Arrays.toString(location) + ", scale="
        + Arrays.toString(scale()) + ")";
  }

  /** A deserialised instance keeps its exact factor (refactoring Σ would change the last bits). */
  private Object readResolve() throws ObjectStreamException {
    boolean consistent = dof > 0 && Double.isFinite(dof) && location != null
        && location.length == dim && (factor == null
            || factor.length == Cholesky.packedSize(dim) && precision != null
            && precision.length == dim * dim);
    if (!consistent) {
      throw new InvalidObjectException("inconsistent serialized student-t target");
    }
    return this;
  }
}
