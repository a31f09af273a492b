package org.poevi.family;

import dev.ludovic.netlib.blas.BLAS;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * z = A·z̃ + b for n points, n×D row-major, into a new array: one {@code dtrmm} (the rows of the
   * points are the columns of a column-major D×n matrix, and the row-major A read column-major is
   * Aᵀ).
   */
  public double[] apply(double[] points, int n) {
    int dim = dim();
    double[] out = java.util.Arrays.copyOf(points, n * dim);
    if (n > 0) {
      BLAS.getInstance().dtrmm("L", "L", "T", "N", dim, n, 1.0, a, 0, dim, out, 0, dim);
    }
    for (int p = 0; p < n; p++) {
      for (int i = 0; i < dim; i++) {
        out[p * dim + i] += b[i];
      }
    }
    return out;
  }

  /**
   * z̃ = A⁻¹(z − b) for n points, n×D row-major, into a new array: one triangular solve (the
   * inverse of {@link #apply}).
   */
  public double[] pullIn(double[] points, int n) {
    int dim = dim();
    double[] out = java.util.Arrays.copyOf(points, n * dim);
    for (int p = 0; p < n; p++) {
      for (int i = 0; i < dim; i++) {
        out[p * dim + i] -= b[i];
      }
    }
    if (n > 0) {
      BLAS.getInstance().dtrsm("L", "L", "T", "N", dim, n, 1.0, a, 0, dim, out, 0, dim);
    }
    return out;
  }

  /** ∇_z = A⁻ᵀ·∇_z̃ for n gradients, n×D row-major, in place (the inverse of {@link #pullBack}). */
  public void pushForward(double[] gradients, int n) {
    int dim = dim();
    if (n > 0) {
      BLAS.getInstance().dtrsm("L", "L", "N", "N", dim, n, 1.0, a, 0, dim, gradients, 0, dim);
    }
  }

  /**
   * This map followed by {@code outer}: z = A_o(A z̃ + b) + b_o, so A_o·A (upper triangular) and
   * A_o·b + b_o.
   */
  public AffineMap then(AffineMap outer) {
    int dim = dim();
    double[] product = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = i; j < dim; j++) {
        double s = 0;
        for (int k = i; k <= j; k++) {
          s += outer.a[i * dim + k] * a[k * dim + j];
        }
        product[i * dim + j] = s;
      }
    }
    return new AffineMap(product, outer.apply(b, 1));
  }

  /** Draws of a density in z̃ as draws of its image in z: the points mapped, log C shifted. */
  public SampleResult map(SampleResult d) {
    return new SampleResult(apply(d.draws(), d.numDraws()), d.dim(), d.numDraws(), d.mode(),
        d.proposals(), d.acceptanceRate(), d.ess(), map(d.normalizer()), d.degenerateDraws(),
        d.proposal(), d.warnings());
  }

  /** A normaliser check of a density in z̃ as one of its image in z. */
  public NormalizerValidation map(NormalizerValidation n) {
    return new NormalizerValidation(map(n.dirichlet()), map(n.zSpace()), n.agree(), n.chosen(),
        n.warnings(), n.massMissed() ? apply(n.massPoints(), n.massPoints().length / dim())
        : null);
  }

  /** ∇_z̃ = Aᵀ·∇_z for n gradients, n×D row-major, in place: one {@code dtrmm}. */
  public void pullBack(double[] gradients, int n) {
    int dim = dim();
    if (n > 0) {
      BLAS.getInstance().dtrmm("L", "L", "N", "N", dim, n, 1.0, a, 0, dim, gradients, 0, dim);
    }
  }

  /**
   * ∇²_z̃ = Aᵀ·∇²_z·A for n Hessians, each row-major D×D, in place: two {@code dtrmm}s each (a
   * symmetric matrix reads the same in either order), symmetrised against rounding.
   */
  public void pullBackHessians(double[] hessians, int n) {
    int dim = dim();
    BLAS blas = BLAS.getInstance();
    for (int p = 0; p < n; p++) {
      int off = p * dim * dim;
      blas.dtrmm("R", "L", "T", "N", dim, dim, 1.0, a, 0, dim, hessians, off, dim);
      blas.dtrmm("L", "L", "N", "N", dim, dim, 1.0, a, 0, dim, hessians, off, dim);
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < i; j++) {
          double v = 0.5 * (hessians[off + i * dim + j] + hessians[off + j * dim + i]);
          hessians[off + i * dim + j] = v;
          hessians[off + j * dim + i] = v;
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

  /**
   * The product of experts in z from the one in z̃ (α unchanged). A structured expert stays
   * structured: c·M̃ + Ũ Ũᵀ becomes c·M + U Uᵀ with M = A⁻ᵀ M̃ A⁻¹, mapped once per shared metric,
   * and U = A⁻ᵀ Ũ, so no D×D matrix per expert is formed.
   */
  public ProductOfExperts map(ProductOfExperts fitted) {
    int dim = dim();
    List<Expert> experts = new ArrayList<>();
    Map<SharedMetric, SharedMetric> metrics = new IdentityHashMap<>();
    for (Expert e : fitted.experts()) {
      double[] location = apply(e.location(), 1);
      if (e.isStructured()) {
        SharedMetric metric = metrics.computeIfAbsent(e.metric(),
            m -> SharedMetric.of(inverseCongruence(m.matrix()), dim));
        double[] u = e.lowRank();
        int r = u.length / dim;
        if (r > 0) {
          BLAS.getInstance().dtrsm("L", "L", "N", "N", dim, r, 1.0, a, 0, dim, u, 0, dim);
        }
        experts.add(Expert.structured(location, metric, e.metricScale(), u));
      } else {
        experts.add(Expert.of(location, inverseCongruence(e.lambda())));
      }
    }
    return ProductOfExperts.of(experts, fitted.alpha());
  }

  /** The Gaussian in z from the one in z̃, named {@code parameters}. */
  public GaussianModel map(GaussianModel fitted, List<String> parameters) {
    int dim = dim();
    // S = A S̃ Aᵀ: the row-major A read column-major is Aᵀ.
    double[] s = fitted.covariance();
    BLAS blas = BLAS.getInstance();
    blas.dtrmm("L", "L", "T", "N", dim, dim, 1.0, a, 0, dim, s, 0, dim);
    blas.dtrmm("R", "L", "N", "N", dim, dim, 1.0, a, 0, dim, s, 0, dim);
    return new GaussianModel(parameters, apply(fitted.mean(), 1), symmetric(s, dim));
  }

  /** A log-normaliser estimate of a density in z̃ as one in z: shifted by log|det A|. */
  public LogMeanEstimate map(LogMeanEstimate e) {
    return new LogMeanEstimate(e.estimate() + logAbsDet(), e.standardError(), e.draws(),
        e.khat(), e.ess());
  }

  /** A⁻ᵀ S A⁻¹ for a symmetric row-major S (overwritten), symmetrised against rounding. */
  private double[] inverseCongruence(double[] s) {
    int dim = dim();
    BLAS blas = BLAS.getInstance();
    blas.dtrsm("L", "L", "N", "N", dim, dim, 1.0, a, 0, dim, s, 0, dim);
    blas.dtrsm("R", "L", "T", "N", dim, dim, 1.0, a, 0, dim, s, 0, dim);
    return symmetric(s, dim);
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
