package org.poevi.targets;

import java.io.ObjectStreamException;
import java.util.Arrays;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.InvalidInputException;

/**
 * A skewed, heavy- or light-tailed, correlated target (SPEC §5): a Gaussian pushed through the
 * sinh-arcsinh transform of Jones and Pewsey (2009), coordinate by coordinate,
 *
 * <pre>
 *   y ~ N(0, Σ),  Σ_ij = ρ^|i−j|,        x_d = sinh((asinh(y_d) + ε)/τ),
 * </pre>
 *
 * with skew ε, tail weight τ &gt; 0 (τ &lt; 1 heavier tails than the Gaussian, τ &gt; 1 lighter)
 * and correlation ρ ∈ (−1, 1). Inverting, y_d = sinh(a_d) with a_d = τ asinh(x_d) − ε, and
 * dy_d/dx_d = τ cosh(a_d)/√(1 + x_d²), so
 *
 * <pre>
 *   log p̃(x) = −½ yᵀ Σ⁻¹ y + Σ_d [log cosh(a_d) − ½ log(1 + x_d²)],
 *   log Z    = (D/2) log 2π + ((D−1)/2) log(1 − ρ²) − D log τ,
 * </pre>
 *
 * using |Σ| = (1 − ρ²)^(D−1) for the AR(1) correlation matrix. Its precision P = Σ⁻¹ is
 * tridiagonal: yᵀPy = y₁² + Σ_{d≥2} (y_d − ρ y_{d−1})²/(1 − ρ²), and (Py)₁ = y₁ − ρ r₂,
 * (Py)_d = r_d − ρ r_{d+1} with r_d = (y_d − ρ y_{d−1})/(1 − ρ²) and r_{D+1} = 0, so density and
 * score cost O(D). Score:
 *
 * <pre>
 *   ∂_d = −(Py)_d J_d + τ tanh(a_d)/√(1 + x_d²) − x_d/(1 + x_d²),   J_d = τ cosh(a_d)/√(1 + x_d²).
 * </pre>
 *
 * The Hessian is analytic and tridiagonal: H_de = −J_d P_de J_e for d ≠ e, and
 * H_dd = −P_dd J_d² − (Py)_d J'_d + τ² sech²(a_d)/(1 + x_d²) − τ tanh(a_d) x_d/(1 + x_d²)^(3/2)
 * − (1 − x_d²)/(1 + x_d²)², where
 * J'_d = τ² sinh(a_d)/(1 + x_d²) − τ cosh(a_d) x_d/(1 + x_d²)^(3/2).
 *
 * <p>Exact draws: y by the AR(1) recursion y₁ = e₁, y_d = ρ y_{d−1} + √(1 − ρ²) e_d with
 * e ~ N(0, I), then x = the transform. √(1 + x²) is computed as hypot(1, x), so no term overflows
 * for any finite x at moderate τ.
 *
 * <p>Defaults ({@link Targets}, SPEC §5): D = {@value #DEFAULT_DIMENSION}, ε =
 * {@value #DEFAULT_SKEW}, τ = {@value #DEFAULT_TAIL}, ρ = {@value #DEFAULT_CORRELATION}.
 * Immutable and thread-safe.
 */
public final class SinhArcsinhTarget implements ExactTarget {
  private static final long serialVersionUID = 1L;

  public static final int DEFAULT_DIMENSION = 50;
  public static final double DEFAULT_SKEW = 0.3;
  public static final double DEFAULT_TAIL = 0.7;
  public static final double DEFAULT_CORRELATION = 0.5;

  private final int dim;
  private final double skew;
  private final double tail;
  private final double correlation;
  /** 1 − ρ². */
  private final double innovationVariance;
  private final double logNormalizer;

  private SinhArcsinhTarget(int dim, double skew, double tail, double correlation) {
    this.dim = dim;
    this.skew = skew;
    this.tail = tail;
    this.correlation = correlation;
    this.innovationVariance = (1 - correlation) * (1 + correlation);
    this.logNormalizer = 0.5 * dim * Checks.LOG_2PI
        + 0.5 * (dim - 1) * Math.log(innovationVariance) - dim * Math.log(tail);
  }

  /**
   * @param dimension D ≥ 1
   * @param skew ε, finite
   * @param tail τ, finite and &gt; 0
   * @param correlation ρ, strictly between −1 and 1
   * @throws org.poevi.InvalidInputException naming the bad parameter
   */
  public static SinhArcsinhTarget of(int dimension, double skew, double tail,
      double correlation) {
    Checks.dimension(dimension, 1);
    Checks.finite(skew, "skew");
    Checks.positive(tail, "tail");
    Checks.finite(correlation, "correlation");
    if (!(Math.abs(correlation) < 1)) {
      throw new InvalidInputException("correlation must be strictly between -1 and 1,"
          + " got " + correlation);
    }
    return new SinhArcsinhTarget(dimension, skew, tail, correlation);
  }

