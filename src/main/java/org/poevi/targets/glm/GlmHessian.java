package org.poevi.targets.glm;

import dev.ludovic.netlib.blas.BLAS;
import org.poevi.math.ExactSum;

/**
 * The Hessian of a generalised linear model's likelihood Σ_i w_i·ℓ(y_i, η_i), η = X z + o, at n
 * points in one pass over the rows: Σ_i w_i·ℓ''(η_i)·x_i x_iᵀ = Xᵀ diag(w ⊙ ℓ''(η)) X, the
 * "XᵀWX" of Newton's method and IRLS. Per chunk of rows: the rows' products x_ia·x_ib (a ≤ b,
 * D(D + 1)/2 of them, once for all points), η for a tile of points (one dgemm, as
 * {@link GlmLikelihood}), the weighted curvatures c_ib = w_i·ℓ''(η_ib), and one dgemm of the
 * products with the curvatures for every point of the tile: rows·D(D + 1) flops per point, in
 * one well-shaped product, against 4·rows·D per gradient (the 2D differenced gradients a Hessian
 * would otherwise take cost 8·rows·D² and 2D elementwise terms per row).
 *
 * <p>ℓ'' is −σ(η)(1 − σ(η)) (logistic), −e^η (Poisson) and −1 (linear at unit noise scale, the
 * same at every point: its caller asks at one point), computed with the IEEE operations of
 * {@link LogisticTerms#exp}, so the bits do not depend on the JIT. Each point's D×D sum is
 * written row-major at {@code out[b·D²]}.
 */
final class GlmHessian implements ExactKernel {
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

  /** D(D + 1)/2: the entries of a symmetric D×D matrix's upper triangle. */
  private int packed() {
    return dim * (dim + 1) / 2;
  }

  /**
   * Rows per chunk: {@link GlmLikelihood#CHUNK}, fewer when their products would exceed 2²⁰
   * numbers (8 MiB; D above about 60).
   */
  private int chunk() {
    return Math.max(1, Math.min(GlmLikelihood.CHUNK, (1 << 20) / packed()));
  }

  /** Whether {@link #addWide} sums the Hessians (see {@link #WIDE_CHUNK}). */
  private boolean wide() {
    return chunk() < WIDE_CHUNK;
  }

  private final class Scratch implements Workspace {
    final double[] eta = new double[GlmLikelihood.CHUNK * GlmLikelihood.TILE];
    final double[] curvature = new double[GlmLikelihood.CHUNK * GlmLikelihood.TILE];
    /** The rows' products x_ia·x_ib, a ≤ b: chunk × D(D + 1)/2, column-major (not wide). */
    final double[] products = wide() ? new double[0] : new double[chunk() * packed()];
    /** The points' packed sums: D(D + 1)/2 × points, column-major (not wide). */
    double[] sums = new double[0];
    /** Wide: a chunk of rows scaled by √(−w ℓ''), m×D column-major. */
    final double[] scaled = wide() ? new double[GlmLikelihood.CHUNK * dim] : new double[0];
    /** Wide: one point's Hessian, upper triangle, D×D column-major. */
    final double[] full = wide() ? new double[dim * dim] : new double[0];
  }

  @Override
  public Workspace workspace() {
    return new Scratch();
  }

