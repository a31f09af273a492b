package org.poevi.qp;

import java.util.Arrays;

/**
 * Test-only reference for the α-step QP, independent of ojAlgo and of {@link OjAlgoQpSolver}'s
 * scaling: the primal active-set method of Nocedal &amp; Wright, <i>Numerical Optimization</i>
 * (2nd ed.), Algorithm 16.3, on the unscaled problem
 *
 * <pre>
 *   minimise ½ αᵀGα − hᵀα   subject to a_iᵀα ≥ b_i,
 *   a_i = e_i, b_i = 0 (i &lt; K);   a_K = 1, b_K = c.
 * </pre>
 *
 * It starts strictly inside the feasible set at α = (2c/K)·1 with an empty working set W. Each
 * iteration solves the equality-constrained step [G −A_Wᵀ; A_W 0][p; λ] = [−(Gα − h); 0]. The
 * bounds in W fix p_i = 0, so it is solved on the free set F (the variables whose bound is not in
 * W): G_FF p_F − λ_s 1 = −g_F, with 1ᵀp_F = 0 and λ_s the sum's multiplier when the sum is in W
 * (λ_s = 0 otherwise), by this class's own Cholesky factorisation of G_FF and, for λ_s, the
 * Schur complement 1ᵀG_FF⁻¹1; a bound's multiplier is then its row, λ_i = g_i + G_iF p_F − λ_s.
 * This is the same system with the fixed variables eliminated, at a cost of |F|³/3 instead of
 * (K + |W|)³ per iteration, which is what makes K in the hundreds affordable. If p = 0 (or the
 * last step was a full one, so α already minimises on W) it drops the constraint of W with the
 * most negative multiplier (or stops when all are ≥ 0), otherwise it steps to the first blocking
 * constraint and adds it. With G positive definite it terminates at the unique minimiser, whose
 * last working-set solve is an exact KKT solve; cycling is guarded by an iteration cap, and a G
 * that is not positive definite on a free set throws.
 *
 * <p>Also {@link #enumerate}: exhaustive search over active sets for small K, to check this
 * reference itself.
 */
final class ReferenceQpSolver implements QpSolver {
  @Override
  public QpResult solve(QpProblem problem) {
    long started = System.nanoTime();
    double[] g = problem.quadratic();
    double[] h = problem.linear();
    double c = problem.minSum();
    int k = h.length;
    double[] x = new double[k];
    Arrays.fill(x, 2 * c / k);
    // The working set: inBounds[i] for the bound α_i ≥ 0, sumInW for Σα ≥ c.
    boolean[] inBounds = new boolean[k];
    boolean sumInW = false;
    // True after a full step: x is then the minimiser on the working set, whatever rounding left
    // in p (which can be κ·ε, far above any fixed threshold, when G is ill-conditioned).
    boolean atSubspaceMinimum = false;
    int maxIterations = 20 * k + 100;
    for (int iteration = 1; iteration <= maxIterations; iteration++) {
      double[] grad = gradient(g, h, x);
      Step step = step(g, grad, inBounds, sumInW);
      double[] p = step.p();
      double pNorm = 0;
      double xNorm = 0;
      for (int i = 0; i < k; i++) {
        pNorm = Math.max(pNorm, Math.abs(p[i]));
        xNorm = Math.max(xNorm, Math.abs(x[i]));
      }
      if (atSubspaceMinimum || pNorm <= 1e-13 * Math.max(xNorm, c)) {
        // Apply the (tiny) step as one refinement of the subspace minimiser.
        for (int i = 0; i < k; i++) {
          x[i] = inBounds[i] ? 0 : x[i] + p[i];
        }
        int drop = mostNegativeMultiplier(g, h, x, step.lambda(), inBounds, sumInW);
        if (drop < 0) {
          for (int i = 0; i < k; i++) {
            x[i] = Math.max(0, x[i]);
          }
          return new QpResult(x, problem.objective(x), QpResult.Status.OPTIMAL, iteration,
              System.nanoTime() - started, KktResidual.of(g, h, c, x), "reference active set, "
              + count(inBounds) + " bounds" + (sumInW ? " and the sum" : "") + " in W");
        }
        if (drop == k) {
          sumInW = false;
        } else {
          inBounds[drop] = false;
        }
        atSubspaceMinimum = false;
        continue;
      }
      int blocking = stepToBlocking(x, p, inBounds, sumInW, c);
      atSubspaceMinimum = blocking < 0;
      if (blocking == k) {
        sumInW = true;
      } else if (blocking >= 0) {
        inBounds[blocking] = true;
        x[blocking] = 0;
      }
    }
    throw new IllegalStateException("reference active set did not finish in " + maxIterations
        + " iterations");
  }

