package org.poevi.family;

import java.util.ArrayList;
import java.util.List;
import org.poevi.InvalidInputException;
import org.poevi.math.LogMeanEstimate;

/**
 * An invertible affine map z = A·z̃ + b of R^D with A upper triangular (row-major D×D), as a
 * regression's standardisation is: the fit runs in z̃ (centred and scaled predictors) and its
 * results are carried to z exactly, because both families are closed under affine maps:
 *
 * <pre>
 *   product of t's:  μ_k = A·μ̃_k + b,   Λ_k = A⁻ᵀ·Λ̃_k·A⁻¹,   α unchanged,   log C = log C̃ + log|det A|
 *   Gaussian:        m = A·m̃ + b,       S = A·S̃·Aᵀ
 * </pre>
 *
 * and a density in z̃ is q(z) = q̃(A⁻¹(z − b)) / |det A|. log|det A| = Σ log|A_ii|.
 *
 * @param a A, row-major D×D, upper triangular with a non-zero diagonal
 * @param b b, length D
 */
public record AffineMap(double[] a, double[] b) implements java.io.Serializable {
  public AffineMap {
    int dim = b.length;
    if (a.length != dim * dim) {
      throw new IllegalArgumentException("A must be " + dim + "x" + dim);
    }
    for (int i = 0; i < dim; i++) {
      if (!(Math.abs(a[i * dim + i]) > 0) || !Double.isFinite(a[i * dim + i])) {
        throw new InvalidInputException("the affine map is not invertible: A[" + i + "][" + i
            + "] = " + a[i * dim + i]);
      }
      for (int j = 0; j < i; j++) {
        if (a[i * dim + j] != 0) {
          throw new IllegalArgumentException("A must be upper triangular");
        }
      }
    }
    a = a.clone();
    b = b.clone();
  }

  public int dim() {
    return b.length;
  }

  /** z = A·z̃ + b for n points, n×D row-major, into a new array. */
  public double[] apply(double[] points, int n) {
    int dim = dim();
    double[] out = new double[n * dim];
    for (int p = 0; p < n; p++) {
      for (int i = 0; i < dim; i++) {
        double v = b[i];
        for (int j = i; j < dim; j++) {
          v += a[i * dim + j] * points[p * dim + j];
        }
        out[p * dim + i] = v;
      }
    }
    return out;
  }

  /** ∇_z̃ = Aᵀ·∇_z for n gradients, n×D row-major, in place. */
  public void pullBack(double[] gradients, int n) {
    int dim = dim();
    double[] g = new double[dim];
    for (int p = 0; p < n; p++) {
      System.arraycopy(gradients, p * dim, g, 0, dim);
      for (int j = 0; j < dim; j++) {
        double v = 0;
        for (int i = 0; i <= j; i++) {
          v += a[i * dim + j] * g[i];
        }
        gradients[p * dim + j] = v;
      }
    }
  }

  /** ∇²_z̃ = Aᵀ·∇²_z·A for n Hessians, each row-major D×D, in place. */
  public void pullBackHessians(double[] hessians, int n) {
    int dim = dim();
    double[] ha = new double[dim * dim];
    for (int p = 0; p < n; p++) {
      int off = p * dim * dim;
      // H·A (A upper triangular: column j of A is zero below row j).
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          double v = 0;
          for (int k = 0; k <= j; k++) {
            v += hessians[off + i * dim + k] * a[k * dim + j];
          }
          ha[i * dim + j] = v;
        }
      }
      // Aᵀ·(H·A).
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          double v = 0;
          for (int k = 0; k <= i; k++) {
            v += a[k * dim + i] * ha[k * dim + j];
          }
          hessians[off + i * dim + j] = v;
        }
      }
    }
  }

  /** log|det A|. */
  public double logAbsDet() {
    double sum = 0;
    for (int i = 0; i < dim(); i++) {
      sum += Math.log(Math.abs(a[i * dim() + i]));
    }
    return sum;
  }

  /** A⁻¹ (upper triangular), row-major, by back substitution on the columns of I. */
  double[] inverse() {
    int dim = dim();
    double[] inv = new double[dim * dim];
    for (int c = 0; c < dim; c++) {
      for (int i = dim - 1; i >= 0; i--) {
        double v = i == c ? 1 : 0;
        for (int j = i + 1; j < dim; j++) {
          v -= a[i * dim + j] * inv[j * dim + c];
        }
        inv[i * dim + c] = v / a[i * dim + i];
      }
    }
    return inv;
  }

  /** The product of experts in z from the one in z̃ (α unchanged). */
  public ProductOfExperts map(ProductOfExperts fitted) {
    int dim = dim();
    double[] inv = inverse();
    List<Expert> experts = new ArrayList<>();
    for (Expert e : fitted.experts()) {
      double[] location = apply(e.location(), 1);
      // Λ = A⁻ᵀ Λ̃ A⁻¹, symmetrised against rounding.
      double[] lambda = symmetric(congruence(e.lambda(), inv, dim), dim);
      experts.add(Expert.of(location, lambda));
    }
    return ProductOfExperts.of(experts, fitted.alpha());
  }

  /** The Gaussian in z from the one in z̃, named {@code parameters}. */
  public GaussianModel map(GaussianModel fitted, List<String> parameters) {
    int dim = dim();
    double[] at = transpose(a, dim);
    // S = A S̃ Aᵀ = (Aᵀ)ᵀ S̃ (Aᵀ).
    double[] covariance = symmetric(congruence(fitted.covariance(), at, dim), dim);
    return new GaussianModel(parameters, apply(fitted.mean(), 1), covariance);
  }

  /** A log-normaliser estimate of a density in z̃ as one in z: shifted by log|det A|. */
  public LogMeanEstimate map(LogMeanEstimate e) {
    return new LogMeanEstimate(e.estimate() + logAbsDet(), e.standardError(), e.draws(),
        e.khat(), e.ess());
  }

  /** Mᵀ·S·M for row-major D×D matrices. */
  private static double[] congruence(double[] s, double[] m, int dim) {
    double[] sm = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int k = 0; k < dim; k++) {
        double sik = s[i * dim + k];
        for (int j = 0; j < dim; j++) {
          sm[i * dim + j] += sik * m[k * dim + j];
        }
      }
    }
    double[] out = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int k = 0; k < dim; k++) {
        double mki = m[k * dim + i];
        for (int j = 0; j < dim; j++) {
          out[i * dim + j] += mki * sm[k * dim + j];
        }
      }
    }
    return out;
  }

  private static double[] transpose(double[] m, int dim) {
    double[] out = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        out[j * dim + i] = m[i * dim + j];
      }
    }
    return out;
  }

  private static double[] symmetric(double[] m, int dim) {
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < i; j++) {
        double v = 0.5 * (m[i * dim + j] + m[j * dim + i]);
        m[i * dim + j] = v;
        m[j * dim + i] = v;
      }
    }
    return m;
  }
}
