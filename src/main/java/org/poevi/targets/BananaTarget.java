package org.poevi.targets;

import java.io.ObjectStreamException;
import java.util.Arrays;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * The banana (a twisted Gaussian) on R^D, D ≥ 2, with scale s &gt; 0 and curvature b:
 *
 * <pre>
 *   z₁ ~ N(0, s²),    z₂ | z₁ ~ N(b (z₁² − s²), 1),    z_d ~ N(0, 1) for d = 3..D,
 *
 *   log p̃(z) = −z₁²/(2s²) − ½ r² − ½ Σ_{d≥3} z_d²,      r = z₂ − b (z₁² − s²),
 *   log Z    = (D/2) log 2π + log s.
 * </pre>
 *
 * The shift by s² centres z₂ (E z₁² = s²), so E z = 0; Var z₂ = 1 + 2b²s⁴ and Cov(z₁, z₂) = 0,
 * although z₂ depends on z₁. b = 0 is a Gaussian.
 *
 * <p>Score: ∂₁ = −z₁/s² + 2b z₁ r, ∂₂ = −r, ∂_d = −z_d. Hessian (analytic): H₁₁ = −1/s² + 2b r −
 * 4b² z₁², H₁₂ = 2b z₁, H₂₂ = −1, H_dd = −1, all other entries 0.
 *
 * <p>Exact draws follow the definition. Defaults ({@link Targets}):
 * D = {@value #DEFAULT_DIMENSION}, s = {@value #DEFAULT_SCALE}, b = {@value #DEFAULT_CURVATURE},
 * the banana of the design study of issue #3: strongly curved, since at z₁ = 2s the mean of z₂
 * moves by 3b s² = 6 conditional standard deviations, and Var z₂ = 1 + 2b²s⁴ = 9. Immutable and
 * thread-safe.
 */
public final class BananaTarget implements ExactTarget {
  private static final long serialVersionUID = 1L;

  public static final int DEFAULT_DIMENSION = 2;
  public static final double DEFAULT_SCALE = 2;
  public static final double DEFAULT_CURVATURE = 0.5;

  private final int dim;
  private final double scale;
  private final double curvature;
  /** 1/s². */
  private final double inverseVariance;
  private final double logNormalizer;

  private BananaTarget(int dim, double scale, double curvature) {
    this.dim = dim;
    this.scale = scale;
    this.curvature = curvature;
    this.inverseVariance = 1 / (scale * scale);
    this.logNormalizer = 0.5 * dim * Checks.LOG_2PI + Math.log(scale);
  }

  /**
   * @param dimension D ≥ 2
   * @param scale s, finite and &gt; 0: the standard deviation of z₁
   * @param curvature b, finite (any sign; 0 gives a Gaussian)
   * @throws org.poevi.InvalidInputException naming the bad parameter
   */
  public static BananaTarget of(int dimension, double scale, double curvature) {
    Checks.dimension(dimension, 2);
    Checks.positive(scale, "scale");
    Checks.finite(curvature, "curvature");
    return new BananaTarget(dimension, scale, curvature);
  }

  /** The default banana in D dimensions. */
  public static BananaTarget of(int dimension) {
    return of(dimension, DEFAULT_SCALE, DEFAULT_CURVATURE);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public String name() {
    return "banana";
  }

  public double scale() {
    return scale;
  }

  public double curvature() {
    return curvature;
  }

  /**
   * b (z₁² − s²), with b = 0 giving 0 even where z₁² overflows (|z₁| &gt; 1e154), so that no NaN
   * arises for a finite z.
   */
  private double shift(double z1) {
    return curvature == 0 ? 0 : curvature * (z1 * z1 - scale * scale);
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    double z1 = z[0];
    double r = z[1] - shift(z1);
    double sum = -0.5 * z1 * z1 * inverseVariance - 0.5 * r * r;
    gradient[0] = -z1 * inverseVariance + 2 * curvature * z1 * r;
    gradient[1] = -r;
    for (int d = 2; d < dim; d++) {
      sum -= 0.5 * z[d] * z[d];
      gradient[d] = -z[d];
    }
    return sum;
  }

  @Override
  public double logDensity(double[] z) {
    double z1 = z[0];
    double r = z[1] - shift(z1);
    double sum = -0.5 * z1 * z1 * inverseVariance - 0.5 * r * r;
    for (int d = 2; d < dim; d++) {
      sum -= 0.5 * z[d] * z[d];
    }
    return sum;
  }

  @Override
  public boolean hessian(double[] z, double[] out) {
    Arrays.fill(out, 0, dim * dim, 0);
    double z1 = z[0];
    double r = z[1] - shift(z1);
    out[0] = -inverseVariance + 2 * curvature * r - 4 * curvature * curvature * z1 * z1;
    out[1] = 2 * curvature * z1;
    out[dim] = out[1];
    for (int d = 1; d < dim; d++) {
      out[d * dim + d] = -1;
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
    double z1 = scale * normal.sample();
    out[off] = z1;
    out[off + 1] = shift(z1) + normal.sample();
    for (int d = 2; d < dim; d++) {
      out[off + d] = normal.sample();
    }
  }

  @Override
  public String toString() {
    return "banana(dimension=" + dim + ", scale=" + scale + ", curvature=" + curvature + ")";
  }

  /** Deserialisation goes through the factory, so a stream cannot bypass validation. */
  private Object readResolve() throws ObjectStreamException {
    return of(dim, scale, curvature);
  }
}
