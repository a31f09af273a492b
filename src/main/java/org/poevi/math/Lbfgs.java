package org.poevi.math;

import java.util.Arrays;

/**
 * Unconstrained minimisation by limited-memory BFGS (Nocedal and Wright, Numerical Optimization,
 * 2nd ed., Algorithm 7.4) with a line search that enforces the strong Wolfe conditions (Algorithms
 * 3.5 and 3.6, c₁ = 1e-4, c₂ = 0.9, zoom by safeguarded quadratic interpolation).
 *
 * <p>Why not breeze's L-BFGS, which the project prefers: breeze's {@code DiffFunction} cannot be
 * implemented, subclassed or proxied from Java. It inherits both {@code Object apply(T)} from
 * scala.Function1 and {@code double apply(T)} from the trait, which only scalac's bridge methods
 * reconcile; javac rejects a Java implementation, an anonymous subclass of a concrete breeze
 * function, and {@code java.lang.reflect.Proxy} alike. Spark's own wrappers take RDDs. This class
 * keeps the same role (one adapter, {@code double[]} in and out) without Scala glue.
 *
 * <p>Stops when ‖∇f‖∞ ≤ gradientTolerance·max(1, |f|), when f changes by less than
 * valueTolerance·max(1, |f|) over an iteration, when the line search fails, or at the iteration
 * cap; the result says which. A non-finite f or gradient at a trial point is treated as "too far"
 * and the step is shortened, so targets with a restricted support can be minimised.
 */
public final class Lbfgs {
  private static final double C1 = 1e-4;
  private static final double C2 = 0.9;
  private static final int MAX_LINE_SEARCH = 40;

  /** f(x) and its gradient: returns f, writes ∇f into {@code gradient}. */
  @FunctionalInterface
  public interface Objective {
    double valueAndGradient(double[] x, double[] gradient);
  }

  /** Why the minimisation stopped. */
  public enum Stop {
    GRADIENT_CONVERGED,
    VALUE_CONVERGED,
    MAX_ITERATIONS,
    LINE_SEARCH_FAILED,
    NON_FINITE_START
  }

  /**
   * @param x the best point found
   * @param value f(x)
   * @param iterations iterations used
   * @param evaluations objective evaluations used
   * @param stop why it stopped
   */
  public record Result(double[] x, double value, int iterations, int evaluations, Stop stop) {
    public boolean converged() {
      return stop == Stop.GRADIENT_CONVERGED || stop == Stop.VALUE_CONVERGED;
    }
  }

  private final int maxIterations;
  private final int memory;
  private final double gradientTolerance;
  private final double valueTolerance;

  private Lbfgs(int maxIterations, int memory, double gradientTolerance, double valueTolerance) {
    this.maxIterations = maxIterations;
    this.memory = memory;
    this.gradientTolerance = gradientTolerance;
    this.valueTolerance = valueTolerance;
  }

  /**
   * @param maxIterations iteration cap (≥ 1)
   * @param memory correction pairs kept (5–10 is usual)
   * @param gradientTolerance relative tolerance on ‖∇f‖∞
   * @param valueTolerance relative tolerance on the change of f per iteration
   */
  public static Lbfgs of(int maxIterations, int memory, double gradientTolerance,
      double valueTolerance) {
    if (maxIterations < 1 || memory < 1 || !(gradientTolerance > 0) || !(valueTolerance >= 0)) {
      throw new IllegalArgumentException("L-BFGS needs maxIterations >= 1, memory >= 1,"
          + " gradientTolerance > 0 and valueTolerance >= 0");
    }
    return new Lbfgs(maxIterations, memory, gradientTolerance, valueTolerance);
  }