  @Override
  public void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace) {
    if (block.columns() != dim) {
      throw new IllegalArgumentException("block of " + block.columns() + " columns for a"
          + " Hessian of dimension " + dim);
    }
    Scratch s = (Scratch) workspace;
    if (wide()) {
      addWide(block, points, n, out, s);
      return;
    }
    int packed = packed();
    if (s.sums.length < n * packed) {
      s.sums = new double[n * packed];
    }
    java.util.Arrays.fill(s.sums, 0, n * packed, 0);
    BLAS blas = BLAS.getInstance();
    int rows = block.rows();
    double[] x = block.x();
    double[] weight = block.weight();
    double[] offset = block.offset();
    boolean linear = family == RegressionTarget.Family.LINEAR;
    int chunk = chunk();
    for (int r0 = 0; r0 < rows; r0 += chunk) {
      int m = Math.min(chunk, rows - r0);
      int k = 0;
      for (int a = 0; a < dim; a++) {
        for (int b = a; b < dim; b++, k++) {
          for (int i = 0; i < m; i++) {
            s.products[k * m + i] = x[a * rows + r0 + i] * x[b * rows + r0 + i];
          }
        }
      }
      for (int p0 = 0; p0 < n; p0 += GlmLikelihood.TILE) {
        int tile = Math.min(GlmLikelihood.TILE, n - p0);
        if (!linear) {
          // η (m×tile, column-major) = X[r0:r0+m, :] · Z_tileᵀ, as the likelihood computes it.
          blas.dgemm("N", "N", m, tile, dim, 1.0, x, r0, rows, points, p0 * dim, dim, 0.0,
              s.eta, 0, m);
        }
        for (int b = 0; b < tile; b++) {
          for (int i = 0; i < m; i++) {
            double eta = linear ? 0 : s.eta[b * m + i] + (offset == null ? 0 : offset[r0 + i]);
            double c = curvature(eta);
            s.curvature[b * m + i] = weight == null ? c : c * weight[r0 + i];
          }
        }
        // sums (packed × tile) += productsᵀ · curvature: every point's Σ_i c_i·x_ia·x_ib at once.
        blas.dgemm("T", "N", packed, tile, m, 1.0, s.products, 0, m, s.curvature, 0, m, 1.0,
            s.sums, p0 * packed, packed);
      }
    }
    unpack(s.sums, n, out);
  }

  /** out[b·D²..] += point b's packed upper triangle of sums, as a full row-major D×D matrix. */
  private void unpack(double[] sums, int n, double[] out) {
    int packed = packed();
    for (int b = 0; b < n; b++) {
      int k = 0;
      for (int a = 0; a < dim; a++) {
        for (int c = a; c < dim; c++, k++) {
          double v = sums[b * packed + k];
          out[b * dim * dim + a * dim + c] += v;
          if (c != a) {
            out[b * dim * dim + c * dim + a] += v;
          }
        }
      }
    }
  }

  /**
   * Below this many rows per chunk (D above about 180) the products x_ia·x_ib cost more than
   * they save: each chunk's dgemm then streams all D(D + 1)/2 sums of every point through memory
   * for a handful of rows (at D = 1000, 2 rows per chunk: a logistic regression's Hessian on 10⁵
   * rows took about a minute). {@link #addWide} takes over.
   */
  static final int WIDE_CHUNK = 64;

  /**
   * The wide path: per point and chunk of rows, the rows scaled by √(−w_i·ℓ''(η_i)) (ℓ'' ≤ 0 in
   * every family, weights ≥ 0) and one dsyrk, rows·D² flops per point in BLAS-3.
   */
  private void addWide(RowBlock block, double[] points, int n, double[] out, Scratch s) {
    BLAS blas = BLAS.getInstance();
    int rows = block.rows();
    double[] x = block.x();
    double[] weight = block.weight();
    double[] offset = block.offset();
    boolean linear = family == RegressionTarget.Family.LINEAR;
    int chunk = GlmLikelihood.CHUNK;
    double[] scaled = s.scaled;
    double[] sum = s.full;
    for (int b = 0; b < n; b++) {
      java.util.Arrays.fill(sum, 0);
      for (int r0 = 0; r0 < rows; r0 += chunk) {
        int m = Math.min(chunk, rows - r0);
        if (!linear) {
          blas.dgemv("N", m, dim, 1.0, x, r0, rows, points, b * dim, 1, 0.0, s.eta, 0, 1);
        }
        for (int i = 0; i < m; i++) {
          double eta = linear ? 0 : s.eta[i] + (offset == null ? 0 : offset[r0 + i]);
          // A NaN η gives NaN, as on the other path: the caller sees a non-finite Hessian.
          s.curvature[i] = Math.sqrt(-curvature(eta) * (weight == null ? 1 : weight[r0 + i]));
        }
        for (int a = 0; a < dim; a++) {
          for (int i = 0; i < m; i++) {
            scaled[a * m + i] = s.curvature[i] * x[a * rows + r0 + i];
          }
        }
        // sum (upper triangle, column-major) −= Yᵀ Y, Y the m×D scaled rows.
        blas.dsyrk("U", "T", dim, m, -1.0, scaled, 0, m, 1.0, sum, 0, dim);
      }
      int off = b * dim * dim;
      for (int col = 0; col < dim; col++) {
        for (int row = 0; row <= col; row++) {
          double v = sum[col * dim + row];
          out[off + row * dim + col] += v;
          if (row != col) {
            out[off + col * dim + row] += v;
          }
        }
      }
    }
  }

  /**
   * The exact sums ({@link ExactRowData}): for each point and chunk of rows, η as
   * {@link GlmLikelihood#linearPredictors} computes it, c = ℓ''(η), and w_i·(c·(x_ia·x_ib))
   * taken exactly ({@link GlmLikelihood#weighted}) and added into both (a, b) and (b, a).
   */
  @Override
  public void addExact(RowBlock block, double[] points, int n, double[] out,
      Workspace workspace) {
    int rows = block.rows();
    double[] x = block.x();
    boolean linear = family == RegressionTarget.Family.LINEAR;
    int chunk = GlmLikelihood.CHUNK;
    double[] eta = new double[chunk];
    double[] terms = new double[2 * chunk];
    double[] mirror = new double[2 * chunk];
    int count;
    int chunks = ExactSum.CHUNKS;
    for (int b = 0; b < n; b++) {
      int off = b * dim * dim;
      for (int r0 = 0; r0 < rows; r0 += chunk) {
        int m = Math.min(chunk, rows - r0);
        if (linear) {
          java.util.Arrays.fill(eta, 0, m, curvature(0));
        } else {
          GlmLikelihood.linearPredictors(block, points, b * dim, r0, m, eta);
          for (int i = 0; i < m; i++) {
            eta[i] = curvature(eta[i]);
          }
        }
        count = GlmLikelihood.termCount(block.weight(), m);
        for (int a = 0; a < dim; a++) {
          for (int e = a; e < dim; e++) {
            for (int i = 0; i < m; i++) {
              GlmLikelihood.weighted(terms, i, m, block.weight(), r0 + i,
                  eta[i] * (x[r0 + i + a * rows] * x[r0 + i + e * rows]));
            }
            if (e != a) {
              // addAll consumes its terms: a copy for the other triangle.
              System.arraycopy(terms, 0, mirror, 0, count);
              add(out, (off + e * dim + a) * chunks, mirror, count);
            }
            add(out, (off + a * dim + e) * chunks, terms, count);
          }
        }
      }
    }
  }

  /** Adds {@code count} terms exactly into the accumulator at out[at] and normalises it. */
  private static void add(double[] out, int at, double[] terms, int count) {
    ExactSum.addAll(out, at, terms, count);
    ExactSum.normalise(out, at);
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
