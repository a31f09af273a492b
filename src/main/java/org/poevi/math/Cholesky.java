package org.poevi.math;

import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * Cholesky factorisation A = L·Lᵀ and the solves that go with it, on symmetric matrices stored as
 * a packed lower triangle, row by row: entry (i, j) with j ≤ i lives at {@code off + i(i+1)/2 + j}.
 * That layout holds n(n+1)/2 numbers, so a block of such matrices can be formed with one matrix
 * product (see {@code FeynmanSampler}).
 *
 * <p>Everything works in place on caller-owned arrays and allocates nothing: these routines run
 * once per draw in the sampler's hot loop. Determinants are only ever handled as
 * log|A| = 2 Σ log L_ii; no inverse is ever formed.
 */
public final class Cholesky {
  private Cholesky() {}

  /** Number of entries in a packed triangle of order n. */
  public static int packedSize(int n) {
    return n * (n + 1) / 2;
  }

  /** Index of (i, j), j ≤ i, inside a packed lower triangle. */
  public static int packedIndex(int i, int j) {
    return i * (i + 1) / 2 + j;
  }

  /**
   * Overwrites the packed lower triangle of A with its Cholesky factor L.
   *
   * @return false, leaving the array partly overwritten, when A is not numerically positive
   *     definite (a pivot is not strictly positive or is not finite)
   */
  public static boolean factor(double[] a, int off, int n) {
    return factor(a, off, n, new double[n]);
  }

  /**
   * As {@link #factor(double[], int, int)}, allocation-free: {@code inverseDiagonal} (length ≥ n)
   * receives 1/L_ii, so each off-diagonal entry costs a multiplication instead of a division.
   */
  public static boolean factor(double[] a, int off, int n, double[] inverseDiagonal) {
    for (int i = 0; i < n; i++) {
      int rowI = off + i * (i + 1) / 2;
      for (int j = 0; j <= i; j++) {
        int rowJ = off + j * (j + 1) / 2;
        double s = a[rowI + j];
        for (int k = 0; k < j; k++) {
          s -= a[rowI + k] * a[rowJ + k];
        }
        if (i == j) {
          // s <= 0 means A is not positive definite; !(s > 0) also rejects NaN.
          if (!(s > 0) || s == Double.POSITIVE_INFINITY) {
            return false;
          }
          double l = Math.sqrt(s);
          a[rowI + i] = l;
          inverseDiagonal[i] = 1 / l;
        } else {
          a[rowI + j] = s * inverseDiagonal[j];
        }
      }
    }
    return true;
  }

  /** Caller-owned buffers for {@link #factorNative}: an n×n matrix and LAPACK's status word. */
  public static final class NativeWorkspace {
    final double[] full;
    final intW info = new intW(0);

    public NativeWorkspace(int n) {
      this.full = new double[n * n];
    }
  }

  /**
   * The same factorisation with LAPACK {@code dpotrf} (native OpenBLAS when installed), which wins
   * from about D = 20 (docs/benchmarks.md). Row i of the packed L is column i of U = Lᵀ in
   * column-major storage, so copying in and out is one {@code arraycopy} per row.
   */
  public static boolean factorNative(double[] a, int off, int n, NativeWorkspace ws) {
    double[] full = ws.full;
    for (int i = 0; i < n; i++) {
      System.arraycopy(a, off + i * (i + 1) / 2, full, i * n, i + 1);
    }
    LAPACK.getInstance().dpotrf("U", n, full, n, ws.info);
    if (ws.info.val != 0) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      System.arraycopy(full, i * n, a, off + i * (i + 1) / 2, i + 1);
      double d = a[off + i * (i + 3) / 2];
      if (!(d > 0) || d == Double.POSITIVE_INFINITY) {
        return false;
      }
    }
    return true;
  }

  /** log|A| = 2 Σ log L_ii from a packed factor. */
  public static double logDeterminant(double[] l, int off, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += Math.log(l[off + i * (i + 3) / 2]);
    }
    return 2 * sum;
  }

  /** Solves L·x = b in place (b ← x), b of length n at {@code boff}. */
  public static void solveLower(double[] l, int off, int n, double[] b, int boff) {
    for (int i = 0; i < n; i++) {
      int row = off + i * (i + 1) / 2;
      double s = b[boff + i];
      for (int k = 0; k < i; k++) {
        s -= l[row + k] * b[boff + k];
      }
      b[boff + i] = s / l[row + i];
    }
  }

  /** Solves Lᵀ·x = b in place (b ← x), reading L by rows so that access stays contiguous. */
  public static void solveLowerTransposed(double[] l, int off, int n, double[] b, int boff) {
    for (int i = n - 1; i >= 0; i--) {
      int row = off + i * (i + 1) / 2;
      double xi = b[boff + i] / l[row + i];
      b[boff + i] = xi;
      for (int k = 0; k < i; k++) {
        b[boff + k] -= l[row + k] * xi;
      }
    }
  }

  /**
   * The inverse of a symmetric positive definite row-major n×n matrix through its Cholesky factor
   * (n solves), exactly symmetrised. For small matrices off the hot path.
   *
   * @throws IllegalArgumentException when the matrix is not numerically positive definite
   */
  public static double[] inverse(double[] spd, int n) {
    double[] packed = pack(spd, n);
    if (!factor(packed, 0, n)) {
      throw new IllegalArgumentException("matrix is not positive definite");
    }
    return inverseOfFactor(packed, n);
  }

  /**
   * A⁻¹, dense row-major n×n and exactly symmetric, from the packed factor L of A (n solves; off
   * the hot path).
   */
  public static double[] inverseOfFactor(double[] packed, int n) {
    double[] out = new double[n * n];
    double[] e = new double[n];
    for (int j = 0; j < n; j++) {
      java.util.Arrays.fill(e, 0);
      e[j] = 1;
      solveLower(packed, 0, n, e, 0);
      solveLowerTransposed(packed, 0, n, e, 0);
      for (int i = 0; i < n; i++) {
        out[i * n + j] = e[i];
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double avg = 0.5 * (out[i * n + j] + out[j * n + i]);
        out[i * n + j] = avg;
        out[j * n + i] = avg;
      }
    }
    return out;
  }

  /** Packs the lower triangle of a dense row-major n×n matrix. */
  public static double[] pack(double[] dense, int n) {
    double[] packed = new double[packedSize(n)];
    for (int i = 0; i < n; i++) {
      System.arraycopy(dense, i * n, packed, packedIndex(i, 0), i + 1);
    }
    return packed;
  }

  /** Expands a packed lower triangle into a dense symmetric row-major n×n matrix. */
  public static double[] unpackSymmetric(double[] packed, int n) {
    double[] dense = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double v = packed[packedIndex(i, j)];
        dense[i * n + j] = v;
        dense[j * n + i] = v;
      }
    }
    return dense;
  }
}
