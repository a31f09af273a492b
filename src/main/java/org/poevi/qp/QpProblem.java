package org.poevi.qp;

import java.util.Arrays;
import org.poevi.InvalidInputException;

/**
 * The quadratic programme of one step of Algorithm 1 (SPEC §3), over the K expert exponents α:
 *
 * <pre>
 *   minimise   f(α) = ½ αᵀ G α − hᵀ α
 *   subject to α_k ≥ 0 (k = 1..K),   Σ_k α_k ≥ c,
 * </pre>
 *
 * with G = (1/B) Σ_b π_b Q_bᵀQ_b + (1/η) I symmetric positive definite (the data part may be
 * rank-deficient when K &gt; B; the proximal term makes G strongly convex), h = (1/B) Σ_b π_b
 * Q_bᵀ s_b + (1/η) α⁽ᵗ⁾ and c = D/2 + ε &gt; 0. The feasible set is non-empty and G is positive
 * definite, so the minimiser exists and is unique.
 *
 * <p>Shapes: {@code quadratic} is G, row-major K×K; {@code linear} is h, length K; {@code minSum}
 * is c; {@code warmStart} is an optional starting point (length K, or {@code null}), typically
 * α⁽ᵗ⁾. A warm start only affects speed: solvers project it onto the feasible set first, so it may
 * be slightly infeasible.
 *
 * <p>Immutable. The constructor checks every entry (finite; G with a positive diagonal and
 * symmetric to rounding), names the offending input in a one-line message, copies the arrays and
 * makes G exactly symmetric. Positive definiteness itself costs a factorisation and is left to the
 * solver: {@link OjAlgoQpSolver} factors all of G and reports a G that does not factor as
 * {@link QpResult.Status#FAILED}; {@link ActiveSetQpSolver} factors only the blocks it works on
 * (see there). Accessors return copies.
 */
public record QpProblem(double[] quadratic, double[] linear, double minSum, double[] warmStart) {
  /**
   * Asymmetry allowed in G_ij, relative to √(G_ii G_jj) (which bounds |G_ij| for a PSD matrix).
   * Forming G in two orders (e.g. a blocked dgemm) gives rounding differences of at most about
   * B·ε·√(G_ii G_jj) by Cauchy–Schwarz, i.e. 2e-11 for B = 10⁵; anything above 1e-9 is a real
   * asymmetry.
   */
  static final double SYMMETRY_TOLERANCE = 1e-9;

  /** Validates, copies, and symmetrises G (see the class comment). */
  public QpProblem {
    if (linear == null || linear.length == 0) {
      throw new InvalidInputException("linear (h) must have at least one entry, got "
          + (linear == null ? "null" : "0"));
    }
    int k = linear.length;
    if (quadratic == null || quadratic.length != k * k) {
      throw new InvalidInputException("quadratic (G) must have K*K = " + k * k
          + " entries for K = " + k + " (the length of linear h), got "
          + (quadratic == null ? "null" : quadratic.length));
    }
    for (int i = 0; i < k; i++) {
      requireFinite(linear[i], "linear (h)[" + i + "]");
    }
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        requireFinite(quadratic[i * k + j], "quadratic (G)[" + i + "][" + j + "]");
      }
    }
    for (int i = 0; i < k; i++) {
      double d = quadratic[i * k + i];
      if (!(d > 0)) {
        throw new InvalidInputException("quadratic (G)[" + i + "][" + i + "] = " + d
            + " must be > 0: G must be positive definite");
      }
    }
    double[] sym = new double[k * k];
    for (int i = 0; i < k; i++) {
      sym[i * k + i] = quadratic[i * k + i];
      for (int j = 0; j < i; j++) {
        double a = quadratic[i * k + j];
        double b = quadratic[j * k + i];
        double scale = Math.sqrt(quadratic[i * k + i] * quadratic[j * k + j]);
        if (Math.abs(a - b) > SYMMETRY_TOLERANCE * scale) {
          throw new InvalidInputException("quadratic (G)[" + i + "][" + j + "] = " + a
              + " differs from G[" + j + "][" + i + "] = " + b + ": G must be symmetric");
        }
        double mean = 0.5 * (a + b);
        sym[i * k + j] = mean;
        sym[j * k + i] = mean;
      }
    }
    if (!(minSum > 0) || minSum == Double.POSITIVE_INFINITY) {
      throw new InvalidInputException("minSum (c, the lower bound of sum(alpha)) must be finite"
          + " and > 0, got " + minSum);
    }
    if (warmStart != null) {
      if (warmStart.length != k) {
        throw new InvalidInputException("warmStart must have K = " + k + " entries, got "
            + warmStart.length);
      }
      for (int i = 0; i < k; i++) {
        requireFinite(warmStart[i], "warmStart[" + i + "]");
      }
      warmStart = warmStart.clone();
    }
    quadratic = sym;
    linear = linear.clone();
  }

  /** The problem without a warm start. */
  public static QpProblem of(double[] quadratic, double[] linear, double minSum) {
    return new QpProblem(quadratic, linear, minSum, null);
  }

  /** The problem with a warm start (typically α⁽ᵗ⁾); {@code null} means none. */
  public static QpProblem of(double[] quadratic, double[] linear, double minSum,
      double[] warmStart) {
    return new QpProblem(quadratic, linear, minSum, warmStart);
  }

  /** K, the number of variables (experts). */
  public int numExperts() {
    return linear.length;
  }

  public boolean hasWarmStart() {
    return warmStart != null;
  }

  /** f(α) = ½ αᵀ G α − hᵀ α. */
  public double objective(double[] alpha) {
    int k = linear.length;
    if (alpha.length != k) {
      throw new InvalidInputException("alpha must have K = " + k + " entries, got "
          + alpha.length);
    }
    double quad = 0;
    double lin = 0;
    for (int i = 0; i < k; i++) {
      double row = 0;
      for (int j = 0; j < k; j++) {
        row += quadratic[i * k + j] * alpha[j];
      }
      quad += alpha[i] * row;
      lin += linear[i] * alpha[i];
    }
    return 0.5 * quad - lin;
  }

  /** G, row-major K×K, exactly symmetric (a copy). */
  @Override
  public double[] quadratic() {
    return quadratic.clone();
  }

  /** h (a copy). */
  @Override
  public double[] linear() {
    return linear.clone();
  }

  /** The warm start (a copy), or {@code null} when there is none. */
  @Override
  public double[] warmStart() {
    return warmStart == null ? null : warmStart.clone();
  }

  /** Read-only views for the solvers of this package, which never write them. */
  double[] quadraticView() {
    return quadratic;
  }

  double[] linearView() {
    return linear;
  }

  double[] warmStartView() {
    return warmStart;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QpProblem p && Arrays.equals(quadratic, p.quadratic)
        && Arrays.equals(linear, p.linear) && Double.compare(minSum, p.minSum) == 0
        && Arrays.equals(warmStart, p.warmStart);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * Arrays.hashCode(quadratic) + Arrays.hashCode(linear))
        + Double.hashCode(minSum)) + Arrays.hashCode(warmStart);
  }

  @Override
  public String toString() {
    return "QpProblem[K=" + linear.length + ", minSum=" + minSum + ", warmStart="
        + (warmStart == null ? "none" : "given") + "]";
  }

  private static void requireFinite(double v, String name) {
    if (!Double.isFinite(v)) {
      throw new InvalidInputException(name + " must be finite, got " + v);
    }
  }
}