  /**
   * The step on the working set: p (length K, 0 on the bounds in W) and the multipliers λ
   * (length K + 1): λ_i of each bound in W at i (0 elsewhere), λ_s of the sum at K (0 when it is
   * not in W).
   */
  private record Step(double[] p, double[] lambda) {}

  private static Step step(double[] g, double[] grad, boolean[] inBounds, boolean sumInW) {
    int k = grad.length;
    int[] free = new int[k - count(inBounds)];
    for (int i = 0, f = 0; i < k; i++) {
      if (!inBounds[i]) {
        free[f++] = i;
      }
    }
    int nf = free.length;
    double[] u = new double[nf * nf];
    double[] x = new double[nf];
    double[] y = new double[nf];
    for (int r = 0; r < nf; r++) {
      for (int s = r; s < nf; s++) {
        u[r * nf + s] = g[free[r] * k + free[s]];
      }
      x[r] = -grad[free[r]];
      y[r] = 1;
    }
    factorUpper(u, nf);
    solveFactored(u, nf, x);
    // With the sum in W: p = x + λ_s y, y = G_FF⁻¹1, and 1ᵀp = 0 gives λ_s = −1ᵀx / 1ᵀy.
    double lambdaSum = 0;
    if (sumInW) {
      solveFactored(u, nf, y);
      double sx = 0;
      double sy = 0;
      for (int r = 0; r < nf; r++) {
        sx += x[r];
        sy += y[r];
      }
      lambdaSum = -sx / sy;
    }
    double[] p = new double[k];
    for (int r = 0; r < nf; r++) {
      p[free[r]] = x[r] + lambdaSum * y[r];
    }
    double[] lambda = new double[k + 1];
    lambda[k] = lambdaSum;
    for (int i = 0; i < k; i++) {
      if (inBounds[i]) {
        double l = grad[i] - lambdaSum;
        for (int r = 0; r < nf; r++) {
          l += g[i * k + free[r]] * p[free[r]];
        }
        lambda[i] = l;
      }
    }
    return new Step(p, lambda);
  }

  /**
   * Overwrites the upper triangle of the row-major n×n matrix a (G_FF) with U, a = UᵀU, by
   * row operations (this code's own, not LAPACK's); throws if a is not positive definite.
   */
  private static void factorUpper(double[] a, int n) {
    for (int j = 0; j < n; j++) {
      double d = a[j * n + j];
      if (!(d > 0)) {
        throw new IllegalStateException("G is not positive definite on the free set");
      }
      double pivot = Math.sqrt(d);
      a[j * n + j] = pivot;
      for (int c = j + 1; c < n; c++) {
        a[j * n + c] /= pivot;
      }
      for (int i = j + 1; i < n; i++) {
        double f = a[j * n + i];
        for (int c = i; c < n; c++) {
          a[i * n + c] -= f * a[j * n + c];
        }
      }
    }
  }

