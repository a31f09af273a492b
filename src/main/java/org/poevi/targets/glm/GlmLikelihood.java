package org.poevi.targets.glm;

import dev.ludovic.netlib.blas.BLAS;
import org.poevi.math.ExactSum;

/**
 * A generalised linear model's likelihood Σ_i w_i·ℓ(y_i, η_i) with η = X z + o (row weights w,
 * default 1, and offsets o, default 0: {@link RowBlock}), for a batch of points z_1..z_n at once. Over chunks of {@value #CHUNK} rows and tiles of {@value #TILE} points:
 * η = X_chunk · Z_tileᵀ (one dgemm), the elementwise terms and residuals r = ∂ℓ/∂η
 * ({@link GlmTerms}), and the gradient Xᵀ r (a second dgemm, added into the output): 4·rows·D·n
 * flops in dgemm, and rows·n elementwise terms.
 */
public abstract class GlmLikelihood implements ExactKernel {
  private static final long serialVersionUID = 1L;
  static final int CHUNK = 512;
  static final int TILE = 512;

  private final int dim;
  private transient GlmTerms terms;
  private transient ScalarGlmTerms scalars;

  /** @param dim D, the columns of the design matrix */
  protected GlmLikelihood(int dim) {
    this.dim = dim;
  }

  /** The elementwise terms of this model (the blocked products are the same for every GLM). */
  abstract GlmTerms newTerms();

  /** The same terms one element at a time (for {@link #addExact}). */
  abstract ScalarGlmTerms scalarTerms();

  /**
   * Why this JVM evaluates the elementwise terms on the scalar path when the model has a
   * vectorised one (the JDK Vector API is missing or has no lanes here), or empty: the scalar
   * path gives the same bits about 8 times slower (docs/benchmarks.md).
   */
  java.util.Optional<String> slowPath() {
    return java.util.Optional.empty();
  }

  private static final class Scratch implements Workspace {
    final double[] eta = new double[CHUNK * TILE];
    final double[] residual = new double[CHUNK * TILE];
    final double[] partial = new double[8];
    /** The exact path's terms of a chunk of rows (products, then their errors). */
    final double[] terms = new double[2 * CHUNK];
  }

  @Override
  public Workspace workspace() {
    return new Scratch();
  }

