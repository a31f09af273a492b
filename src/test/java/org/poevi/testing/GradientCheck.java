package org.poevi.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.BiConsumer;
import java.util.function.ToDoubleFunction;

/** Gradients against central finite differences. */
public final class GradientCheck {
  private GradientCheck() {}

  /**
   * Asserts that {@code gradient} agrees with central differences of {@code f} at x: the error of
   * a central difference with step h is O(h² f''') + O(ε f / h); with h = 1e-5·max(1, |x_i|) both
   * are about 1e-10 relative for smooth f of moderate scale, so the tolerance
   * 1e-6 · max(1, |g_i|) leaves a wide margin while catching any real error (a wrong factor or
   * sign is O(|g|)).
   */
  public static void assertGradient(ToDoubleFunction<double[]> f,
      BiConsumer<double[], double[]> gradient, double[] x, String what) {
    int n = x.length;
    double[] g = new double[n];
    gradient.accept(x.clone(), g);
    for (int i = 0; i < n; i++) {
      double h = 1e-5 * Math.max(1, Math.abs(x[i]));
      double[] plus = x.clone();
      double[] minus = x.clone();
      plus[i] += h;
      minus[i] -= h;
      double fd = (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (2 * h);
      assertEquals(fd, g[i], 1e-6 * Math.max(1, Math.abs(g[i])),
          what + ": component " + i + " of the gradient");
    }
  }
}
