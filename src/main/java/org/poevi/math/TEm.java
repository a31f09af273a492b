package org.poevi.math;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * The EM iterations of {@link MultivariateT#fit} over blocks of points with BLAS-3: per block of
 * at least {@value #BLOCK} points, one triangular solve (dtrsm) gives every Mahalanobis distance
 * and one rank-k update (dsyrk) its part of the scatter. The blocks run on the JVM's cores; each
 * writes its own partial sums, which are added in block order, so the fit is the same for any
 * number of threads. There are at most {@value #MAX_BLOCKS} blocks: each keeps a D×D partial
 * scatter, 8 MB at D = 1000. The iterations stop early once an iteration moves μ and every entry
 * of Σ by less than {@value #TOLERANCE} of the scale (√Σ_dd, √(Σ_aa Σ_bb)): the fitted t is an
 * importance proposal, and at D = 1000 each iteration over 20,000 points costs 3·10¹⁰ flops.
 */
final class TEm {
  /** Points per block. */
  static final int BLOCK = 256;
  /** At most this many blocks, each with its own D×D partial scatter. */
  static final int MAX_BLOCKS = 32;
  /** Relative change of μ and Σ below which the iterations stop. */
  static final double TOLERANCE = 1e-4;

  private final double[] points;
  private final double[] w;
  private final int dim;
  private final int n;
  private final int blocks;
  private final int block;
  private final double dof;
  private final double weightSum;
  /** Per block: Σ w u (one each) and Σ w u z (D each). */
  private final double[] blockUw;
  private final double[] blockWuz;
  /** Per block: its part of the scatter, D×D lower triangle (column-major). */
  private final double[] blockScatter;
  /** The current u_i = (ν + D)/(ν + δ_i). */
  private final double[] u;

  TEm(double[] points, double[] w, int dim, double dof, double weightSum) {
    this.points = points;
    this.w = w;
    this.dim = dim;
    this.n = w.length;
    this.block = Math.max(BLOCK, (n + MAX_BLOCKS - 1) / MAX_BLOCKS);
    this.blocks = (n + block - 1) / block;
    this.dof = dof;
    this.weightSum = weightSum;
    this.blockUw = new double[blocks];
    this.blockWuz = new double[blocks * dim];
    this.blockScatter = new double[blocks * dim * dim];
    this.u = new double[n];
  }

  /**
   * {@code iterations} EM steps from location {@code mu} (updated in place) and {@code scatter}
   * (D×D); returns the last scatter, or the last one that factored when one did not.
   */
  double[] run(double[] mu, double[] scatter, int iterations) {
    return run(mu, scatter, iterations, BlockParallel.defaultThreads());
  }

  /** As above on {@code threads} threads (the result does not depend on them). */
  double[] run(double[] mu, double[] scatter, int iterations, int threads) {
    double[] lower = new double[dim * dim];
    intW info = new intW(0);
    for (int it = 0; it < iterations; it++) {
      // Σ is symmetric: its row-major array is its column-major one too.
      System.arraycopy(scatter, 0, lower, 0, lower.length);
      LAPACK.getInstance().dpotrf("L", dim, lower, dim, info);
      if (info.val != 0 || !positiveDiagonal(lower)) {
        break;
      }
      double[] from = mu.clone();
      BlockParallel.forEach(blocks, Math.min(threads, blocks), () -> new double[dim * block],
          (b, scratch) -> locate(b, from, lower, scratch));
      double uw = 0;
      double[] wuz = new double[dim];
      for (int b = 0; b < blocks; b++) {
        uw += blockUw[b];
        for (int d = 0; d < dim; d++) {
          wuz[d] += blockWuz[b * dim + d];
        }
      }
      for (int d = 0; d < dim; d++) {
        mu[d] = wuz[d] / uw;
      }
      BlockParallel.forEach(blocks, Math.min(threads, blocks), () -> new double[dim * block],
          (b, scratch) -> scatter(b, mu, scratch));
      double[] previous = scatter;
      scatter = merged();
      if (converged(from, mu, previous, scatter)) {
        break;
      }
    }
    return scatter;
  }

  /** Whether μ and Σ moved by less than {@value #TOLERANCE} of the new scale. */
  private boolean converged(double[] muBefore, double[] mu, double[] before, double[] after) {
    for (int a = 0; a < dim; a++) {
      double sa = after[a * dim + a];
      if (!(Math.abs(mu[a] - muBefore[a]) <= TOLERANCE * Math.sqrt(sa))) {
        return false;
      }
      for (int b = 0; b <= a; b++) {
        double scale = Math.sqrt(sa * after[b * dim + b]);
        if (!(Math.abs(after[a * dim + b] - before[a * dim + b]) <= TOLERANCE * scale)) {
          return false;
        }
      }
    }
    return true;
  }

  private boolean positiveDiagonal(double[] lower) {
    for (int d = 0; d < dim; d++) {
      double v = lower[d * dim + d];
      if (!(v > 0) || v == Double.POSITIVE_INFINITY) {
        return false;
      }
    }
    return true;
  }

  /** Block b's u_i from μ = {@code from}, and its Σ w u and Σ w u z. */
  private void locate(int b, double[] from, double[] lower, double[] y) {
    int lo = b * block;
    int rows = Math.min(block, n - lo);
    // The block's points minus μ: a D×rows column-major matrix, one point per column.
    for (int j = 0; j < rows; j++) {
      int p = (lo + j) * dim;
      for (int d = 0; d < dim; d++) {
        y[j * dim + d] = points[p + d] - from[d];
      }
    }
    BLAS.getInstance().dtrsm("L", "L", "N", "N", dim, rows, 1.0, lower, dim, y, dim);
    double uw = 0;
    for (int d = 0; d < dim; d++) {
      blockWuz[b * dim + d] = 0;
    }
    for (int j = 0; j < rows; j++) {
      double delta = 0;
      for (int d = 0; d < dim; d++) {
        double v = y[j * dim + d];
        delta += v * v;
      }
      int i = lo + j;
      u[i] = (dof + dim) / (dof + delta);
      double c = w[i] * u[i];
      if (c == 0) {
        continue;
      }
      uw += c;
      for (int d = 0; d < dim; d++) {
        blockWuz[b * dim + d] += c * points[i * dim + d];
      }
    }
    blockUw[b] = uw;
  }

  /**
   * Block b's Σ w u (z − μ)(z − μ)ᵀ / Σ w, as (√c (z − μ))(√c (z − μ))ᵀ: far points with tiny
   * weight cannot overflow the product.
   */
  private void scatter(int b, double[] mu, double[] y) {
    int lo = b * block;
    int rows = Math.min(block, n - lo);
    for (int j = 0; j < rows; j++) {
      int i = lo + j;
      double root = Math.sqrt(w[i] * u[i] / weightSum);
      for (int d = 0; d < dim; d++) {
        // A point without weight adds nothing, even where 0 · (z − μ) would not be 0.
        y[j * dim + d] = root == 0 ? 0 : root * (points[i * dim + d] - mu[d]);
      }
    }
    BLAS.getInstance().dsyrk("L", "N", dim, rows, 1.0, y, 0, dim, 0.0, blockScatter,
        b * dim * dim, dim);
  }

  /**
   * The blocks' scatters added in block order, symmetrised, plus a ridge of 1e-10 · (trace/D)
   * on the diagonal so a degenerate cloud (a handful of distinct points) still gives a positive
   * definite matrix.
   */
  private double[] merged() {
    double[] s = new double[dim * dim];
    for (int b = 0; b < blocks; b++) {
      int off = b * dim * dim;
      for (int col = 0; col < dim; col++) {
        for (int row = col; row < dim; row++) {
          s[col * dim + row] += blockScatter[off + col * dim + row];
        }
      }
    }
    double trace = 0;
    for (int col = 0; col < dim; col++) {
      for (int row = col + 1; row < dim; row++) {
        s[row * dim + col] = s[col * dim + row];
      }
      trace += s[col * dim + col];
    }
    double ridge = Math.max(1e-10 * trace / dim, Double.MIN_NORMAL);
    for (int d = 0; d < dim; d++) {
      s[d * dim + d] += ridge;
    }
    return s;
  }
}
