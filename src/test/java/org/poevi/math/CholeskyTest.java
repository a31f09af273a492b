package org.poevi.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;

/** Packed Cholesky against the eigen-decomposition and direct products (rounding-level bounds). */
class CholeskyTest {
  @Test
  void factorsSolvesAndLogDeterminant() {
    UniformRandomProvider rng = RandomStreams.of(1).stream(1);
    for (int n : new int[] {1, 2, 5, 20}) {
      double[] a = randomSpd(n, 0.1, rng);
      double[] l = Cholesky.pack(a, n);
      assertTrue(Cholesky.factor(l, 0, n));
      // L·Lᵀ = A.
      for (int i = 0; i < n; i++) {
        for (int j = 0; j <= i; j++) {
          double s = 0;
          for (int k = 0; k <= j; k++) {
            s += l[Cholesky.packedIndex(i, k)] * l[Cholesky.packedIndex(j, k)];
          }
          assertEquals(a[i * n + j], s, 1e-12 * n);
        }
      }
      double logDet = 0;
      for (double v : SymmetricEigen.of(a, n).values()) {
        logDet += Math.log(v);
      }
      assertEquals(logDet, Cholesky.logDeterminant(l, 0, n), 1e-9 * Math.max(1, Math.abs(logDet)));
      // A x = y through the two triangular solves.
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = i + 1;
      }
      double[] x = y.clone();
      Cholesky.solveLower(l, 0, n, x, 0);
      Cholesky.solveLowerTransposed(l, 0, n, x, 0);
      for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < n; j++) {
          s += a[i * n + j] * x[j];
        }
        assertEquals(y[i], s, 1e-8 * n * n);
      }
    }
  }

  /** LAPACK's dpotrf through the packed layout gives the Java loop's factor to rounding. */
  @Test
  void nativeFactorMatchesJava() {
    UniformRandomProvider rng = RandomStreams.of(2).stream(1);
    int n = 30;
    double[] a = randomSpd(n, 0.5, rng);
    double[] java = Cholesky.pack(a, n);
    double[] lapack = java.clone();
    assertTrue(Cholesky.factor(java, 0, n));
    assertTrue(Cholesky.factorNative(lapack, 0, n, new Cholesky.NativeWorkspace(n)));
    for (int i = 0; i < java.length; i++) {
      assertEquals(java[i], lapack[i], 1e-12);
    }
    assertFalse(Cholesky.factorNative(Cholesky.pack(new double[] {1, 2, 2, 1}, 2), 0, 2,
        new Cholesky.NativeWorkspace(2)));
  }

  @Test
  void rejectsIndefiniteAndNaN() {
    assertFalse(Cholesky.factor(Cholesky.pack(new double[] {1, 2, 2, 1}, 2), 0, 2));
    assertFalse(Cholesky.factor(new double[] {Double.NaN}, 0, 1));
    assertFalse(Cholesky.factor(new double[] {0}, 0, 1));
  }

  /** BᵀB + ridge·I with B uniform on (−½, ½): symmetric positive definite, row-major n×n. */
  private static double[] randomSpd(int n, double ridge, UniformRandomProvider rng) {
    double[] b = new double[n * n];
    for (int i = 0; i < b.length; i++) {
      b[i] = rng.nextDouble() - 0.5;
    }
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = i == j ? ridge : 0;
        for (int k = 0; k < n; k++) {
          s += b[k * n + i] * b[k * n + j];
        }
        a[i * n + j] = s;
      }
    }
    return a;
  }
}
