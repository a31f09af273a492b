package org.poevi.family;

import dev.ludovic.netlib.blas.BLAS;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.poevi.math.Cholesky;

/**
 * The active experts of a family whose matrices share one metric, Λ_k = c_k·M + U_k U_kᵀ (issue
 * #20), laid out for blocks of draws without any D×D matrix per expert or per draw.
 *
 * <p>Everything runs in the whitened, centred frame x = Lᵀ(z − c) with M = L Lᵀ and c the mean
 * of the active locations. There expert k has location x_k = Lᵀ(μ_k − c) and matrix
 * c_k·I + V_k V_kᵀ with V_k = L⁻¹ U_k; stacking the m = Σ r_k columns of the V_k as V (D×m),
 *
 * <pre>
 *   Λ'(w) = s·I + B Bᵀ,   s = Σ w_k c_k,   B = V·diag(√w_owner(j)),
 *   b(w)  = Σ w_k c_k x_k + Σ_j v_j w_owner(j) t_j,   t_j = v_jᵀ x_owner(j),
 *   Λ'(w)⁻¹ v = (v − B K⁻¹ Bᵀ v)/s   with   K = s·I_m + Bᵀ B   (Woodbury),
 *   log|Λ(w)| = log|M| + (D − m) log s + log|K|.
 * </pre>
 *
 * BᵀB = diag(√w) VᵀV diag(√w) comes from VᵀV, formed once, so a draw costs O(D·(n + m) + m³/3)
 * flops for n active experts: b(w) for a whole block is one {@code dgemm} of D×(n+m) by
 * (n+m)×nb. A draw of N(0, Λ'(w)⁻¹) is Λ'(w)⁻¹(√s·y₁ + B y₂) with y₁ ~ N(0, I_D), y₂ ~ N(0, I_m),
 * whose covariance is Λ'⁻¹(sI + BBᵀ)Λ'⁻¹ = Λ'⁻¹; the run of draws then goes back to z with one
 * {@code dtrsm} by Lᵀ ({@link #finish}). The quadratic forms of a block of points are one
 * {@code dtrmm} (x = Lᵀ(z − c)) and one {@code dgemm} against [x_1 … x_n | V].
 */
final class StructuredStack implements ConditionalForm {
  /** From this order on, native LAPACK factors K faster than the Java loop. */
  private static final int NATIVE_CHOLESKY_ORDER = 20;

  private final int dim;
  private final int count;
  private final int lowRank;
  private final double[] alpha;
  private final double[] scale;
  private final double[] center;
  private final SharedMetric metric;
  /** D×(n+m) column-major: the whitened locations x_k, then the columns v_j. */
  private final double[] basis;
  private final int[] owner;
  /** t_j = v_jᵀ x_owner(j). */
  private final double[] t;
  /** x_kᵀ Λ'_k x_k = c_k ‖x_k‖² + Σ_{j ∈ k} t_j². */
  private final double[] energy;
  /** ‖x_k‖². */
  private final double[] norm2;
  /** VᵀV, m×m row-major. */
  private final double[] gram;
  private final double minLogDeterminant;
  private final int rows;
  /** Per thread: x, then the products with the basis ({@link #logDensityAndScore}). */
  private final ThreadLocal<double[]> pointBuffer;

