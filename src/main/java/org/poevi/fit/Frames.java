package org.poevi.fit;

import java.util.ArrayList;
import java.util.List;
import org.poevi.family.AffineMap;
import org.poevi.math.Cholesky;

/**
 * The coordinates a product-of-experts fit runs in ({@code init.frame}). After the mode search
 * on the target as given, the fit may run on the target in coordinates z̃ where the Laplace
 * approximation N(m, Σ) at the best mode is N(0, I): z = A·z̃ + m with Σ = A·Aᵀ, A upper
 * triangular. Its product of t's (and its draws, log q and normaliser) is carried back to z
 * exactly ({@link AffineMap}). How the user centred, scaled or correlated the parameters then
 * changes the fitted problem only by a rotation of the frame: an uncentred regression's
 * intercept–slope ridge (condition 10¹¹) is a round cloud in z̃.
 *
 * <p>The pool's widths and the mode search assume coordinates of roughly unit scale, and on
 * targets already near N(0, I) the frame makes the fit somewhat worse (a Gaussian mixture's KL,
 * whitened by one of its modes), so {@link Choice#AUTO} takes it only where the Laplace
 * approximation's correlation matrix has a condition number over {@value #AUTO_CONDITION}:
 * strong correlations, where the fit in the given coordinates fails (docs/benchmarks.md).
 */
public final class Frames {
  /** init.frame = auto frames the fit above this correlation-matrix condition number. */
  static final double AUTO_CONDITION = 100;

  private Frames() {}

  /** init.frame. */
  public enum Choice {
    AUTO, LAPLACE, NONE
  }

  /**
   * The map from the frame to the given coordinates for {@code choice} and the modes found, or
   * null to fit as given (always without a mode: an unbounded density).
   */
  static AffineMap choose(Choice choice, List<ModeFinder.Mode> modes, int dim) {
    if (choice == Choice.NONE || modes.isEmpty()) {
      return null;
    }
    ModeFinder.Mode best = modes.get(0);
    double[] covariance = laplaceCovariance(best.negativeHessian(), dim);
    if (choice == Choice.AUTO && correlationCondition(covariance, dim) <= AUTO_CONDITION) {
      return null;
    }
    try {
      return new AffineMap(upperFactor(covariance, dim), best.location());
    } catch (IllegalStateException | org.poevi.InvalidInputException e) {
      // A covariance that does not factor numerically (or a singular factor): fit as given.
      return null;
    }
  }

  /**
   * The Laplace covariance Σ = H⁻¹ of a mode's negative Hessian H, its eigenvalues floored at
   * 10⁻⁸ of the largest (the preliminary Gaussian's start, and the frame).
   */
  static double[] laplaceCovariance(double[] negativeHessian, int dim) {
    double[] range = Hessians.eigenRange(negativeHessian, dim);
    return Cholesky.inverse(Hessians.floored(negativeHessian, dim,
        Math.max(1e-8 * Math.abs(range[1]), 1e-12)), dim);
  }

  /** The condition number of Σ's correlation matrix. */
  static double correlationCondition(double[] sigma, int dim) {
    double[] correlation = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        correlation[i * dim + j] = sigma[i * dim + j]
            / Math.sqrt(sigma[i * dim + i] * sigma[j * dim + j]);
      }
    }
    double[] range = Hessians.eigenRange(correlation, dim);
    return range[0] > 0 ? range[1] / range[0] : Double.POSITIVE_INFINITY;
  }

  /** The modes in the frame's coordinates: z̃ = A⁻¹(z − m), −∇²_z̃ = Aᵀ(−∇²_z)A. */
  static List<ModeFinder.Mode> into(List<ModeFinder.Mode> modes, AffineMap map) {
    int dim = map.dim();
    double[] a = map.a();
    List<ModeFinder.Mode> out = new ArrayList<>(modes.size());
    for (ModeFinder.Mode m : modes) {
      double[] z = new double[dim];
      // Back substitution: A upper triangular.
      for (int i = dim - 1; i >= 0; i--) {
        double v = m.location()[i] - map.b()[i];
        for (int j = i + 1; j < dim; j++) {
          v -= a[i * dim + j] * z[j];
        }
        z[i] = v / a[i * dim + i];
      }
      double[] h = m.negativeHessian().clone();
      map.pullBackHessians(h, 1);
      out.add(new ModeFinder.Mode(z, m.logDensity(), h));
    }
    return out;
  }

  /**
   * U upper triangular with Σ = U·Uᵀ (row-major D×D): the Cholesky factor of Σ with its rows
   * and columns in reverse order, reversed back. Σ is symmetric positive definite here (the
   * inverse of a floored Hessian).
   */
  static double[] upperFactor(double[] sigma, int dim) {
    double[] reversed = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        reversed[i * dim + j] = sigma[(dim - 1 - i) * dim + (dim - 1 - j)];
      }
    }
    double[] packed = Cholesky.pack(reversed, dim);
    if (!Cholesky.factor(packed, 0, dim)) {
      throw new IllegalStateException("the Laplace covariance is not positive definite");
    }
    double[] upper = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j <= i; j++) {
        // L[i][j] (packed lower, row i) is U[D−1−i][D−1−j].
        upper[(dim - 1 - i) * dim + (dim - 1 - j)] = packed[i * (i + 1) / 2 + j];
      }
    }
    return upper;
  }
}