  /** Minimises f from {@code start} (not modified). */
  public Result minimize(Objective f, double[] start) {
    int n = start.length;
    double[] x = start.clone();
    double[] g = new double[n];
    double fx = f.valueAndGradient(x.clone(), g);
    int evaluations = 1;
    if (!Double.isFinite(fx) || !allFinite(g)) {
      return new Result(x, fx, 0, evaluations, Stop.NON_FINITE_START);
    }
    CurvaturePairs pairs = new CurvaturePairs(memory, n);
    double[] direction = new double[n];
    double[] xNew = new double[n];
    double[] gNew = new double[n];
    for (int it = 0; it < maxIterations; it++) {
      if (maxAbs(g) <= gradientTolerance * Math.max(1, Math.abs(fx))) {
        return new Result(x, fx, it, evaluations, Stop.GRADIENT_CONVERGED);
      }
      pairs.twoLoopDirection(g, direction);
      double slope = dot(g, direction);
      if (!(slope < 0)) {
        // Not a descent direction (rounding in a nearly flat region): restart from −g.
        for (int i = 0; i < n; i++) {
          direction[i] = -g[i] / Math.max(1, maxAbs(g));
        }
        slope = dot(g, direction);
        pairs.stored = 0;
      }
      LineSearch ls = lineSearch(f, x, fx, g, direction, slope, xNew, gNew);
      evaluations += ls.evaluations;
      if (!ls.found) {
        return new Result(x, fx, it, evaluations, Stop.LINE_SEARCH_FAILED);
      }
      double change = fx - ls.value;
      pairs.add(x, xNew, g, gNew);
      System.arraycopy(xNew, 0, x, 0, n);
      System.arraycopy(gNew, 0, g, 0, n);
      fx = ls.value;
      if (change <= valueTolerance * Math.max(1, Math.abs(fx))) {
        return new Result(x, fx, it + 1, evaluations, Stop.VALUE_CONVERGED);
      }
    }
    return new Result(x, fx, maxIterations, evaluations, Stop.MAX_ITERATIONS);
  }

  /**
   * The L-BFGS memory: the last {@code memory} curvature pairs s = x' − x, y = ∇f(x') − ∇f(x)
   * with ρ = 1/sᵀy, in a ring whose newest pair is at {@code newest}.
   */
  private static final class CurvaturePairs {
    final int memory;
    final double[][] s;
    final double[][] y;
    final double[] rho;
    final double[] alpha;
    /** Pairs in use; 0 after a restart from steepest descent. */
    int stored = 0;
    int newest = -1;

    CurvaturePairs(int memory, int n) {
      this.memory = memory;
      this.s = new double[memory][n];
      this.y = new double[memory][n];
      this.rho = new double[memory];
      this.alpha = new double[memory];
    }

    /** direction = −H g by the two-loop recursion, H the L-BFGS inverse-Hessian approximation. */
    void twoLoopDirection(double[] g, double[] direction) {
      int n = g.length;
      for (int i = 0; i < n; i++) {
        direction[i] = -g[i];
      }
      for (int j = 0; j < stored; j++) {
        int k = Math.floorMod(newest - j, memory);
        alpha[k] = rho[k] * dot(s[k], direction);
        axpy(-alpha[k], y[k], direction);
      }
      double gamma = stored > 0 ? dot(s[newest], y[newest]) / dot(y[newest], y[newest])
          : 1 / Math.max(1, maxAbs(g));
      for (int i = 0; i < n; i++) {
        direction[i] *= gamma;
      }
      for (int j = stored - 1; j >= 0; j--) {
        int k = Math.floorMod(newest - j, memory);
        double beta = rho[k] * dot(y[k], direction);
        axpy(alpha[k] - beta, s[k], direction);
      }
    }

    /** Adds the pair of the step from (x, g) to (xNew, gNew), unless its curvature is unusable. */
    void add(double[] x, double[] xNew, double[] g, double[] gNew) {
      newest = (newest + 1) % memory;
      for (int i = 0; i < x.length; i++) {
        s[newest][i] = xNew[i] - x[i];
        y[newest][i] = gNew[i] - g[i];
      }
      double sy = dot(s[newest], y[newest]);
      if (sy > 1e-12 * Math.sqrt(dot(s[newest], s[newest]) * dot(y[newest], y[newest]))) {
        rho[newest] = 1 / sy;
        stored = Math.min(stored + 1, memory);
      } else {
        // Curvature pair unusable (can only happen if the Wolfe search was cut short): drop it.
        newest = Math.floorMod(newest - 1, memory);
      }
    }
  }

  private record LineSearch(boolean found, double value, int evaluations) {}

