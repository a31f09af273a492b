package org.poevi.targets.glm;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The Hessian of a generalised linear model's likelihood Σ_i w_i·ℓ(y_i, η_i), η = X z + o, at n
 * points in one pass over the rows: Σ_i w_i·ℓ''(η_i)·x_i x_iᵀ = Xᵀ diag(w ⊙ ℓ''(η)) X, the
 * "XᵀWX" of Newton's method and IRLS. Per chunk of rows and point: η (a dgemv), the scaled rows
 * c_i·x_i, and one dgemm Xᵀ·(c ⊙ X): 2·rows·D² flops per point, against 4·rows·D per gradient
 * (the 2D differenced gradients a Hessian would otherwise take cost 8·rows·D² and 2D
 * elementwise terms per row).
 *
 * <p>ℓ'' is −σ(η)(1 − σ(η)) (logistic), −e^η (Poisson) and −1 (linear at unit noise scale, the
 * same at every point: its caller asks at one point), computed with the IEEE operations of
 * {@link LogisticTerms#exp}, so the bits do not depend on the JIT. Each point's D×D sum is
 * written row-major at {@code out[b·D²]}.
 */
final class GlmHessian implements RowLikelihood {
  private static final long serialVersionUID = 1L;
  private final RegressionTarget.Family family;
  private final int dim;

  /** @param dim D, the columns of the design matrix */
  GlmHessian(RegressionTarget.Family family, int dim) {
    this.family = family;
    this.dim = dim;
  }

  @Override
  public int outputLength(int n, int pointDim) {
    return n * dim * dim;
  }

  private static final class Scratch implements Workspace {
    final double[] eta = new double[GlmLikelihood.CHUNK];
    final double[] scaled;

    Scratch(int dim) {
      scaled = new double[GlmLikelihood.CHUNK * dim];
    }
  }

  @Override
  public Workspace workspace() {
    return new Scratch(dim);
  }

  @Override
  public void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace) {
    if (block.columns() != dim) {
      throw new IllegalArgumentException("block of " + block.columns() + " columns for a"
          + " Hessian of dimension " + dim);
    }
    Scratch s = (Scratch) workspace;
    BLAS blas = BLAS.getInstance();
    int rows = block.rows();
    double[] x = block.x();
    for (int r0 = 0; r0 < rows; r0 += GlmLikelihood.CHUNK) {
      int m = Math.min(GlmLikelihood.CHUNK, rows - r0);
      for (int b = 0; b < n; b++) {
        if (family != RegressionTarget.Family.LINEAR) {
          blas.dgemv("N", m, dim, 1.0, x, r0, rows, points, b * dim, 1, 0.0, s.eta, 0, 1);
        }
        for (int i = 0; i < m; i++) {
          double c = curvature(s.eta[i] + (block.offset() == null ? 0 : block.offset()[r0 + i]));
          if (block.weight() != null) {
            c *= block.weight()[r0 + i];
          }
          for (int d = 0; d < dim; d++) {
            s.scaled[d * m + i] = c * x[d * rows + r0 + i];
          }
        }
        // out_b (D×D; symmetric, so row- and column-major agree) += X_chunkᵀ · (c ⊙ X_chunk).
        blas.dgemm("T", "N", dim, dim, m, 1.0, x, r0, rows, s.scaled, 0, m, 1.0, out,
            b * dim * dim, dim);
      }
    }
  }

  /** ℓ''(η) of this family (unweighted). */
  private double curvature(double eta) {
    return switch (family) {
      case LINEAR -> -1;
      case LOGISTIC -> {
        // σ(1 − σ) = e^{−|η|}/(1 + e^{−|η|})², symmetric in η.
        double a = LogisticTerms.exp(-Math.abs(eta));
        double w = 1 + a;
        yield -a / (w * w);
      }
      case POISSON -> -LogisticTerms.expAny(eta);
    };
  }
}
