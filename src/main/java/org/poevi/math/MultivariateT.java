package org.poevi.math;

import org.apache.commons.numbers.gamma.LogBeta;
import org.apache.commons.numbers.gamma.LogGamma;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * The multivariate t distribution t_ν(μ, Σ) on R^D:
 *
 * <pre>
 *   log p(z) = lnΓ((ν+D)/2) − lnΓ(ν/2) − (D/2) log(νπ) − ½ log|Σ| − ((ν+D)/2) log(1 + δ/ν),
 *   δ = (z − μ)ᵀ Σ⁻¹ (z − μ),
 * </pre>
 *
 * drawn as z = μ + L y √(ν/u) with Σ = L Lᵀ, y ~ N(0, I), u ~ χ²_ν. Immutable; works on the
 * Cholesky factor of Σ, never its inverse.
 */
public final class MultivariateT implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final int dim;
  private final double[] location;
  /** Packed lower Cholesky factor of Σ. */
  private final double[] factor;
  private final double dof;
  private final double logNormalizer;
  /** Above this dimension blocks of points use BLAS-3 ({@link #mahalanobis(double[], int, int,
   * double[], int, double[])}). */
  public static final int BLOCKED_DIM = 100;
  /** The factor as a full column-major matrix for BLAS, formed on first use. */
  private transient volatile double[] full;

  private MultivariateT(double[] location, double[] factor, double dof) {
    this.dim = location.length;
    this.location = location;
    this.factor = factor;
    this.dof = dof;
    // lnΓ((ν+D)/2) − lnΓ(ν/2) = lnΓ(D/2) − ln B(ν/2, D/2), stable for large ν.
    this.logNormalizer = LogGamma.value(dim / 2.0) - LogBeta.value(dof / 2, dim / 2.0)
        - 0.5 * dim * Math.log(dof * Math.PI) - 0.5 * Cholesky.logDeterminant(factor, 0, dim);
  }

  /**
   * @param location μ (copied)
   * @param scatter Σ, dense row-major D×D, symmetric positive definite
   * @param dof ν &gt; 0
   */
  public static MultivariateT of(double[] location, double[] scatter, double dof) {
    int dim = location.length;
    if (scatter.length != dim * dim) {
      throw new IllegalArgumentException("scatter must be " + dim + "x" + dim);
    }
    if (!(dof > 0)) {
      throw new IllegalArgumentException("degrees of freedom must be > 0, got " + dof);
    }
    double[] factor = Cholesky.pack(scatter, dim);
    if (!Cholesky.factor(factor, 0, dim)) {
      throw new IllegalArgumentException("scatter matrix is not positive definite");
    }
    return new MultivariateT(location.clone(), factor, dof);
  }

  public int dim() {
    return dim;
  }

  /** The same location and ν with scatter c·Σ (c &gt; 0). */
  public MultivariateT withScatterScaled(double c) {
    double[] scaled = factor.clone();
    double root = Math.sqrt(c);
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] *= root;
    }
    return new MultivariateT(location, scaled, dof);
  }

  /** Σ⁻¹, dense row-major D×D, from the factor (D solves; off the hot path). */
  public double[] scatterInverse() {
    return Cholesky.inverseOfFactor(factor, dim);
  }

  public double dof() {
    return dof;
  }

  public double[] location() {
    return location.clone();
  }

  /** log p(z) for z at {@code z[off, off + D)}; {@code scratch} has length ≥ D. */
  public double logDensity(double[] z, int off, double[] scratch) {
    return logNormalizer - 0.5 * (dof + dim) * Math.log1p(mahalanobis(z, off, scratch) / dof);
  }

  /** δ = (z − μ)ᵀ Σ⁻¹ (z − μ) for z at {@code z[off, off + D)}; {@code scratch} length ≥ D. */
  public double mahalanobis(double[] z, int off, double[] scratch) {
    for (int d = 0; d < dim; d++) {
      scratch[d] = z[off + d] - location[d];
    }
    Cholesky.solveLower(factor, 0, dim, scratch, 0);
    double delta = 0;
    for (int d = 0; d < dim; d++) {
      delta += scratch[d] * scratch[d];
    }
    return delta;
  }

  /**
   * δ for nb points (nb×D row-major from {@code off}) into out[outOff, outOff + nb); scratch has
   * length ≥ D·nb. Above {@value #BLOCKED_DIM} dimensions the block is one {@code dtrsm}
   * (BLAS-3) on a full copy of the factor; up to it, point by point as {@link #mahalanobis}.
   */
  public void mahalanobis(double[] z, int off, int nb, double[] out, int outOff,
      double[] scratch) {
    if (dim <= BLOCKED_DIM) {
      for (int i = 0; i < nb; i++) {
        out[outOff + i] = mahalanobis(z, off + i * dim, scratch);
      }
      return;
    }
    for (int i = 0; i < nb; i++) {
      for (int d = 0; d < dim; d++) {
        scratch[i * dim + d] = z[off + i * dim + d] - location[d];
      }
    }
    dev.ludovic.netlib.blas.BLAS.getInstance().dtrsm("L", "L", "N", "N", dim, nb, 1.0,
        fullFactor(), 0, dim, scratch, 0, dim);
    for (int i = 0; i < nb; i++) {
      double delta = 0;
      for (int d = 0; d < dim; d++) {
        delta += scratch[i * dim + d] * scratch[i * dim + d];
      }
      out[outOff + i] = delta;
    }
  }

  /**
   * z = μ + L x in place for the nb rows x (nb×D row-major from {@code off}) of {@link
   * Sampler#sampleStandard}: one {@code dtrmm} above {@value #BLOCKED_DIM} dimensions, row by row
   * up to it. The same draws as {@link Sampler#sample}, to rounding.
   */
  public void place(double[] x, int off, int nb) {
    if (dim > BLOCKED_DIM) {
      dev.ludovic.netlib.blas.BLAS.getInstance().dtrmm("L", "L", "N", "N", dim, nb, 1.0,
          fullFactor(), 0, dim, x, off, dim);
      for (int p = 0; p < nb; p++) {
        for (int d = 0; d < dim; d++) {
          x[off + p * dim + d] += location[d];
        }
      }
    } else {
      for (int p = 0; p < nb; p++) {
        placeRow(x, off + p * dim, 1);
      }
    }
  }

  /**
   * x ← μ + scale·L x for one row at {@code off}: the packed lower factor from the bottom row up,
   * in place.
   */
  private void placeRow(double[] x, int off, double scale) {
    for (int i = dim - 1; i >= 0; i--) {
      int row = i * (i + 1) / 2;
      double s = 0;
      for (int k = 0; k <= i; k++) {
        s += factor[row + k] * x[off + k];
      }
      x[off + i] = location[i] + scale * s;
    }
  }

  /** log p(z) from δ = {@link #mahalanobis}. */
  public double logDensityFromMahalanobis(double delta) {
    return logNormalizer - 0.5 * (dof + dim) * Math.log1p(delta / dof);
  }

  /** L column-major (upper triangle zero), formed on first use. */
  private double[] fullFactor() {
    double[] l = full;
    if (l == null) {
      l = new double[dim * dim];
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j <= i; j++) {
          l[j * dim + i] = factor[Cholesky.packedIndex(i, j)];
        }
      }
      full = l;
    }
    return l;
  }

  /** The constant term lnΓ((ν+D)/2) − lnΓ(ν/2) − (D/2) log(νπ) − ½ log|Σ|. */
  public double logNormalizer() {
    return logNormalizer;
  }

  /** A sampler bound to one generator; not thread-safe. */
  public Sampler sampler(UniformRandomProvider rng) {
    return new Sampler(rng);
  }

  /** Draws from this distribution with one generator. */
  public final class Sampler {
    private final ContinuousSampler normal;
    private final LogChiSquareSampler chiSquare;

    private Sampler(UniformRandomProvider rng) {
      this.normal = ZigguratSampler.NormalizedGaussian.of(rng);
      this.chiSquare = LogChiSquareSampler.of(rng, dof);
    }

    /**
     * Writes √(ν/u)·y, one draw before the factor and the location, into {@code out[off, off +
     * D)}, using the stream exactly as {@link #sample} does; {@link #place} finishes a block.
     */
    public void sampleStandard(double[] out, int off) {
      double scale = Math.exp(0.5 * (Math.log(dof) - chiSquare.sampleLog()));
      for (int d = 0; d < dim; d++) {
        out[off + d] = scale * normal.sample();
      }
    }

    /** Writes one draw into {@code out[off, off + D)}. */
    public void sample(double[] out, int off) {
      double scale = Math.exp(0.5 * (Math.log(dof) - chiSquare.sampleLog()));
      for (int d = 0; d < dim; d++) {
        out[off + d] = normal.sample();
      }
      placeRow(out, off, scale);
    }
  }

  /**
   * Maximum-likelihood location and scatter of a t with fixed ν for weighted points, by the EM
   * algorithm (Liu and Rubin 1995): with u_i = (ν + D)/(ν + δ_i),
   * μ ← Σ w_i u_i z_i / Σ w_i u_i and Σ ← Σ w_i u_i (z_i − μ)(z_i − μ)ᵀ / Σ w_i. It needs no
   * moments of the data, so it is robust to heavy tails.
   *
   * @param points n×D row-major
   * @param weights n non-negative weights, or null for equal weights
   * @param dof ν of the fitted t
   * @param iterations EM iterations
   * @param inflation factor applied to the fitted scatter (≥ 1 widens it)
   */
  public static MultivariateT fit(double[] points, double[] weights, int dim, double dof,
      int iterations, double inflation) {
    int n = points.length / dim;
    double[] w = new double[n];
    double weightSum = 0;
    for (int i = 0; i < n; i++) {
      w[i] = weights == null ? 1 : weights[i];
      weightSum += w[i];
    }
    double[] mu = new double[dim];
    double[] scatter = new TEm(points, w, dim, dof, weightSum).run(mu,
        robustStart(points, w, dim, mu), iterations);
    for (int i = 0; i < scatter.length; i++) {
      scatter[i] *= inflation;
    }
    return of(mu, scatter, dof);
  }

  /**
   * The EM start: the coordinate-wise weighted median (written into mu) and, returned, the
   * diagonal scatter of squared MADs scaled to a normal's variance. Unlike the mean and covariance
   * they exist for any tails and cannot overflow.
   */
  private static double[] robustStart(double[] points, double[] w, int dim, double[] mu) {
    int n = w.length;
    double[] start = new double[dim * dim];
    double[] column = new double[n];
    for (int d = 0; d < dim; d++) {
      for (int i = 0; i < n; i++) {
        column[i] = points[i * dim + d];
      }
      mu[d] = weightedMedian(column, w);
      for (int i = 0; i < n; i++) {
        column[i] = Math.abs(points[i * dim + d] - mu[d]);
      }
      double mad = 1.4826 * weightedMedian(column, w);
      start[d * dim + d] = mad > 0 ? mad * mad : 1;
    }
    return start;
  }

  /**
   * The weighted median of v: the smallest value whose cumulative weight, in ascending order,
   * reaches half the total. By selection, in expected linear time without sorting: each round
   * partitions the candidates around the median of three of them and keeps the side that holds
   * the median (v and w are reordered together).
   */
  static double weightedMedian(double[] v, double[] w) {
    double[] values = v;
    double[] weights = w.clone();
    double total = 0;
    boolean nan = false;
    for (int i = 0; i < values.length; i++) {
      total += weights[i];
      nan |= Double.isNaN(values[i]);
    }
    if (nan || !Double.isFinite(total)) {
      // NaN orders nothing: the sorting definition (NaN last) decides, as it always did.
      return sortedWeightedMedian(values, weights, total);
    }
    double below = 0;
    int lo = 0;
    int hi = values.length - 1;
    while (lo < hi) {
      double pivot = medianOfThree(values[lo], values[(lo + hi) >>> 1], values[hi]);
      // Three-way partition: [lo, lt) < pivot, [lt, gt] == pivot, (gt, hi] > pivot.
      int lt = lo;
      int gt = hi;
      int i = lo;
      while (i <= gt) {
        if (values[i] < pivot) {
          swap(values, weights, lt++, i++);
        } else if (values[i] > pivot) {
          swap(values, weights, i, gt--);
        } else {
          i++;
        }
      }
      double less = 0;
      for (int k = lo; k < lt; k++) {
        less += weights[k];
      }
      double equal = 0;
      for (int k = lt; k <= gt; k++) {
        equal += weights[k];
      }
      if (below + less >= 0.5 * total && lt > lo) {
        hi = lt - 1;
      } else if (below + less + equal >= 0.5 * total) {
        return pivot;
      } else {
        below += less + equal;
        lo = gt + 1;
      }
    }
    return values[lo];
  }

  /** The weighted median by sorting (Double.compare order, NaN last). */
  private static double sortedWeightedMedian(double[] v, double[] w, double total) {
    Integer[] order = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
    double cumulative = 0;
    for (Integer i : order) {
      cumulative += w[i];
      if (cumulative >= 0.5 * total) {
        return v[i];
      }
    }
    return v[order[order.length - 1]];
  }

  private static double medianOfThree(double a, double b, double c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  private static void swap(double[] v, double[] w, int i, int j) {
    double t = v[i];
    v[i] = v[j];
    v[j] = t;
    t = w[i];
    w[i] = w[j];
    w[j] = t;
  }
}
