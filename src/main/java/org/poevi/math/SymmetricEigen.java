package org.poevi.math;

import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * Eigen-decomposition A = V·diag(λ)·Vᵀ of a dense symmetric matrix with LAPACK {@code dsyev}
 * (netlib, the implementation Spark ships). Used off the hot path: to validate that a matrix is
 * positive semi-definite, to find its rank and null space, and to project onto the PSD cone.
 *
 * @param values eigenvalues in ascending order
 * @param vectors row-major n×n; column j is the unit eigenvector of {@code values[j]}
 */
public record SymmetricEigen(double[] values, double[] vectors, int dim) {

  /** Decomposes the symmetric row-major n×n matrix {@code a} (only read, never changed). */
  public static SymmetricEigen of(double[] a, int n) {
    if (n == 0) {
      return new SymmetricEigen(new double[0], new double[0], 0);
    }
    // LAPACK is column-major; a symmetric matrix is its own transpose, so the row-major copy
    // serves as-is, and the column-major eigenvectors come back transposed, fixed below.
    double[] work = a.clone();
    double[] values = new double[n];
    intW info = new intW(0);
    double[] query = new double[1];
    LAPACK lapack = LAPACK.getInstance();
    lapack.dsyev("V", "L", n, work, n, values, query, -1, info);
    double[] scratch = new double[Math.max(1, (int) query[0])];
    lapack.dsyev("V", "L", n, work, n, values, scratch, scratch.length, info);
    if (info.val != 0) {
      throw new ArithmeticException("LAPACK dsyev failed to converge (info=" + info.val + ")");
    }
    double[] vectors = new double[n * n];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        vectors[i * n + j] = work[j * n + i];
      }
    }
    return new SymmetricEigen(values, vectors, n);
  }

  public double minValue() {
    return values[0];
  }

  public double maxValue() {
    return values[dim - 1];
  }

  /**
   * The tolerance below which an eigenvalue counts as zero: dim · 1e-12 · the largest |λ|. It
   * absorbs the rounding of a matrix that is singular by construction (e.g. v·vᵀ) without hiding a
   * genuinely small but well-determined eigenvalue.
   */
  public double zeroTolerance() {
    double scale = Math.max(Math.abs(values[0]), Math.abs(values[dim - 1]));
    return dim * 1e-12 * scale;
  }

  /** Number of eigenvalues above {@link #zeroTolerance()}. */
  public int rank() {
    return rank(zeroTolerance());
  }

  /** Number of eigenvalues above {@code tol}. */
  public int rank(double tol) {
    int rank = 0;
    for (double v : values) {
      if (v > tol) {
        rank++;
      }
    }
    return rank;
  }

  /** Row-major n×m matrix whose m orthonormal columns span the eigenvalues at or below tolerance. */
  public double[] nullSpaceBasis() {
    return nullSpaceBasis(zeroTolerance());
  }

  /** Row-major n×m orthonormal basis of the eigenvectors whose eigenvalues are at most {@code tol}. */
  public double[] nullSpaceBasis(double tol) {
    int nullity = dim - rank(tol);
    double[] basis = new double[dim * nullity];
    for (int i = 0; i < dim; i++) {
      System.arraycopy(vectors, i * dim, basis, i * nullity, nullity);
    }
    return basis;
  }

  /** V·diag(max(λ, 0))·Vᵀ, row-major: the nearest PSD matrix in Frobenius norm. */
  public double[] clampedToPsd() {
    double[] out = new double[dim * dim];
    for (int k = 0; k < dim; k++) {
      double v = Math.max(values[k], 0);
      if (v == 0) {
        continue;
      }
      for (int i = 0; i < dim; i++) {
        double vik = vectors[i * dim + k] * v;
        for (int j = 0; j < dim; j++) {
          out[i * dim + j] += vik * vectors[j * dim + k];
        }
      }
    }
    return out;
  }
}
