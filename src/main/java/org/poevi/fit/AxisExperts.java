package org.poevi.fit;

import java.util.List;
import org.poevi.family.Expert;

/**
 * Coordinate experts ({@code experts.axes}, {@code experts.axis-offsets},
 * {@code experts.axis-widths}): for each of the
 * target's coordinates x_d = vᵀz (v the d-th axis in the fit's coordinates: e_d, or row d of the
 * Laplace frame's map), each offset t and each width w, an expert
 *
 * <pre>
 *   Λ = ε/(2aD) · S⁻¹ + v vᵀ/(2a w² σ²),   μ = m + t · S v/σ,   σ² = vᵀ S v,
 * </pre>
 *
 * around the preliminary Gaussian N(m, S). Its quadratic form is nearly (x_d − m_d − tσ)²/(2a
 * w²σ²): a t factor along one coordinate, centred t marginal sds away from the mean, as wide as w
 * marginal sds at the planned exponent a. A product of such factors shapes each coordinate's
 * marginal (skew and tails) on its own, which experts over the whole space cannot do when every
 * coordinate has its own shape (sinh-arcsinh: the design study's KL ratio 0.57 → 0.27 at D = 10,
 * 0.95 → 0.45 at D = 50; docs/benchmarks.md). The small full-rank part ε·S⁻¹ (ε = {@value #EPS})
 * keeps every Λ positive definite, so the family stays normalisable under the QP's Σα ≥ D/2 + ε
 * and the sampler's Λ(w) positive definite; the shift of μ along S v/σ moves the other
 * coordinates with their regression on x_d, so that part is centred on the Gaussian's ridge.
 *
 * <p>Not always better: on funnels (the funnel, the centred eight schools) the Fisher divergence
 * takes far coordinate experts along the log-scale parameter, and KL(p; q) gets worse. So
 * {@code experts.axes = auto} fits both ways and keeps the better ELBO ({@link AxisChoice}).
 */
final class AxisExperts {
  /** Their kind in the pool. */
  static final String KIND = "axis";

  /** The full-rank part's share ε. */
  static final double EPS = 0.1;

  private AxisExperts() {}

