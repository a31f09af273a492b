package org.poevi.qp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 * iteration solves the equality-constrained step [G −A_Wᵀ; A_W 0][p; λ] = [−(Gα − h); 0] by
 * Gaussian elimination with partial pivoting; if p = 0 (or the last step was a full one, so α
 * already minimises on W) it drops the constraint of W with the most negative multiplier (or
 * stops when all are ≥ 0), otherwise it steps to the first blocking constraint and adds it.
 * With G positive definite it terminates at the unique minimiser, whose last working-set solve is
 * an exact KKT solve; cycling is guarded by an iteration cap.
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
    List<Integer> working = new ArrayList<>();
    // True after a full step: x is then the minimiser on the working set, whatever rounding left
    // in p (which can be κ·ε, far above any fixed threshold, when G is ill-conditioned).
    boolean atSubspaceMinimum = false;
    int maxIterations = 20 * k + 100;
    for (int iteration = 1; iteration <= maxIterations; iteration++) {
      double[] grad = gradient(g, h, x);
      int m = working.size();
      int n = k + m;
      double[] kkt = new double[n * n];
      double[] rhs = new double[n];
      for (int i = 0; i < k; i++) {
        System.arraycopy(g, i * k, kkt, i * n, k);
        rhs[i] = -grad[i];
      }
      for (int w = 0; w < m; w++) {
        int con = working.get(w);
        for (int i = 0; i < k; i++) {
          double a = coefficient(con, i, k);
          kkt[i * n + k + w] = -a;
          kkt[(k + w) * n + i] = a;
        }
      }
      double[] sol = solveDense(kkt, rhs, n);
      double[] p = new double[k];
      System.arraycopy(sol, 0, p, 0, k);
      double pNorm = 0;
      double xNorm = 0;
      for (int i = 0; i < k; i++) {
        pNorm = Math.max(pNorm, Math.abs(p[i]));
        xNorm = Math.max(xNorm, Math.abs(x[i]));
      }
      if (atSubspaceMinimum || pNorm <= 1e-13 * Math.max(xNorm, c)) {
        // Apply the (tiny) step as one refinement of the subspace minimiser.
        for (int i = 0; i < k; i++) {
          x[i] += p[i];
        }
        for (int con : working) {
          if (con < k) {
            x[con] = 0;
          }
        }
        int drop = -1;
        double most = 0;
        // Multipliers are judged against the scale of the gradient's terms (Gα and h): a λ of
        // rounding size there is 0, and dropping its constraint would only cycle.
        double[] gx = gradient(g, new double[k], x);
        double zero = 1e-12 * (maxAbs(gx) + maxAbs(h));
        for (int w = 0; w < m; w++) {
          double lambda = sol[k + w];
          if (lambda < -zero && lambda < most) {
            most = lambda;
            drop = w;
          }
        }
        if (drop < 0) {
          for (int i = 0; i < k; i++) {
            x[i] = Math.max(0, x[i]);
          }
          return new QpResult(x, problem.objective(x), QpResult.Status.OPTIMAL, iteration,
              System.nanoTime() - started, KktResidual.of(g, h, c, x),
              "reference active set, working set " + working);
        }
        working.remove(drop);
        atSubspaceMinimum = false;
        continue;
      }
      double step = 1;
      int blocking = -1;
      for (int con = 0; con <= k; con++) {
        if (working.contains(con)) {
          continue;
        }
        double ap = 0;
        double ax = 0;
        for (int i = 0; i < k; i++) {
          ap += coefficient(con, i, k) * p[i];
          ax += coefficient(con, i, k) * x[i];
        }
        if (ap < 0) {
          double t = (bound(con, k, c) - ax) / ap;
          if (t < step) {
            step = Math.max(0, t);
            blocking = con;
          }
        }
      }
      for (int i = 0; i < k; i++) {
        x[i] += step * p[i];
      }
      atSubspaceMinimum = blocking < 0;
      if (blocking >= 0) {
        working.add(blocking);
        if (blocking < k) {
          x[blocking] = 0;
        }
      }
    }
    throw new IllegalStateException("reference active set did not finish in " + maxIterations
        + " iterations");
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
        double mu = sumActive ? sol[nf] : 0;
        double[] grad = gradient(g, h, x);
        double scale = 1 + maxAbs(grad) + maxAbs(h) + Math.abs(mu);
        double sum = 0;
        boolean ok = mu >= -1e-9 * scale;
        for (int i = 0; i < k && ok; i++) {
          sum += x[i];
          ok = x[i] >= -1e-9 * (1 + maxAbs(x)) && grad[i] - mu >= -1e-9 * scale;
        }
        ok = ok && sum >= c * (1 - 1e-9);
        if (ok) {
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

  private static double coefficient(int constraint, int i, int k) {
    return constraint == k ? 1 : (constraint == i ? 1 : 0);
  }

  private static double bound(int constraint, int k, double c) {
    return constraint == k ? c : 0;
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
