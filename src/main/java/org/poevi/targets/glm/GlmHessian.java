package org.poevi.targets.glm;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The Hessian of a generalised linear model's likelihood Σ_i w_i·ℓ(y_i, η_i), η = X z + o, at n
 * points in one pass over the rows: Σ_i w_i·ℓ''(η_i)·x_i x_iᵀ = Xᵀ diag(w ⊙ ℓ''(η)) X, the
 * "XᵀWX" of Newton's method and IRLS. Per chunk of rows: η for a tile of points (one dgemm, as
 * {@link GlmLikelihood}), then per point the rows scaled by √(−ℓ''(η_i)·w_i) and one dsyrk:
 * rows·D² flops per point, against 4·rows·D per gradient (the 2D differenced gradients a Hessian
 * would otherwise take cost 8·rows·D² and 2D elementwise terms per row).
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
    final double[] eta = new double[GlmLikelihood.CHUNK * GlmLikelihood.TILE];
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
    double[] weight = block.weight();
    double[] offset = block.offset();
    boolean linear = family == RegressionTarget.Family.LINEAR;
    for (int p0 = 0; p0 < n; p0 += GlmLikelihood.TILE) {
      int tile = Math.min(GlmLikelihood.TILE, n - p0);
      for (int r0 = 0; r0 < rows; r0 += GlmLikelihood.CHUNK) {
        int m = Math.min(GlmLikelihood.CHUNK, rows - r0);
        if (!linear) {
          // η (m×tile, column-major) = X[r0:r0+m, :] · Z_tileᵀ, as the likelihood computes it.
          blas.dgemm("N", "N", m, tile, dim, 1.0, x, r0, rows, points, p0 * dim, dim, 0.0,
              s.eta, 0, m);
        }
        for (int b = 0; b < tile; b++) {
          // ℓ'' ≤ 0 for every family: Σ c_i x_i x_iᵀ = −YᵀY with y_i = √(−c_i)·x_i.
          for (int i = 0; i < m; i++) {
            double eta = linear ? 0 : s.eta[b * m + i] + (offset == null ? 0 : offset[r0 + i]);
            double c = -curvature(eta) * (weight == null ? 1 : weight[r0 + i]);
            double root = Math.sqrt(c);
            for (int d = 0; d < dim; d++) {
              s.scaled[d * m + i] = root * x[d * rows + r0 + i];
            }
          }
          // The upper triangle of out_b (column-major D×D) −= YᵀY: half a dgemm's flops.
          blas.dsyrk("U", "T", dim, m, -1.0, s.scaled, 0, m, 1.0, out, (p0 + b) * dim * dim,
              dim);
        }
      }
    }
    // The lower triangle from the upper (out_b is symmetric; row- and column-major agree).
    for (int b = 0; b < n; b++) {
      int off = b * dim * dim;
      for (int j = 0; j < dim; j++) {
        for (int i = 0; i < j; i++) {
          out[off + j + i * dim] = out[off + i + j * dim];
        }
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