  /** The SPEC §5 defaults in D dimensions. */
  public static SinhArcsinhTarget of(int dimension) {
    return of(dimension, DEFAULT_SKEW, DEFAULT_TAIL, DEFAULT_CORRELATION);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public String name() {
    return "sinh-arcsinh";
  }

  public double skew() {
    return skew;
  }

  public double tail() {
    return tail;
  }

  public double correlation() {
    return correlation;
  }

  /** The Gaussian coordinate y = sinh(τ asinh(x) − ε) of one coordinate x (the inverse map). */
  public double toGaussian(double x) {
    return Math.sinh(tail * asinh(x) - skew);
  }

  /** x = sinh((asinh(y) + ε)/τ). */
  public double fromGaussian(double y) {
    return Math.sinh((asinh(y) + skew) / tail);
  }

  /** asinh(x) = sign(x) log(|x| + √(x² + 1)), through hypot so that large |x| do not overflow. */
  static double asinh(double x) {
    double a = Math.abs(x);
    if (a > 1e150) {
      // √(a² + 1) = a to double precision here, and a + a would overflow near Double.MAX_VALUE.
      return Math.copySign(Checks.LOG_2 + Math.log(a), x);
    }
    double r = a > 1 ? Math.log(a + Math.hypot(1, a))
        : Math.log1p(a + a * a / (1 + Math.hypot(1, a)));
    return Math.copySign(r, x);
  }

  /**
   * Returns log p̃(x), filling the scratch {@code y} (length D) with y(x) and, when a gradient is
   * asked for, {@code py} (length D) with P·y and {@code gradient} with the score.
   */
  private double evaluate(double[] x, double[] y, double[] py, double[] gradient) {
    double jacobian = 0;
    for (int d = 0; d < dim; d++) {
      double a = tail * asinh(x[d]) - skew;
      y[d] = Math.sinh(a);
      double s = Math.hypot(1, x[d]);
      jacobian += Checks.logCosh(a) - Math.log(s);
    }
    // r_d = (y_d − ρ y_{d−1})/(1 − ρ²), kept in py until (Py) is assembled below.
    double quad = y[0] * y[0];
    for (int d = 1; d < dim; d++) {
      double e = y[d] - correlation * y[d - 1];
      quad += e * e / innovationVariance;
      py[d] = e / innovationVariance;
    }
    if (gradient != null) {
      // (Py)_1 = y_1 − ρ r_2, (Py)_d = r_d − ρ r_{d+1}; walk forwards so r_{d+1} is still unread.
      double first = y[0] - (dim > 1 ? correlation * py[1] : 0);
      for (int d = 1; d < dim; d++) {
        py[d] = py[d] - (d + 1 < dim ? correlation * py[d + 1] : 0);
      }
      py[0] = first;
      for (int d = 0; d < dim; d++) {
        double xd = x[d];
        double a = tail * asinh(xd) - skew;
        double s = Math.hypot(1, xd);
        double j = tail * Math.cosh(a) / s;
        gradient[d] = -py[d] * j + tail * Math.tanh(a) / s - xd / s / s;
      }
    }
    return -0.5 * quad + jacobian;
  }

  @Override
  public double logDensity(double[] x, double[] gradient) {
    return evaluate(x, new double[dim], new double[dim], gradient);
  }

  @Override
  public double logDensity(double[] x) {
    return evaluate(x, new double[dim], new double[dim], null);
  }

  /** Diagonal entry d of the AR(1) precision P. */
  private double precisionDiagonal(int d) {
    if (dim == 1) {
      return 1;
    }
    boolean end = d == 0 || d == dim - 1;
    return (end ? 1 : 1 + correlation * correlation) / innovationVariance;
  }

  @Override
  public boolean hessian(double[] x, double[] out) {
    double[] y = new double[dim];
    double[] py = new double[dim];
    evaluate(x, y, py, new double[dim]);
    Arrays.fill(out, 0, dim * dim, 0);
    double[] j = new double[dim];
    for (int d = 0; d < dim; d++) {
      double xd = x[d];
      double a = tail * asinh(xd) - skew;
      double s = Math.hypot(1, xd);
      double s2 = s * s;
      double cosh = Math.cosh(a);
      double tanh = Math.tanh(a);
      j[d] = tail * cosh / s;
      double jPrime = tail * tail * Math.sinh(a) / s2 - tail * cosh * xd / (s2 * s);
      // sech² a = 1 − tanh² a; (1 − x²)/(1 + x²)² = 1/s² − 2(x/s²)², which cannot overflow.
      double sech2 = 1 - tanh * tanh;
      double xs = xd / s2;
      out[d * dim + d] = -py[d] * jPrime + tail * tail * sech2 / s2
          - tail * tanh * xd / (s2 * s) - (1 / s2 - 2 * xs * xs);
    }
    double offDiagonal = -correlation / innovationVariance;
    for (int d = 0; d < dim; d++) {
      out[d * dim + d] -= precisionDiagonal(d) * j[d] * j[d];
      if (d + 1 < dim) {
        double h = -j[d] * offDiagonal * j[d + 1];
        out[d * dim + d + 1] = h;
        out[(d + 1) * dim + d] = h;
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
    double innovationSd = Math.sqrt(innovationVariance);
    double y = normal.sample();
    out[off] = fromGaussian(y);
    for (int d = 1; d < dim; d++) {
      y = correlation * y + innovationSd * normal.sample();
      out[off + d] = fromGaussian(y);
    }
  }

  @Override
  public String toString() {
    return "sinh-arcsinh(dimension=" + dim + ", skew=" + skew + ", tail=" + tail
        + ", correlation=" + correlation + ")";
  }

  private Object readResolve() throws ObjectStreamException {
    return of(dim, skew, tail, correlation);
  }
}