  @Override
  public void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace) {
    add(block, points, n, out, workspace, true);
  }

  /**
   * This likelihood without its gradient: out[b] = Σ_i w_i·ℓ(y_i, η_ib), the same bits as
   * {@link #add}'s values, without the second product Xᵀr (about a sixth of the work).
   */
  public RowLikelihood values() {
    return new Values(this);
  }

  private static final class Values implements ExactKernel {
    private static final long serialVersionUID = 1L;
    private final GlmLikelihood likelihood;

    Values(GlmLikelihood likelihood) {
      this.likelihood = likelihood;
    }

    @Override
    public Workspace workspace() {
      return likelihood.workspace();
    }

    @Override
    public int outputLength(int n, int dim) {
      return n;
    }

    @Override
    public void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace) {
      likelihood.add(block, points, n, out, workspace, false);
    }

    @Override
    public void addExact(RowBlock block, double[] points, int n, double[] out,
        Workspace workspace) {
      likelihood.addExact(block, points, n, out, (Scratch) workspace, false);
    }
  }

  @Override
  public void addExact(RowBlock block, double[] points, int n, double[] out,
      Workspace workspace) {
    addExact(block, points, n, out, (Scratch) workspace, true);
  }

  /**
   * The exact sums ({@link ExactRowData}): for each point and row, η = the fused multiply-adds
   * x_i1·z_1, …, x_iD·z_D in column order, plus the offset; ℓ and r = ∂ℓ/∂η unweighted from the
   * scalar terms; then w_i·ℓ and w_i·(r·x_id) taken exactly (product and rounding error) and
   * added by {@link ExactSum#addAll}, a chunk of rows at a time. Nothing depends on the row's
   * place.
   */
  private void addExact(RowBlock block, double[] points, int n, double[] out, Scratch s,
      boolean gradient) {
    checkColumns(block);
    ScalarGlmTerms t = scalars;
    if (t == null) {
      t = scalarTerms();
      scalars = t;
    }
    int rows = block.rows();
    double[] x = block.x();
    double[] weight = block.weight();
    // The workspace's arrays: a chunk's η and residuals (the first CHUNK of each), its terms,
    // and the scalar terms' scratch (the partial sums' array).
    double[] eta = s.eta;
    double[] residual = s.residual;
    double[] terms = s.terms;
    double[] scratch = s.partial;
    int chunks = ExactSum.CHUNKS;
    for (int b = 0; b < n; b++) {
      for (int r0 = 0; r0 < rows; r0 += CHUNK) {
        int m = Math.min(CHUNK, rows - r0);
        linearPredictors(block, points, b * dim, r0, m, eta);
        for (int i = 0; i < m; i++) {
          weighted(terms, i, m, weight, r0 + i,
              t.term(eta, i, block.y(), r0 + i, residual, scratch));
        }
        ExactSum.addAll(out, b * chunks, terms, termCount(weight, m));
        ExactSum.normalise(out, b * chunks);
        for (int d = 0; gradient && d < dim; d++) {
          for (int i = 0; i < m; i++) {
            weighted(terms, i, m, weight, r0 + i, residual[i] * x[r0 + i + d * rows]);
          }
          int at = (n + b * dim + d) * chunks;
          ExactSum.addAll(out, at, terms, termCount(weight, m));
          ExactSum.normalise(out, at);
        }
      }
    }
  }

  /**
   * η_i (i &lt; m) of rows r0.. at the point from {@code points[at]}: fused multiply-adds over
   * the columns in order, from 0, then the offset; the same bits wherever the row is.
   */
  static void linearPredictors(RowBlock block, double[] points, int at, int r0, int m,
      double[] eta) {
    int rows = block.rows();
    double[] x = block.x();
    java.util.Arrays.fill(eta, 0, m, 0);
    for (int d = 0; d < block.columns(); d++) {
      double z = points[at + d];
      for (int i = 0; i < m; i++) {
        eta[i] = Math.fma(x[r0 + i + d * rows], z, eta[i]);
      }
    }
    double[] offset = block.offset();
    for (int i = 0; offset != null && i < m; i++) {
      eta[i] += offset[r0 + i];
    }
  }

  /**
   * terms[i] = w·v rounded and terms[m + i] its rounding error (a fused multiply-add), w the
   * row's weight: together w·v exactly. Without weights, terms[i] = v alone (see
   * {@link #termCount}).
   */
  static void weighted(double[] terms, int i, int m, double[] weight, int row, double v) {
    if (weight == null) {
      terms[i] = v;
      return;
    }
    double w = weight[row];
    double p = w * v;
    terms[i] = p;
    terms[m + i] = Double.isFinite(p) ? Math.fma(w, v, -p) : 0;
  }

  /** The terms {@link #weighted} writes for m rows: 2m with weights (products, errors), else m. */
  static int termCount(double[] weight, int m) {
    return weight == null ? m : 2 * m;
  }

  private void checkColumns(RowBlock block) {
    if (block.columns() != dim) {
      throw new IllegalArgumentException("block of " + block.columns() + " columns for a"
          + " likelihood of dimension " + dim);
    }
  }

  private void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace,
      boolean gradient) {
    checkColumns(block);
    GlmTerms t = terms;
    if (t == null) {
      t = newTerms();
      terms = t;
    }
    Scratch s = (Scratch) workspace;
    BLAS blas = BLAS.getInstance();
    int rows = block.rows();
    double[] x = block.x();
    double[] y = block.y();
    double[] weight = block.weight();
    double[] offset = block.offset();
    for (int p0 = 0; p0 < n; p0 += TILE) {
      int tile = Math.min(TILE, n - p0);
      for (int r0 = 0; r0 < rows; r0 += CHUNK) {
        int m = Math.min(CHUNK, rows - r0);
        // eta (m×tile, column-major) = X[r0:r0+m, :] · Z_tileᵀ; Z row-major n×D is Zᵀ column-major.
        blas.dgemm("N", "N", m, tile, dim, 1.0, x, r0, rows, points, p0 * dim, dim, 0.0, s.eta,
            0, m);
        if (offset != null) {
          addOffsets(s.eta, offset, r0, m, tile);
        }
        for (int b = 0; b < tile; b++) {
          out[p0 + b] += t.apply(s.eta, b * m, m, y, r0, weight, s.residual, s.partial);
        }
        if (gradient) {
          // gradient (D×tile, column-major = tile×D row-major) += X[r0:r0+m, :]ᵀ · residual.
          blas.dgemm("T", "N", dim, tile, m, 1.0, x, r0, rows, s.residual, 0, m, 1.0, out,
              n + p0 * dim, dim);
        }
      }
    }
  }

  /** η_ib += o_{r0+i} for the tile's points: the rows' offsets (η = Xz + o). */
  private static void addOffsets(double[] eta, double[] offset, int r0, int m, int tile) {
    for (int b = 0; b < tile; b++) {
      for (int i = 0; i < m; i++) {
        eta[b * m + i] += offset[r0 + i];
      }
    }
  }
}
