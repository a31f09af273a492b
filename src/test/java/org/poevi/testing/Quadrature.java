package org.poevi.testing;

/**
 * Double-exponential quadrature rules for reference integrals in tests.
 *
 * <ul>
 *   <li>The real line: x = c + s·sinh((π/2)·sinh t) (the "sinh-sinh" rule). It turns algebraic
 *       tails |x|^(−p), p &gt; 1, into double-exponential decay in t, so the trapezoid rule in t
 *       converges geometrically in 1/h even for the t-like tails of a product of experts.
 *   <li>The unit interval: w = 1/(1 + e^(−π sinh t)) (tanh-sinh), with log w and log(1 − w)
 *       computed separately so that integrable endpoint singularities (Beta densities with
 *       α &lt; 1) are resolved to full precision.
 * </ul>
 *
 * Nodes come with log weights so integrands can stay in log space. Accuracy is checked by the
 * callers by halving h (see {@link #realLine}).
 */
public final class Quadrature {
  private Quadrature() {}

  /** Nodes x_i and log weights such that ∫ f ≈ Σ exp(logWeight_i) f(x_i). */
  public record Nodes(double[] x, double[] logWeight) {
    public int size() {
      return x.length;
    }
  }

  /**
   * Sinh-sinh nodes on the real line, centred at c with scale s, step h in t over [−tMax, tMax].
   * tMax is capped where x would overflow a double's square (nodes beyond carry no mass for
   * integrable tails).
   */
  public static Nodes realLine(double center, double scale, double h, double tMax) {
    int n = (int) Math.floor(tMax / h);
    double[] x = new double[2 * n + 1];
    double[] lw = new double[2 * n + 1];
    for (int i = -n; i <= n; i++) {
      double t = i * h;
      double u = 0.5 * Math.PI * Math.sinh(t);
      x[i + n] = center + scale * Math.sinh(u);
      lw[i + n] = Math.log(h * scale * 0.5 * Math.PI) + logCosh(t) + logCosh(u);
    }
    return new Nodes(x, lw);
  }

  /** Tanh-sinh nodes on (0, 1): returns w, and log w and log(1 − w) exactly. */
  public record UnitNodes(double[] w, double[] logW, double[] log1mW, double[] logWeight) {}

  public static UnitNodes unitInterval(double h, double tMax) {
    int n = (int) Math.floor(tMax / h);
    int m = 2 * n + 1;
    double[] w = new double[m];
    double[] logW = new double[m];
    double[] log1m = new double[m];
    double[] lw = new double[m];
    for (int i = -n; i <= n; i++) {
      double t = i * h;
      double v = Math.PI * Math.sinh(t);
      // w = 1/(1 + e^{−v}), 1 − w = 1/(1 + e^{v}); dw/dt = π cosh t · w (1 − w).
      logW[i + n] = -log1pExp(-v);
      log1m[i + n] = -log1pExp(v);
      w[i + n] = Math.exp(logW[i + n]);
      lw[i + n] = Math.log(h * Math.PI) + logCosh(t) + logW[i + n] + log1m[i + n];
    }
    return new UnitNodes(w, logW, log1m, lw);
  }

  static double logCosh(double u) {
    double a = Math.abs(u);
    return a + Math.log1p(Math.exp(-2 * a)) - Math.log(2);
  }

  static double log1pExp(double v) {
    return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
  }
}
