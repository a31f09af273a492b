package org.poevi.targets;

import java.io.ObjectStreamException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * Neal's funnel on R^D, D ≥ 2, with z = (v, x₂, …, x_D) and scale σ &gt; 0:
 *
 * <pre>
 *   v ~ N(0, σ²),    x_i | v ~ N(0, e^v),  i = 2..D,
 *
 *   log p̃(z) = −v²/(2σ²) − ((D−1)/2) v − ½ e^(−v) Σ_i x_i²,
 *   log Z    = (D/2) log 2π + log σ.
 * </pre>
 *
 * Score: ∂_v = −v/σ² − (D−1)/2 + ½ e^(−v) Σ x_i², ∂_{x_i} = −e^(−v) x_i. Hessian (analytic):
 * H_vv = −1/σ² − ½ e^(−v) Σ x_i², H_{v x_i} = e^(−v) x_i, H_{x_i x_i} = −e^(−v).
 *
 * <p>e^(−v) x_i² is computed as (x_i e^(−v/2))², with x_i = 0 giving 0 whatever v, so no NaN can
 * arise; for v below about −1400 the terms overflow and log p̃ is −∞ with an infinite gradient,
 * which is where the neck is far too narrow to be represented in double precision anyway.
 *
 * <p>Exact draws follow the definition. Defaults ({@link Targets}): D =
 * {@value #DEFAULT_DIMENSION} (the funnel of the design study of issue #3), σ =
 * {@value #DEFAULT_SCALE} (Neal's, as in SPEC §5). Parameter names are v, x[1], …, x[D−1].
 * Immutable and thread-safe.
 */
public final class FunnelTarget implements ExactTarget {
  private static final long serialVersionUID = 1L;

  public static final int DEFAULT_DIMENSION = 3;
  public static final double DEFAULT_SCALE = 3;

  private final int dim;
  private final double scale;
  private final double inverseVariance;
  private final double logNormalizer;

  private FunnelTarget(int dim, double scale) {
    this.dim = dim;
    this.scale = scale;
    this.inverseVariance = 1 / (scale * scale);
    this.logNormalizer = 0.5 * dim * Checks.LOG_2PI + Math.log(scale);
  }

  /**
   * @param dimension D ≥ 2 (v and D − 1 coordinates x)
   * @param scale σ, finite and &gt; 0: the standard deviation of v
   * @throws org.poevi.InvalidInputException naming the bad parameter
   */
  public static FunnelTarget of(int dimension, double scale) {
    Checks.dimension(dimension, 2);
    Checks.positive(scale, "scale");
    return new FunnelTarget(dimension, scale);
  }

  /** The funnel with σ = 3 in D dimensions. */
  public static FunnelTarget of(int dimension) {
    return of(dimension, DEFAULT_SCALE);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public String name() {
    return "funnel";
  }

  public double scale() {
    return scale;
  }

  @Override
  public List<String> parameterNames() {
    List<String> names = new ArrayList<>(dim);
    names.add("v");
    for (int i = 1; i < dim; i++) {
      names.add("x[" + i + "]");
    }
    return names;
  }

  /** x·h with 0·h = 0 even when h overflowed to +∞ (v far below the neck). */
  private static double times(double x, double h) {
    return x == 0 ? 0 : x * h;
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    double v = z[0];
    double half = Math.exp(-0.5 * v);
    double squares = 0;
    for (int i = 1; i < dim; i++) {
      double u = times(z[i], half);
      squares += u * u;
      gradient[i] = -times(u, half);
    }
    gradient[0] = -v * inverseVariance - 0.5 * (dim - 1) + 0.5 * squares;
    return -0.5 * v * v * inverseVariance - 0.5 * (dim - 1) * v - 0.5 * squares;
  }

  @Override
  public double logDensity(double[] z) {
    double v = z[0];
    double half = Math.exp(-0.5 * v);
    double squares = 0;
    for (int i = 1; i < dim; i++) {
      double u = times(z[i], half);
      squares += u * u;
    }
    return -0.5 * v * v * inverseVariance - 0.5 * (dim - 1) * v - 0.5 * squares;
  }

  @Override
  public boolean hessian(double[] z, double[] out) {
    Arrays.fill(out, 0, dim * dim, 0);
    double v = z[0];
    double half = Math.exp(-0.5 * v);
    double precision = half * half;
    double squares = 0;
    for (int i = 1; i < dim; i++) {
      double u = times(z[i], half);
      squares += u * u;
      double cross = times(u, half);
      out[i] = cross;
      out[i * dim] = cross;
      out[i * dim + i] = -precision;
    }
    out[0] = -inverseVariance - 0.5 * squares;
    return true;
  }

  @Override
  public double logNormalizer() {
    return logNormalizer;
  }

  @Override
  public void sample(UniformRandomProvider rng, double[] out, int off) {
    ContinuousSampler normal = ZigguratSampler.NormalizedGaussian.of(rng);
    double v = scale * normal.sample();
    double sd = Math.exp(0.5 * v);
    out[off] = v;
    for (int i = 1; i < dim; i++) {
      out[off + i] = sd * normal.sample();
    }
  }

  @Override
  public String toString() {
    return "funnel(dimension=" + dim + ", scale=" + scale + ")";
  }

  private Object readResolve() throws ObjectStreamException {
    return of(dim, scale);
  }
}