  private StructuredStack(ProductOfExperts family) {
    int[] active = family.active;
    this.dim = family.dim;
    this.count = active.length;
    this.metric = family.experts[active[0]].metric;
    int m = 0;
    for (int k : active) {
      m += family.experts[k].lowRankCount;
    }
    this.lowRank = m;
    this.rows = dim + 2 + m;
    this.alpha = new double[count];
    this.scale = new double[count];
    this.center = new double[dim];
    this.basis = new double[dim * (count + m)];
    this.owner = new int[m];
    this.t = new double[m];
    this.energy = new double[count];
    this.norm2 = new double[count];
    double minLogDet = Double.POSITIVE_INFINITY;
    for (int k : active) {
      for (int d = 0; d < dim; d++) {
        center[d] += family.experts[k].location[d] / count;
      }
    }
    for (int c = 0, j = 0; c < count; c++) {
      Expert e = family.experts[active[c]];
      alpha[c] = family.alpha[active[c]];
      scale[c] = e.metricScale;
      minLogDet = Math.min(minLogDet, e.logDeterminant);
      int xc = c * dim;
      for (int d = 0; d < dim; d++) {
        basis[xc + d] = e.location[d] - center[d];
      }
      metric.whiten(basis, xc);
      norm2[c] = dot(basis, xc, basis, xc, dim);
      energy[c] = scale[c] * norm2[c];
      for (int r = 0; r < e.lowRankCount; r++, j++) {
        int vj = (count + j) * dim;
        System.arraycopy(e.lowRank, r * dim, basis, vj, dim);
        metric.solveLower(basis, vj);
        owner[j] = c;
        t[j] = dot(basis, vj, basis, xc, dim);
        energy[c] += t[j] * t[j];
      }
    }
    this.gram = new double[m * m];
    for (int a = 0; a < m; a++) {
      for (int b = 0; b <= a; b++) {
        double g = dot(basis, (count + a) * dim, basis, (count + b) * dim, dim);
        gram[a * m + b] = g;
        gram[b * m + a] = g;
      }
    }
    this.minLogDeterminant = minLogDet;
    this.pointBuffer = ThreadLocal.withInitial(() -> new double[dim + count + lowRank]);
  }

  static StructuredStack of(ProductOfExperts family) {
    return new StructuredStack(family);
  }