  /**
   * Strong-Wolfe line search along d from x (f0, slope0 = ∇f·d &lt; 0): bracketing with step
   * doubling, then zoom. Writes the accepted point and its gradient into xNew and gNew.
   */
  private static LineSearch lineSearch(Objective f, double[] x, double f0, double[] g0,
      double[] d, double slope0, double[] xNew, double[] gNew) {
    int n = x.length;
    int evaluations = 0;
    double previousStep = 0;
    double previousValue = f0;
    double previousSlope = slope0;
    double step = 1;
    for (int i = 0; i < MAX_LINE_SEARCH; i++) {
      double value = evaluate(f, x, d, step, xNew, gNew);
      evaluations++;
      if (!Double.isFinite(value) || !allFinite(gNew)) {
        // Outside where f is defined or finite: come back towards the last good step.
        step = previousStep + 0.25 * (step - previousStep);
        continue;
      }
      double slope = dot(gNew, d);
      if (value > f0 + C1 * step * slope0 || (i > 0 && value >= previousValue)) {
        return zoom(f, x, f0, slope0, d, previousStep, previousValue, previousSlope, step,
            value, xNew, gNew, evaluations);
      }
      if (Math.abs(slope) <= -C2 * slope0) {
        return new LineSearch(true, value, evaluations);
      }
      if (slope >= 0) {
        return zoom(f, x, f0, slope0, d, step, value, slope, previousStep, previousValue, xNew,
            gNew, evaluations);
      }
      previousStep = step;
      previousValue = value;
      previousSlope = slope;
      step *= 2;
    }
    return new LineSearch(false, f0, evaluations);
  }

  /** Zoom between lo (satisfies sufficient decrease) and hi (Nocedal and Wright Algorithm 3.6). */
  private static LineSearch zoom(Objective f, double[] x, double f0, double slope0, double[] d,
      double lo, double fLo, double slopeLo, double hi, double fHi, double[] xNew, double[] gNew,
      int evaluations) {
    for (int i = 0; i < MAX_LINE_SEARCH; i++) {
      // Minimiser of the quadratic through (lo, fLo, slopeLo) and (hi, fHi), kept well inside.
      double width = hi - lo;
      double denominator = 2 * (fHi - fLo - slopeLo * width);
      double step = denominator > 0 ? lo - slopeLo * width * width / denominator : lo + 0.5 * width;
      double min = Math.min(lo, hi);
      double max = Math.max(lo, hi);
      double margin = 0.1 * (max - min);
      if (!(step > min + margin && step < max - margin)) {
        step = 0.5 * (lo + hi);
      }
      double value = evaluate(f, x, d, step, xNew, gNew);
      evaluations++;
      if (!Double.isFinite(value) || !allFinite(gNew)) {
        hi = step;
        fHi = Double.POSITIVE_INFINITY;
        continue;
      }
      double slope = dot(gNew, d);
      if (value > f0 + C1 * step * slope0 || value >= fLo) {
        hi = step;
        fHi = value;
      } else {
        if (Math.abs(slope) <= -C2 * slope0) {
          return new LineSearch(true, value, evaluations);
        }
        if (slope * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
        }
        lo = step;
        fLo = value;
        slopeLo = slope;
      }
      if (Math.abs(hi - lo) <= 1e-14 * Math.max(1, Math.abs(lo))) {
        break;
      }
    }
    // No Wolfe point found; accept the best sufficient-decrease point if it improved on f0.
    if (lo > 0 && fLo < f0) {
      double value = evaluate(f, x, d, lo, xNew, gNew);
      return new LineSearch(Double.isFinite(value), value, evaluations + 1);
    }
    return new LineSearch(false, f0, evaluations);
  }

  private static double evaluate(Objective f, double[] x, double[] d, double step, double[] xNew,
      double[] gNew) {
    for (int i = 0; i < x.length; i++) {
      xNew[i] = x[i] + step * d[i];
    }
    Arrays.fill(gNew, 0);
    return f.valueAndGradient(xNew.clone(), gNew);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double e : v) {
      m = Math.max(m, Math.abs(e));
    }
    return m;
  }

  private static boolean allFinite(double[] v) {
    for (double e : v) {
      if (!Double.isFinite(e)) {
        return false;
      }
    }
    return true;
  }
}
