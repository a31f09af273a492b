package org.poevi.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LbfgsTest {
  /** Rosenbrock's valley: the minimum (1, …, 1) with value 0, from the classic start. */
  @Test
  void minimisesRosenbrock() {
    int n = 6;
    Lbfgs.Objective rosenbrock = (x, g) -> {
      double f = 0;
      java.util.Arrays.fill(g, 0);
      for (int i = 0; i < n - 1; i++) {
        double a = x[i + 1] - x[i] * x[i];
        double b = 1 - x[i];
        f += 100 * a * a + b * b;
        g[i] += -400 * x[i] * a - 2 * b;
        g[i + 1] += 200 * a;
      }
      return f;
    };
    double[] start = {-1.2, 1, -1.2, 1, -1.2, 1};
    Lbfgs.Result r = Lbfgs.of(1000, 10, 1e-10, 0).minimize(rosenbrock, start);
    assertTrue(r.converged(), r.stop().toString());
    for (double v : r.x()) {
      assertEquals(1, v, 1e-4);
    }
    assertEquals(0, r.value(), 1e-8);
    assertEquals(-1.2, start[0]);
  }

  /** A quadratic with condition number 1e4: L-BFGS reaches the minimiser to 1e-8. */
  @Test
  void minimisesIllConditionedQuadratic() {
    int n = 10;
    Lbfgs.Objective quad = (x, g) -> {
      double f = 0;
      for (int i = 0; i < n; i++) {
        double c = Math.pow(1e4, i / (n - 1.0));
        double d = x[i] - i;
        f += 0.5 * c * d * d;
        g[i] = c * d;
      }
      return f;
    };
    Lbfgs.Result r = Lbfgs.of(500, 8, 1e-12, 0).minimize(quad, new double[n]);
    assertTrue(r.converged(), r.stop().toString());
    for (int i = 0; i < n; i++) {
      assertEquals(i, r.x()[i], 1e-6);
    }
  }

  /** f = +∞ outside x > 0 (a restricted support): the line search backs off and still converges. */
  @Test
  void respectsARestrictedSupport() {
    Lbfgs.Objective f = (x, g) -> {
      if (x[0] <= 0) {
        return Double.POSITIVE_INFINITY;
      }
      g[0] = 1 - 1 / x[0];
      return x[0] - Math.log(x[0]);
    };
    Lbfgs.Result r = Lbfgs.of(200, 5, 1e-10, 0).minimize(f, new double[] {30});
    assertTrue(r.converged(), r.stop().toString());
    assertEquals(1, r.x()[0], 1e-8);
  }

  @Test
  void nonFiniteStartIsReported() {
    Lbfgs.Result r = Lbfgs.of(10, 5, 1e-8, 0)
        .minimize((x, g) -> Double.NaN, new double[] {1});
    assertEquals(Lbfgs.Stop.NON_FINITE_START, r.stop());
  }
}