  private static double dot(double[] a, int aOff, double[] b, int bOff, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  /** Per-thread buffers. */
  private final class Workspace {
    final double[] coefficients = new double[(count + lowRank) * FeynmanSampler.BLOCK_SIZE];
    final double[] k = new double[Cholesky.packedSize(lowRank)];
    final double[] inverseDiagonal = new double[lowRank];
    final Cholesky.NativeWorkspace nativeWorkspace =
        new Cholesky.NativeWorkspace(lowRank >= NATIVE_CHOLESKY_ORDER ? lowRank : 0);
    final double[] u = new double[lowRank];
    final double[] x = new double[dim * FeynmanSampler.BLOCK_SIZE];
    final double[] products = new double[(count + lowRank) * FeynmanSampler.BLOCK_SIZE];
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int count() {
    return count;
  }

  @Override
  public double[] alpha() {
    return alpha;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public Object workspace() {
    return new Workspace();
  }

  @Override
  public double minLogDeterminant() {
    return minLogDeterminant;
  }

  /** Column layout: b(w) then μ'(w) in [0, D); s at D; c(w) then σ² at D + 1; √w_owner(j). */
  @Override
  public void combine(double[] w, int nb, double[] formed, Object workspace) {
    double[] coef = ((Workspace) workspace).coefficients;
    int width = count + lowRank;
    for (int i = 0; i < nb; i++) {
      int wc = i * count;
      int cc = i * width;
      int fc = i * rows;
      double s = 0;
      double energySum = 0;
      for (int c = 0; c < count; c++) {
        coef[cc + c] = scale[c] * w[wc + c];
        s += coef[cc + c];
        energySum += energy[c] * w[wc + c];
      }
      for (int j = 0; j < lowRank; j++) {
        double wj = w[wc + owner[j]];
        coef[cc + count + j] = wj * t[j];
        formed[fc + dim + 2 + j] = Math.sqrt(wj);
      }
      formed[fc + dim] = s;
      formed[fc + dim + 1] = energySum;
    }
    BLAS.getInstance().dgemm("N", "N", dim, nb, width, 1.0, basis, 0, dim, coef, 0, width, 0.0,
        formed, 0, rows);
  }

  @Override
  public double conditional(double[] formed, int col, Object workspace) {
    Workspace ws = (Workspace) workspace;
    int base = col * rows;
    double s = formed[base + dim];
    double logDetK = 0;
    if (lowRank > 0) {
      int sq = base + dim + 2;
      for (int a = 0; a < lowRank; a++) {
        int row = Cholesky.packedIndex(a, 0);
        for (int b = 0; b <= a; b++) {
          ws.k[row + b] = formed[sq + a] * gram[a * lowRank + b] * formed[sq + b];
        }
        ws.k[row + a] += s;
      }
      boolean ok = lowRank >= NATIVE_CHOLESKY_ORDER
          ? Cholesky.factorNative(ws.k, 0, lowRank, ws.nativeWorkspace)
          : Cholesky.factor(ws.k, 0, lowRank, ws.inverseDiagonal);
      if (!ok) {
        return Double.NaN;
      }
      logDetK = Cholesky.logDeterminant(ws.k, 0, lowRank);
    }
    double bb = dot(formed, base, formed, base, dim);
    double uKu = lowRank > 0 ? projectOut(formed, base, ws, formed, base) : 0;
    // bᵀΛ'⁻¹b = (‖b‖² − uᵀK⁻¹u)/s with u = Bᵀb; σ² = c − bᵀΛ'⁻¹b ≥ 0 up to rounding.
    formed[base + dim + 1] = Math.max(formed[base + dim + 1] - (bb - uKu) / s, 0);
    for (int d = 0; d < dim; d++) {
      formed[base + d] /= s;
    }
    if (!(s > 0) || !Double.isFinite(logDetK)) {
      return Double.NaN;
    }
    return metric.logDeterminant + (dim - lowRank) * Math.log(s) + logDetK;
  }

  /**
   * v ← v − B K⁻¹ Bᵀ v (v at vOff, the column's B and the workspace's factor of K); returns
   * (Bᵀv)ᵀ K⁻¹ (Bᵀv).
   */
  private double projectOut(double[] formed, int base, Workspace ws, double[] v, int vOff) {
    int sq = base + dim + 2;
    for (int j = 0; j < lowRank; j++) {
      ws.u[j] = formed[sq + j] * dot(basis, (count + j) * dim, v, vOff, dim);
    }
    Cholesky.solveLower(ws.k, 0, lowRank, ws.u, 0);
    double uKu = dot(ws.u, 0, ws.u, 0, lowRank);
    Cholesky.solveLowerTransposed(ws.k, 0, lowRank, ws.u, 0);
    for (int j = 0; j < lowRank; j++) {
      double f = formed[sq + j] * ws.u[j];
      int vj = (count + j) * dim;
      for (int d = 0; d < dim; d++) {
        v[vOff + d] -= f * basis[vj + d];
      }
    }
    return uKu;
  }

  @Override
  public double sigma2(double[] formed, int col) {
    return formed[col * rows + dim + 1];
  }

  @Override
  public void drawStandard(double[] formed, int col, Object workspace, ContinuousSampler normal,
      double[] out, int off) {
    Workspace ws = (Workspace) workspace;
    int base = col * rows;
    double s = formed[base + dim];
    double root = Math.sqrt(s);
    for (int d = 0; d < dim; d++) {
      out[off + d] = root * normal.sample();
    }
    int sq = base + dim + 2;
    for (int j = 0; j < lowRank; j++) {
      double f = formed[sq + j] * normal.sample();
      int vj = (count + j) * dim;
      for (int d = 0; d < dim; d++) {
        out[off + d] += f * basis[vj + d];
      }
    }
    applyWhitenedInverse(formed, base, ws, out, off);
  }

  /** v ← Λ'(w)⁻¹ v in the whitened frame. */
  private void applyWhitenedInverse(double[] formed, int base, Workspace ws, double[] v,
      int off) {
    if (lowRank > 0) {
      projectOut(formed, base, ws, v, off);
    }
    double inv = 1 / formed[base + dim];
    for (int d = 0; d < dim; d++) {
      v[off + d] *= inv;
    }
  }

  @Override
  public void place(double[] formed, int col, double scale, double[] out, int off) {
    int base = col * rows;
    for (int d = 0; d < dim; d++) {
      out[off + d] = formed[base + d] + scale * out[off + d];
    }
  }

  @Override
  public void finish(double[] out, int off, int n) {
    if (n == 0) {
      return;
    }
    BLAS.getInstance().dtrsm("L", "L", "T", "N", dim, n, 1.0, metric.factor, 0, dim, out, off,
        dim);
    for (int i = 0; i < n; i++) {
      int row = off + i * dim;
      for (int d = 0; d < dim; d++) {
        out[row + d] += center[d];
      }
    }
  }

  @Override
  public double[] location(double[] formed, int col, Object workspace) {
    double[] location = new double[dim];
    System.arraycopy(formed, col * rows, location, 0, dim);
    finish(location, 0, 1);
    return location;
  }

  @Override
  public void applyInverse(double[] formed, int col, Object workspace, double[] v) {
    metric.solveLower(v, 0);
    applyWhitenedInverse(formed, col * rows, (Workspace) workspace, v, 0);
    metric.solveLowerTransposed(v, 0);
  }

  /**
   * log q̃(z) and ∇log q̃(z) at one point, no D×D product per expert: x = Lᵀ(z − c), β_k = α_k/A_k,
   * ∇_x = −2 Σ_k β_k Λ'_k (x − x_k) (one product with the basis), ∇_z = L ∇_x. 2·D² + 4·D·(n + m).
   */
  double logDensityAndScore(double[] z, double[] gradient) {
    int width = count + lowRank;
    double[] buffer = pointBuffer.get();
    for (int d = 0; d < dim; d++) {
      buffer[d] = z[d] - center[d];
    }
    BLAS blas = BLAS.getInstance();
    blas.dtrmv("L", "T", "N", dim, metric.factor, 0, dim, buffer, 0, 1);
    blas.dgemv("T", dim, width, 1.0, basis, 0, dim, buffer, 0, 1, 0.0, buffer, dim, 1);
    double xx = dot(buffer, 0, buffer, 0, dim);
    double sum = 0;
    double totalScale = 0;
    for (int c = 0, j = 0; c < count; c++) {
      int firstLowRank = j;
      double form = scale[c] * (xx - 2 * buffer[dim + c] + norm2[c]);
      for (; j < lowRank && owner[j] == c; j++) {
        double p = buffer[dim + count + j] - t[j];
        form += p * p;
      }
      double a = 1 + Math.max(form, 0);
      sum -= alpha[c] * Math.log(a);
      double beta = alpha[c] / a;
      totalScale += beta * scale[c];
      buffer[dim + c] = 2 * beta * scale[c]; // ∇_x's coefficients: 2β_k c_k on x_k, then v_j's
      for (int i = firstLowRank; i < j; i++) {
        buffer[dim + count + i] = -2 * beta * (buffer[dim + count + i] - t[i]);
      }
    }
    for (int d = 0; d < dim; d++) {
      gradient[d] = -2 * totalScale * buffer[d];
    }
    blas.dgemv("N", dim, width, 1.0, basis, 0, dim, buffer, dim, 1, 1.0, gradient, 0, 1);
    blas.dtrmv("L", "N", "N", dim, metric.factor, 0, dim, gradient, 0, 1);
    return sum;
  }

  @Override
  public void logDensity(double[] z, int zOff, int nb, Object workspace, double[] out,
      int outOff) {
    Workspace ws = (Workspace) workspace;
    double[] x = ws.x;
    for (int i = 0; i < nb; i++) {
      for (int d = 0; d < dim; d++) {
        x[i * dim + d] = z[zOff + i * dim + d] - center[d];
      }
    }
    BLAS blas = BLAS.getInstance();
    blas.dtrmm("L", "L", "T", "N", dim, nb, 1.0, metric.factor, 0, dim, x, 0, dim);
    int width = count + lowRank;
    blas.dgemm("T", "N", width, nb, dim, 1.0, basis, 0, dim, x, 0, dim, 0.0, ws.products, 0,
        width);
    for (int i = 0; i < nb; i++) {
      double xx = dot(x, i * dim, x, i * dim, dim);
      int pc = i * width;
      double sum = 0;
      for (int c = 0, j = 0; c < count; c++) {
        double form = scale[c] * (xx - 2 * ws.products[pc + c] + norm2[c]);
        for (; j < lowRank && owner[j] == c; j++) {
          double p = ws.products[pc + count + j] - t[j];
          form += p * p;
        }
        sum -= alpha[c] * Math.log1p(Math.max(form, 0));
      }
      out[outOff + i] = sum;
    }
  }
}
