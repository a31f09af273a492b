package org.poevi.targets;

import java.util.Arrays;
import org.poevi.InvalidInputException;
import org.poevi.math.Cholesky;

/**
 * Argument checks shared by the synthetic targets. Every message is one line that starts with the
 * parameter's name, which is also its configuration key, so {@link Targets} only has to prefix
 * {@code target.}.
 */
public final class Checks {
  /** Largest dimension a synthetic target accepts (the same limit as {@code model.json}). */
  public static final int MAX_DIMENSION = 10_000;
  /** Asymmetry up to this multiple of max |S_ij| is rounding; such a matrix is symmetrised. */
  private static final double SYMMETRY_TOLERANCE = 1e-10;

  private Checks() {}

  static int dimension(int dim, int min) {
    if (dim < min || dim > MAX_DIMENSION) {
      throw new InvalidInputException("dimension must be between " + min + " and "
          + MAX_DIMENSION + ", got " + dim);
    }
    return dim;
  }

  public static double finite(double v, String name) {
    if (!Double.isFinite(v)) {
      throw new InvalidInputException(name + " must be finite, got " + v);
    }
    return v;
  }

  public static double positive(double v, String name) {
    finite(v, name);
    if (!(v > 0)) {
      throw new InvalidInputException(name + " must be > 0, got " + v);
    }
    return v;
  }

  /**
   * Validates a D×D matrix given as rows (finite, symmetric up to rounding, positive definite) and
   * returns the packed lower Cholesky factor of its symmetrised copy.
   */
  static double[] choleskyOf(double[][] rows, int dim, String name) {
    if (rows == null || rows.length != dim) {
      throw new InvalidInputException(name + " must have " + dim + " rows, got "
          + (rows == null ? 0 : rows.length));
    }
    double maxAbs = 0;
    for (int i = 0; i < dim; i++) {
      if (rows[i] == null || rows[i].length != dim) {
        throw new InvalidInputException(name + "[" + i + "] must have " + dim + " entries, got "
            + (rows[i] == null ? 0 : rows[i].length));
      }
      for (int j = 0; j < dim; j++) {
        finite(rows[i][j], name + "[" + i + "][" + j + "]");
        maxAbs = Math.max(maxAbs, Math.abs(rows[i][j]));
      }
    }
    double[] packed = new double[Cholesky.packedSize(dim)];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j <= i; j++) {
        double a = rows[i][j];
        double b = rows[j][i];
        if (Math.abs(a - b) > SYMMETRY_TOLERANCE * maxAbs) {
          throw new InvalidInputException(name + "[" + i + "][" + j + "] = " + a + " differs from "
              + name + "[" + j + "][" + i + "] = " + b + ": " + name + " must be symmetric");
        }
        packed[Cholesky.packedIndex(i, j)] = 0.5 * (a + b);
      }
    }
    if (!Cholesky.factor(packed, 0, dim)) {
      throw new InvalidInputException(name + " must be positive definite");
    }
    return packed;
  }

  /** The dense row-major inverse of A = L Lᵀ from its packed factor, by 2D triangular solves. */
  static double[] inverseFromCholesky(double[] factor, int dim) {
    double[] inverse = new double[dim * dim];
    double[] e = new double[dim];
    for (int j = 0; j < dim; j++) {
      Arrays.fill(e, 0);
      e[j] = 1;
      Cholesky.solveLower(factor, 0, dim, e, 0);
      Cholesky.solveLowerTransposed(factor, 0, dim, e, 0);
      for (int i = 0; i < dim; i++) {
        inverse[i * dim + j] = e[i];
      }
    }
    // Symmetrise: the two triangles come from different solves and differ in the last bits.
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < i; j++) {
        double avg = 0.5 * (inverse[i * dim + j] + inverse[j * dim + i]);
        inverse[i * dim + j] = avg;
        inverse[j * dim + i] = avg;
      }
    }
    return inverse;
  }

  /** log cosh(a) without overflow: |a| + log1p(e^(−2|a|)) − log 2. */
  static double logCosh(double a) {
    double x = Math.abs(a);
    return x + Math.log1p(Math.exp(-2 * x)) - LOG_2;
  }

  static final double LOG_2 = Math.log(2);
  static final double LOG_2PI = Math.log(2 * Math.PI);
}
