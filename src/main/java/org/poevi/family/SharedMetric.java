package org.poevi.family;

import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;
import org.poevi.InvalidInputException;
import org.poevi.math.Cholesky;

/**
 * The metric M that structured experts share (issue #20): a symmetric positive definite D×D
 * matrix, typically the target's precision from the preliminary fit, with its Cholesky factor
 * M = L Lᵀ computed once.
 *
 * <p>A structured expert has Λ_k = c_k·M + U_k U_kᵀ ({@link Expert#structured}). In the whitened
 * coordinates x = Lᵀ z its matrix is c_k·I + V_k V_kᵀ with V_k = L⁻¹ U_k, so everything the family
 * computes for many experts costs one triangular product with L per point plus O(D·(1 + r_k)) per
 * expert, instead of a dense D×D matrix per expert.
 *
 * <p>Immutable; arrays are copied in and never handed out. Experts of one family that share a
 * metric must share the same instance (the sampler tests identity, not equality).
 */
public final class SharedMetric implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private static final double SYMMETRY_TOLERANCE = 1e-10;

  final int dim;
  /** Row-major D×D, exactly symmetric. */
  final double[] matrix;
  /** Column-major D×D lower Cholesky factor L (upper triangle zero), for BLAS. */
  final double[] factor;
  /** log|M|. */
  final double logDeterminant;

  private SharedMetric(int dim, double[] matrix, double[] factor, double logDeterminant) {
    this.dim = dim;
    this.matrix = matrix;
    this.factor = factor;
    this.logDeterminant = logDeterminant;
  }

  /**
   * From a dense row-major D×D matrix.
   *
   * @throws InvalidInputException naming the entry that is not finite or not symmetric, or when M
   *     is not positive definite
   */
  public static SharedMetric of(double[] matrix, int dim) {
    if (dim < 1 || matrix.length != dim * dim) {
      throw new InvalidInputException("metric must have " + dim + "x" + dim + " = " + dim * dim
          + " entries, got " + matrix.length);
    }
    double maxAbs = 0;
    for (int i = 0; i < matrix.length; i++) {
      if (!Double.isFinite(matrix[i])) {
        throw new InvalidInputException("metric[" + i / dim + "][" + i % dim
            + "] must be finite, got " + matrix[i]);
      }
      maxAbs = Math.max(maxAbs, Math.abs(matrix[i]));
    }
    double[] sym = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        double a = matrix[i * dim + j];
        double b = matrix[j * dim + i];
        if (Math.abs(a - b) > SYMMETRY_TOLERANCE * maxAbs) {
          throw new InvalidInputException("metric[" + i + "][" + j + "] = " + a + " differs from"
              + " metric[" + j + "][" + i + "] = " + b + ": the metric must be symmetric");
        }
        sym[i * dim + j] = i == j ? a : 0.5 * (a + b);
      }
    }
    // Row-major symmetric = column-major symmetric: dpotrf's lower factor in column-major.
    double[] l = sym.clone();
    intW info = new intW(0);
    LAPACK.getInstance().dpotrf("L", dim, l, dim, info);
    if (info.val != 0) {
      throw new InvalidInputException("the metric is not positive definite (Cholesky failed at"
          + " column " + info.val + ")");
    }
    double logDet = 0;
    for (int j = 0; j < dim; j++) {
      for (int i = 0; i < j; i++) {
        l[j * dim + i] = 0;
      }
      logDet += 2 * Math.log(l[j * dim + j]);
    }
    if (!Double.isFinite(logDet)) {
      throw new InvalidInputException("the metric's log-determinant is not finite (" + logDet
          + ")");
    }
    return new SharedMetric(dim, sym, l, logDet);
  }

  public int dim() {
    return dim;
  }

  /** M as a dense row-major array (a copy). */
  public double[] matrix() {
    return matrix.clone();
  }

  /** log|M|. */
  public double logDeterminant() {
    return logDeterminant;
  }

  /** An upper bound on the largest eigenvalue of M: its largest absolute row sum (Gershgorin). */
  double maxEigenvalueBound() {
    double max = 0;
    for (int i = 0; i < dim; i++) {
      double s = 0;
      for (int j = 0; j < dim; j++) {
        s += Math.abs(matrix[i * dim + j]);
      }
      max = Math.max(max, s);
    }
    return max;
  }

  /**
   * log|c·M + U Uᵀ| = log|M| + (D − r) log c + log|c·I_r + VᵀV| with V = L⁻¹U (U D×r
   * column-major); NaN when the r×r matrix does not factor.
   */
  double logDeterminantOf(double scale, double[] lowRank, int r) {
    double[] v = lowRank.clone();
    for (int j = 0; j < r; j++) {
      solveLower(v, j * dim);
    }
    double[] small = new double[r * r];
    for (int a = 0; a < r; a++) {
      for (int b = 0; b <= a; b++) {
        double t = 0;
        for (int i = 0; i < dim; i++) {
          t += v[a * dim + i] * v[b * dim + i];
        }
        small[a * r + b] = t + (a == b ? scale : 0);
        small[b * r + a] = small[a * r + b];
      }
    }
    double[] packed = Cholesky.pack(small, r);
    double smallLogDet = r == 0 ? 0 : Cholesky.factor(packed, 0, r)
        ? Cholesky.logDeterminant(packed, 0, r) : Double.NaN;
    return logDeterminant + (dim - r) * Math.log(scale) + smallLogDet;
  }

  /** out = (c·M + U Uᵀ) v, U D×r column-major. */
  void applyStructured(double scale, double[] lowRank, int r, double[] v, int vOff, double[] out,
      int outOff) {
    multiply(v, vOff, out, outOff);
    for (int i = 0; i < dim; i++) {
      out[outOff + i] *= scale;
    }
    for (int j = 0; j < r; j++) {
      double t = 0;
      for (int i = 0; i < dim; i++) {
        t += lowRank[j * dim + i] * v[vOff + i];
      }
      for (int i = 0; i < dim; i++) {
        out[outOff + i] += t * lowRank[j * dim + i];
      }
    }
  }

  /** out = M v. */
  void multiply(double[] v, int vOff, double[] out, int outOff) {
    for (int i = 0; i < dim; i++) {
      double s = 0;
      int row = i * dim;
      for (int j = 0; j < dim; j++) {
        s += matrix[row + j] * v[vOff + j];
      }
      out[outOff + i] = s;
    }
  }

  /** v ← L v (a whitened direction's image under the metric's factor: U = L V). */
  public void factorTimes(double[] v) {
    for (int i = dim - 1; i >= 0; i--) {
      double s = 0;
      for (int j = 0; j <= i; j++) {
        s += factor[j * dim + i] * v[j];
      }
      v[i] = s;
    }
  }

  /** v ← L⁻¹ v (a vector of scores or curvatures, into the whitened frame). */
  public void factorSolve(double[] v) {
    solveLower(v, 0);
  }

  /** v ← L⁻ᵀ v (a whitened displacement back to z's units). */
  public void factorTransposeSolve(double[] v) {
    solveLowerTransposed(v, 0);
  }

  /** v ← Lᵀ v (x = Lᵀ z, the whitened coordinates). */
  void whiten(double[] v, int off) {
    for (int i = 0; i < dim; i++) {
      double s = 0;
      int col = i * dim;
      for (int j = i; j < dim; j++) {
        s += factor[col + j] * v[off + j];
      }
      v[off + i] = s;
    }
  }

  /** v ← L⁻¹ v. */
  void solveLower(double[] v, int off) {
    for (int i = 0; i < dim; i++) {
      double s = v[off + i];
      for (int j = 0; j < i; j++) {
        s -= factor[j * dim + i] * v[off + j];
      }
      v[off + i] = s / factor[i * dim + i];
    }
  }

  /** v ← L⁻ᵀ v (z = L⁻ᵀ x). */
  void solveLowerTransposed(double[] v, int off) {
    for (int i = dim - 1; i >= 0; i--) {
      double s = v[off + i];
      int col = i * dim;
      for (int j = i + 1; j < dim; j++) {
        s -= factor[col + j] * v[off + j];
      }
      v[off + i] = s / factor[col + i];
    }
  }
}