  /** Solves UᵀU x = b in place with the factor of {@link #factorUpper}. */
  private static void solveFactored(double[] u, int n, double[] b) {
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int j = 0; j < i; j++) {
        s -= u[j * n + i] * b[j];
      }
      b[i] = s / u[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = b[i];
      for (int j = i + 1; j < n; j++) {
        s -= u[i * n + j] * b[j];
      }
      b[i] = s / u[i * n + i];
    }
  }

  /**
   * The constraint of W with the most negative multiplier (K for the sum), or −1 when none is
   * negative. Multipliers are judged against the scale of the gradient's terms (Gα and h): a λ of
   * rounding size there is 0, and dropping its constraint would only cycle.
   */
  private static int mostNegativeMultiplier(double[] g, double[] h, double[] x, double[] lambda,
      boolean[] inBounds, boolean sumInW) {
    int k = x.length;
    double zero = 1e-12 * (maxAbs(gradient(g, new double[k], x)) + maxAbs(h));
    int drop = -1;
    double most = 0;
    for (int con = 0; con <= k; con++) {
      boolean inW = con == k ? sumInW : inBounds[con];
      if (inW && lambda[con] < -zero && lambda[con] < most) {
        most = lambda[con];
        drop = con;
      }
    }
    return drop;
  }

  /**
   * Moves x along p up to the first constraint outside W that blocks it and returns that
   * constraint (K for the sum), or takes the full step and returns −1.
   */
  private static int stepToBlocking(double[] x, double[] p, boolean[] inBounds,
      boolean sumInW, double c) {
    int k = x.length;
    double step = 1;
    int blocking = -1;
    for (int con = 0; con <= k; con++) {
      double ap = 0;
      double ax = 0;
      if (con < k && !inBounds[con]) {
        ap = p[con];
        ax = x[con];
      } else if (con == k && !sumInW) {
        for (int i = 0; i < k; i++) {
          ap += p[i];
          ax += x[i];
        }
      }
      if (ap < 0) {
        double t = ((con == k ? c : 0) - ax) / ap;
        if (t < step) {
          step = Math.max(0, t);
          blocking = con;
        }
      }
    }
    for (int i = 0; i < k; i++) {
      x[i] += step * p[i];
    }
    return blocking;
  }

  private static int count(boolean[] flags) {
    int n = 0;
    for (boolean f : flags) {
      n += f ? 1 : 0;
    }
    return n;
  }

  /**
   * The minimiser by brute force, for K ≤ ~12: for every free set F ≠ ∅ and both states of the
   * sum constraint, solve the KKT equations with α_k = 0 off F, keep the candidates that satisfy
   * every KKT inequality (to 1e-9 relative), and return the one of least objective.
   */
  static double[] enumerate(QpProblem problem) {
    double[] g = problem.quadratic();
    double[] h = problem.linear();
    double c = problem.minSum();
    int k = h.length;
    double[] best = null;
    double bestValue = Double.POSITIVE_INFINITY;
    for (int mask = 1; mask < (1 << k); mask++) {
      int[] free = new int[Integer.bitCount(mask)];
      for (int i = 0, f = 0; i < k; i++) {
        if ((mask & (1 << i)) != 0) {
          free[f++] = i;
        }
      }
      for (boolean sumActive : new boolean[] {false, true}) {
        int nf = free.length;
        int n = nf + (sumActive ? 1 : 0);
        double[] a = new double[n * n];
        double[] rhs = new double[n];
        for (int r = 0; r < nf; r++) {
          for (int s = 0; s < nf; s++) {
            a[r * n + s] = g[free[r] * k + free[s]];
          }
          rhs[r] = h[free[r]];
          if (sumActive) {
            a[r * n + nf] = -1;
            a[nf * n + r] = 1;
          }
        }
        if (sumActive) {
          rhs[nf] = c;
        }
        double[] sol = solveDense(a, rhs, n);
        double[] x = new double[k];
        for (int r = 0; r < nf; r++) {
          x[free[r]] = sol[r];
        }
        if (satisfiesKkt(g, h, c, x, sumActive ? sol[nf] : 0)) {
          double value = problem.objective(x);
          if (value < bestValue) {
            bestValue = value;
            best = x;
          }
        }
      }
    }
    if (best == null) {
      throw new IllegalStateException("no active set satisfies the KKT conditions");
    }
    return best;
  }

  /** The KKT inequalities at x with multiplier μ, to 1e-9 relative: μ ≥ 0, x ≥ 0, g ≥ μ, Σx ≥ c. */
  private static boolean satisfiesKkt(double[] g, double[] h, double c, double[] x, double mu) {
    double[] grad = gradient(g, h, x);
    double scale = 1 + maxAbs(grad) + maxAbs(h) + Math.abs(mu);
    double sum = 0;
    boolean ok = mu >= -1e-9 * scale;
    for (int i = 0; i < x.length && ok; i++) {
      sum += x[i];
      ok = x[i] >= -1e-9 * (1 + maxAbs(x)) && grad[i] - mu >= -1e-9 * scale;
    }
    return ok && sum >= c * (1 - 1e-9);
  }

  static double[] gradient(double[] g, double[] h, double[] x) {
    int k = h.length;
    double[] out = new double[k];
    for (int i = 0; i < k; i++) {
      double s = -h[i];
      for (int j = 0; j < k; j++) {
        s += g[i * k + j] * x[j];
      }
      out[i] = s;
    }
    return out;
  }

  static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  /** Solves A x = b (A row-major n×n) by Gaussian elimination with partial pivoting. */
  static double[] solveDense(double[] a, double[] b, int n) {
    double[] m = a.clone();
    double[] x = b.clone();
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(m[r * n + col]) > Math.abs(m[pivot * n + col])) {
          pivot = r;
        }
      }
      if (m[pivot * n + col] == 0) {
        throw new IllegalStateException("singular KKT system");
      }
      if (pivot != col) {
        for (int j = 0; j < n; j++) {
          double t = m[col * n + j];
          m[col * n + j] = m[pivot * n + j];
          m[pivot * n + j] = t;
        }
        double t = x[col];
        x[col] = x[pivot];
        x[pivot] = t;
      }
      for (int r = col + 1; r < n; r++) {
        double f = m[r * n + col] / m[col * n + col];
        if (f != 0) {
          for (int j = col; j < n; j++) {
            m[r * n + j] -= f * m[col * n + j];
          }
          x[r] -= f * x[col];
        }
      }
    }
    for (int r = n - 1; r >= 0; r--) {
      double s = x[r];
      for (int j = r + 1; j < n; j++) {
        s -= m[r * n + j] * x[j];
      }
      x[r] = s / m[r * n + r];
    }
    return x;
  }
}
