package org.poevi.target;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The Bernoulli–logit likelihood Σ_i [y_i η_i − log(1 + e^{η_i})] with η = X z, for a batch of
 * points z_1..z_n at once. Over chunks of {@value #CHUNK} rows and tiles of {@value #TILE} points:
 * η = X_chunk · Z_tileᵀ (one dgemm), the elementwise terms and residuals r = y − σ(η)
 * ({@link LogisticTerms}), and the gradient Xᵀ r (a second dgemm, added into the output): 4·rows·D·n
 * flops in dgemm, and rows·n exponentials and logarithms.
 */
public final class LogisticLikelihood implements RowLikelihood {
  private static final long serialVersionUID = 1L;
  static final int CHUNK = 512;
  static final int TILE = 512;

  private final int dim;
  private transient LogisticTerms terms;

  /** @param dim D, the columns of the design matrix */
  public LogisticLikelihood(int dim) {
    this.dim = dim;
  }

  private static final class Scratch implements Workspace {
    final double[] eta = new double[CHUNK * TILE];
    final double[] residual = new double[CHUNK * TILE];
    final double[] partial = new double[8];
  }

  @Override
  public Workspace workspace() {
    return new Scratch();
  }

  @Override
  public void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace) {
    if (block.columns() != dim) {
      throw new IllegalArgumentException("block of " + block.columns() + " columns for a"
          + " likelihood of dimension " + dim);
    }
    LogisticTerms t = terms;
    if (t == null) {
      t = LogisticTerms.best();
      terms = t;
    }
    Scratch s = (Scratch) workspace;
    BLAS blas = BLAS.getInstance();
    int rows = block.rows();
    double[] x = block.x();
    double[] y = block.y();
    for (int p0 = 0; p0 < n; p0 += TILE) {
      int tile = Math.min(TILE, n - p0);
      for (int r0 = 0; r0 < rows; r0 += CHUNK) {
        int m = Math.min(CHUNK, rows - r0);
        // eta (m×tile, column-major) = X[r0:r0+m, :] · Z_tileᵀ; Z row-major n×D is Zᵀ column-major.
        blas.dgemm("N", "N", m, tile, dim, 1.0, x, r0, rows, points, p0 * dim, dim, 0.0, s.eta,
            0, m);
        for (int b = 0; b < tile; b++) {
          out[p0 + b] += t.apply(s.eta, b * m, m, y, r0, s.residual, s.partial);
        }
        // gradient (D×tile, column-major = tile×D row-major) += X[r0:r0+m, :]ᵀ · residual.
        blas.dgemm("T", "N", dim, tile, m, 1.0, x, r0, rows, s.residual, 0, m, 1.0, out,
            n + p0 * dim, dim);
      }
    }
  }

  /** The same sums one row and one point at a time, for tests of the blocked kernel. */
  static void addByRows(RowBlock block, double[] points, int n, double[] out) {
    int dim = block.columns();
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < block.rows(); i++) {
        double eta = 0;
        for (int d = 0; d < dim; d++) {
          eta += block.x()[i + d * block.rows()] * points[b * dim + d];
        }
        double yi = block.y()[i];
        out[b] += yi * eta - (Math.max(eta, 0) + Math.log1p(Math.exp(-Math.abs(eta))));
        double r = yi - 1 / (1 + Math.exp(-eta));
        for (int d = 0; d < dim; d++) {
          out[n + b * dim + d] += r * block.x()[i + d * block.rows()];
        }
      }
    }
  }
}
