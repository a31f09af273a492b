package org.poevi.qp;

import dev.ludovic.netlib.lapack.LAPACK;
import java.util.Arrays;
import org.netlib.util.intW;

/**
 * A QP solver specialised to the α-step ({@link QpProblem}): min ½ αᵀGα − hᵀα subject to α ≥ 0
 * and Σα ≥ c, with G symmetric positive definite.
 *
 * <p><b>Method.</b> The sum constraint is handled through its multiplier μ ≥ 0: for fixed μ the
 * problem min ½ αᵀGα − (h + μ1)ᵀα, α ≥ 0 is a bound-constrained QP, solved by a primal active-set
 * method (Lawson–Hanson style: solve on the free set with a LAPACK Cholesky factor, step back to
 * the boundary when an entry would turn negative, free the bound with the most negative gradient
 * when none does). Its solution α(μ) has a sum s(μ) that is continuous, non-decreasing and
 * piecewise linear in μ. If s(0) ≥ c the sum constraint is slack and α(0) is the answer;
 * otherwise μ solves s(μ) = c, found by Newton steps on the current linear piece (slope
 * 1ᵀG_FF⁻¹1 on the free set F), safeguarded by bisection on a bracket. Each bound-constrained
 * solve starts from the previous one's point, so only the free set's changes cost work: a warm
 * start from α⁽ᵗ⁻¹⁾, as in the fit, usually needs a handful of factorisations.
 *
 * <p><b>Result.</b> The point is certified by the scaled KKT residual ({@link KktResidual}):
 * <ul>
 *   <li>residual ≤ tolerance: OPTIMAL, the fallback is not asked;
 *   <li>otherwise, without a fallback: APPROXIMATE, the same (feasible) point, the residual in the
 *       message; with one: the fallback's result as it is (its status judged by its own
 *       tolerance), unless it is not OPTIMAL and this solver's point has the lower objective,
 *       which is then returned as APPROXIMATE;
 *   <li>no usable point (a free block of G does not factor, or a bound-constrained solve hits its
 *       cap of 10K + 100 iterations): the fallback's result, or without one FAILED with the
 *       uniform point c/K and the reason in the message.
 * </ul>
 * Positive definiteness is checked only on the free blocks that the method factors: a G that is
 * not positive definite is reported FAILED when one of them does not factor, but an indefinite G
 * whose factored blocks are definite can end at a KKT point, which is then certified OPTIMAL
 * although it need not be the global minimiser. Every G built as {@link QpProblem} describes is
 * positive definite. Stateless and thread-safe.
 */
public final class ActiveSetQpSolver implements QpSolver {
  private static final String BACKEND = "active set on the bounds, Newton on the sum's multiplier";
  /** Newton/bisection steps on μ. */
  private static final int MAX_MULTIPLIER_STEPS = 200;

  private final double tolerance;
  private final QpSolver fallback;

  private ActiveSetQpSolver(double tolerance, QpSolver fallback) {
    this.tolerance = tolerance;
    this.fallback = fallback;
  }

  /** KKT tolerance {@link OjAlgoQpSolver#DEFAULT_TOLERANCE}, with ojAlgo as the fallback. */
  public static ActiveSetQpSolver create() {
    return new ActiveSetQpSolver(OjAlgoQpSolver.DEFAULT_TOLERANCE, OjAlgoQpSolver.create());
  }