  /**
   * Adds the coordinate experts, of kind "axis", coordinate by coordinate, then offset, then
   * width.
   *
   * @param precision S⁻¹, row-major D×D
   * @param axes row-major D×D, row d = v_d; null for the identity
   */
  static void add(List<Expert> experts, List<String> kinds, GaussianFit gaussian,
      double[] precision, double[] axes, boolean[] skip, ExpertPool.Settings settings) {
    double[] offsets = settings.axisOffsets();
    int dim = gaussian.mean().length;
    double a = settings.plannedAlpha();
    double[] s = gaussian.covariance();
    double[] base = GaussianFit.scaled(precision, EPS / (2 * a * dim));
    double[] v = new double[dim];
    double[] sv = new double[dim];
    for (int d = 0; d < dim; d++) {
      if (skip != null && skip[d]) {
        continue;
      }
      for (int i = 0; i < dim; i++) {
        v[i] = axes == null ? (i == d ? 1 : 0) : axes[d * dim + i];
      }
      double variance = 0;
      for (int i = 0; i < dim; i++) {
        double r = 0;
        for (int j = 0; j < dim; j++) {
          r += s[i * dim + j] * v[j];
        }
        sv[i] = r;
        variance += v[i] * r;
      }
      double sd = Math.sqrt(variance);
      for (double t : offsets) {
        double[] location = gaussian.mean().clone();
        for (int i = 0; i < dim; i++) {
          location[i] += t * sv[i] / sd;
        }
        for (double w : settings.axisWidths()) {
          double[] lambda = base.clone();
          double c = 1 / (2 * a * w * w * variance);
          for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
              lambda[i * dim + j] += c * v[i] * v[j];
            }
          }
          experts.add(Expert.of(location, lambda));
          kinds.add(KIND);
        }
      }
    }
  }

  /**
   * A funnel's coordinates: those that set other coordinates' scales, as a funnel's log-scale
   * does, and those whose scale they set. Across the bulk points, the log of coordinate j's local
   * curvature is nearly linear in coordinate d (R² ≥ {@value #SCALE_R2}) and moves by at least
   * {@value #SCALE_SLOPE} per standard deviation of d: then neither d nor j gets coordinate
   * experts. Draws rarely settle in a funnel's neck, and coordinate experts fitted to them pull q
   * away from it: on the funnel, KL(p; q) rose by 0.34 nats with experts along x₁ and x₂ alone,
   * though q's own draws said it fell. Measured (slope × sd, R²): the funnel's
   * x₀ 2.9, 0.99; the centred eight schools' log τ 1.3, 0.99. Not scales: the banana's x₂ 1.2,
   * 0.25 (its curvature changes, but not by a scale), gp_pois_regr's largest 0.53, 0.77; the rest
   * of the design study and posteriordb below 0.5.
   *
   * @param points the bulk points (the fit's coordinates), each of length D
   * @param hessians their floored negative Hessians, row-major D×D
   * @param axes as in {@link #add} (null: the fit's coordinates are the user's); with a frame,
   *     the coordinates and curvatures are the user's: v_dᵀz and u_jᵀHu_j with u_j = A⁻¹e_j
   * @return true for a coordinate of a funnel
   */
  static boolean[] scales(double[][] points, double[][] hessians, double[] axes, int dim) {
    int n = points.length;
    boolean[] skip = new boolean[dim];
    if (n < 3) {
      return skip;
    }
    double[][] u = axes == null ? null : inverseColumns(axes, dim);
    double[][] x = new double[dim][n];
    double[][] logCurvature = new double[dim][n];
    for (int i = 0; i < n; i++) {
      double[] h = hessians[i];
      for (int d = 0; d < dim; d++) {
        double v = 0;
        double c = 0;
        for (int a = 0; a < dim; a++) {
          v += (axes == null ? (a == d ? 1 : 0) : axes[d * dim + a]) * points[i][a];
          if (u != null) {
            for (int b = 0; b < dim; b++) {
              c += u[d][a] * h[a * dim + b] * u[d][b];
            }
          }
        }
        x[d][i] = v;
        logCurvature[d][i] = Math.log(u == null ? h[d * dim + d] : c);
      }
    }
    double[] spread = new double[dim];
    for (int j = 0; j < dim; j++) {
      spread[j] = covariance(logCurvature[j], logCurvature[j]);
    }
    for (int d = 0; d < dim; d++) {
      double sd = Math.sqrt(covariance(x[d], x[d]));
      for (int j = 0; j < dim && sd > 0; j++) {
        double c = covariance(x[d], logCurvature[j]);
        if (j != d && Math.abs(c) / sd >= SCALE_SLOPE
            && c * c >= SCALE_R2 * sd * sd * spread[j]) {
          skip[d] = true;
          skip[j] = true;
        }
      }
    }
    return skip;
  }

  /** The columns of A⁻¹, A upper triangular (row-major), by back substitution. */
  private static double[][] inverseColumns(double[] a, int dim) {
    double[][] u = new double[dim][dim];
    for (int j = 0; j < dim; j++) {
      for (int r = dim - 1; r >= 0; r--) {
        double s = r == j ? 1 : 0;
        for (int c = r + 1; c < dim; c++) {
          s -= a[r * dim + c] * u[j][c];
        }
        u[j][r] = s / a[r * dim + r];
      }
    }
    return u;
  }

  /** A scale coordinate changes another's log curvature by at least this per sd ... */
  static final double SCALE_SLOPE = 0.5;
  /** ... and explains at least this share of its variance (R²). */
  static final double SCALE_R2 = 0.9;

  private static double covariance(double[] x, double[] y) {
    int n = x.length;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i] / n;
      my += y[i] / n;
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += (x[i] - mx) * (y[i] - my);
    }
    return s / n;
  }
}