  /**
   * @param fallback solves what this solver cannot certify (null: none, return the best point
   *     found with its status)
   */
  public static ActiveSetQpSolver of(double tolerance, QpSolver fallback) {
    if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
      throw new IllegalArgumentException("tolerance must be positive and finite, got "
          + tolerance);
    }
    return new ActiveSetQpSolver(tolerance, fallback);
  }

  @Override
  public QpResult solve(QpProblem problem) {
    long start = System.nanoTime();
    double[] g = problem.quadraticView();
    double[] h = problem.linearView();
    double c = problem.minSum();
    int k = h.length;
    Work w = new Work(g, k);
    double[] alpha = new double[k];
    double[] warm = problem.warmStartView();
    if (warm != null) {
      for (int i = 0; i < k; i++) {
        alpha[i] = Math.max(0, warm[i]);
      }
    }
    int steps = w.boundConstrained(h.clone(), alpha) && sum(alpha) < c
        ? w.raiseToSum(h, c, alpha) : 0;
    boolean ok = w.failure == null;
    if (ok) {
      ensureFeasible(alpha, c);
      double residual = KktResidual.of(g, h, c, alpha);
      if (residual <= tolerance || fallback == null) {
        return new QpResult(alpha, problem.objective(alpha), residual <= tolerance
            ? QpResult.Status.OPTIMAL : QpResult.Status.APPROXIMATE, w.factorizations + steps,
            System.nanoTime() - start, residual, BACKEND + ": " + w.factorizations
            + " factorisations, " + steps + " multiplier steps"
            + (residual <= tolerance ? "" : ", KKT residual " + residual + " above "
            + tolerance));
      }
    }
    if (fallback == null) {
      double[] feasible = new double[k];
      Arrays.fill(feasible, c / k);
      return new QpResult(feasible, problem.objective(feasible), QpResult.Status.FAILED,
          w.factorizations + steps, System.nanoTime() - start,
          KktResidual.of(g, h, c, feasible), BACKEND + " failed: " + w.failure
          + "; solution is the uniform feasible point c/K");
    }
    QpResult other = fallback.solve(problem);
    if (ok && !other.isOptimal() && problem.objective(alpha) < other.objective()) {
      double residual = KktResidual.of(g, h, c, alpha);
      return new QpResult(alpha, problem.objective(alpha), QpResult.Status.APPROXIMATE,
          w.factorizations + steps, System.nanoTime() - start, residual, BACKEND
          + ": not certified (KKT residual " + residual + "), and the fallback did worse");
    }
    return other;
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }

  /**
   * α ≥ 0 and Σα ≥ c, whatever rounding did, in any summation order (plain or compensated):
   * the free entries are raised by the shortfall plus a few ulps of c, shared equally.
   */
  private static void ensureFeasible(double[] alpha, double c) {
    for (int i = 0; i < alpha.length; i++) {
      alpha[i] = Math.max(0, alpha[i]);
    }
    for (int round = 0; round < 64 && Math.min(sum(alpha), Arrays.stream(alpha).sum()) < c;
        round++) {
      int free = 0;
      for (double a : alpha) {
        free += a > 0 ? 1 : 0;
      }
      double shortfall = c - Math.min(sum(alpha), Arrays.stream(alpha).sum())
          + 4 * Math.ulp(c) * (round + 1);
      for (int i = 0; i < alpha.length; i++) {
        if (alpha[i] > 0 || free == 0) {
          alpha[i] += shortfall / (free == 0 ? alpha.length : free);
        }
      }
    }
  }

  /** The bound-constrained solver's state: the free set and its factorisation. */
  private static final class Work {
    final double[] g;
    final int k;
    final boolean[] free;
    final int[] index;
    int size;
    final double[] factor;
    final double[] rhs;
    final double[] ones;
    final intW info = new intW(0);
    int factorizations;
    /** Why a solve stopped without a usable point; {@code null} while none did. */
    String failure;
    /** Iterations of one bound-constrained solve at most (cycling guard). */
    final int maxIterations;

    Work(double[] g, int k) {
      this.g = g;
      this.k = k;
      this.free = new boolean[k];
      this.index = new int[k];
      this.factor = new double[k * k];
      this.rhs = new double[k];
      this.ones = new double[k];
      this.maxIterations = 10 * k + 100;
    }

    /** Factors G_FF (column-major, lower); false if it is not positive definite. */
    boolean factorFree() {
      size = 0;
      for (int i = 0; i < k; i++) {
        if (free[i]) {
          index[size++] = i;
        }
      }
      for (int a = 0; a < size; a++) {
        int row = index[a] * k;
        for (int bb = 0; bb < size; bb++) {
          factor[a + bb * size] = g[row + index[bb]];
        }
      }
      factorizations++;
      if (size == 0) {
        return true;
      }
      LAPACK.getInstance().dpotrf("L", size, factor, size, info);
      if (info.val != 0) {
        failure = "quadratic (G) is not numerically positive definite: the Cholesky factorisation"
            + " of its block on " + size + " free experts failed at pivot " + info.val;
      }
      return info.val == 0;
    }

    /** Solves G_FF x = rhs[0..size) in place with the current factor. */
    void solveFree(double[] x) {
      if (size > 0) {
        LAPACK.getInstance().dpotrs("L", size, 1, factor, size, x, size, info);
      }
    }

    /** 1ᵀG_FF⁻¹1 on the current free set: ds/dμ on the current linear piece. */
    double sumSlope() {
      Arrays.fill(ones, 0, size, 1);
      solveFree(ones);
      double s = 0;
      for (int a = 0; a < size; a++) {
        s += ones[a];
      }
      return s;
    }

    /**
     * Solves s(μ) = c for μ &gt; 0 (see the class comment) from α = α(0) with Σα &lt; c, leaving
     * α = α(μ) in {@code alpha}; returns the number of multiplier steps. A failed
     * bound-constrained solve ends it with {@link #failure} set.
     */
    int raiseToSum(double[] h, double c, double[] alpha) {
      double[] b = h.clone();
      double mu = 0;
      int steps = 0;
      // s(μ) = c on μ > 0: bracket [lo, hi] with s(lo) < c ≤ s(hi) once hi is known.
      double lo = 0;
      double hi = Double.POSITIVE_INFINITY;
      while (steps < MAX_MULTIPLIER_STEPS) {
        steps++;
        double s = sum(alpha);
        if (Math.abs(s - c) <= 1e-13 * c) {
          break;
        }
        if (s < c) {
          lo = Math.max(lo, mu);
        } else {
          hi = Math.min(hi, mu);
        }
        double slope = sumSlope();
        double next = slope > 0 ? mu + (c - s) / slope : Double.NaN;
        if (!(next > lo && next < hi)) {
          next = Double.isInfinite(hi) ? Math.max(2 * mu, lo + 1e-12 + Math.abs(lo))
              : 0.5 * (lo + hi);
        }
        if (next == mu) {
          break;
        }
        mu = next;
        for (int i = 0; i < k; i++) {
          b[i] = h[i] + mu;
        }
        if (!boundConstrained(b, alpha)) {
          break;
        }
      }
      return steps;
    }

    /**
     * The bound whose release lowers the objective fastest: the entry off the free set with the
     * most negative gradient (Gx − b)_i, or −1 when none is negative beyond the rounding of the
     * terms it is made of ({@code scale} = max|b|).
     */
    int mostNegativeGradient(double[] b, double[] x, double scale) {
      int best = -1;
      double most = 0;
      for (int i = 0; i < k; i++) {
        if (free[i]) {
          continue;
        }
        double gradient = -b[i];
        double magnitude = Math.abs(b[i]);
        int row = i * k;
        for (int a = 0; a < size; a++) {
          double t = g[row + index[a]] * x[index[a]];
          gradient += t;
          magnitude += Math.abs(t);
        }
        if (gradient < -1e-13 * Math.max(magnitude, scale) && gradient < most) {
          most = gradient;
          best = i;
        }
      }
      return best;
    }

    /**
     * min ½ xᵀGx − bᵀx over x ≥ 0, from the feasible x given (overwritten with the solution);
     * false, with {@link #failure} set, if G_FF does not factor or the iteration cap is hit.
     */
    boolean boundConstrained(double[] b, double[] x) {
      for (int i = 0; i < k; i++) {
        free[i] = x[i] > 0;
      }
      double[] z = new double[k];
      double scale = 0;
      for (int i = 0; i < k; i++) {
        scale = Math.max(scale, Math.abs(b[i]));
      }
      for (int iteration = 0; iteration < maxIterations; iteration++) {
        if (!factorFree()) {
          return false;
        }
        for (int a = 0; a < size; a++) {
          rhs[a] = b[index[a]];
        }
        solveFree(rhs);
        Arrays.fill(z, 0);
        boolean interior = true;
        for (int a = 0; a < size; a++) {
          z[index[a]] = rhs[a];
          interior &= rhs[a] > 0;
        }
        if (interior) {
          System.arraycopy(z, 0, x, 0, k);
          int best = mostNegativeGradient(b, x, scale);
          if (best < 0) {
            return true;
          }
          free[best] = true;
          continue;
        }
        // Step from x towards z until the first free entry reaches 0; it leaves the free set.
        double t = 1;
        for (int a = 0; a < size; a++) {
          int i = index[a];
          if (z[i] <= 0) {
            double denominator = x[i] - z[i];
            t = Math.min(t, denominator > 0 ? x[i] / denominator : 0);
          }
        }
        for (int a = 0; a < size; a++) {
          int i = index[a];
          x[i] += t * (z[i] - x[i]);
          if (x[i] <= 0 || (z[i] <= 0 && x[i] <= 1e-15 * Math.abs(z[i]))) {
            x[i] = 0;
            free[i] = false;
          }
        }
      }
      failure = "the bound-constrained solve did not finish in " + maxIterations
          + " iterations (cycling)";
      return false;
    }
  }
}
