package org.poevi.family;

import java.util.Arrays;
import org.poevi.InvalidInputException;
import org.poevi.math.Cholesky;
import org.poevi.math.SymmetricEigen;

/**
 * One expert: a location μ ∈ R^D and a symmetric positive semi-definite matrix Λ (D×D), entering
 * the family through A(z) = 1 + (z − μ)ᵀ Λ (z − μ) ≥ 1.
 *
 * <p>Immutable. The factory validates every entry (finite, symmetric, PSD) and copies the arrays;
 * rounding-level negative eigenvalues of a singular matrix are clamped to zero (the nearest PSD
 * matrix, at most 1e-8 · D · ‖Λ‖ away). A singular Λ is allowed: the expert then only constrains
 * the directions outside its null space. Accessors return copies; the hot paths of this package
 * read the fields directly and never write them.
 */
public final class Expert implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** Negative eigenvalues down to this multiple of D · max|λ| are rounding and are clamped. */
  private static final double PSD_TOLERANCE = 1e-8;
  /** Asymmetry up to this multiple of max|Λ_ij| is rounding; the matrix is symmetrised. */
  private static final double SYMMETRY_TOLERANCE = 1e-10;

  final int dim;
  final double[] location;
  /** Row-major D×D, exactly symmetric; for a structured expert formed on first use. */
  private volatile double[] lambda;
  /** The shared metric M of a structured expert, or null for a dense one. */
  final SharedMetric metric;
  /** c in Λ = c·M + U Uᵀ (structured experts only). */
  final double metricScale;
  /** U, D×r column-major (structured experts only; r may be 0). */
  final double[] lowRank;
  /** r, the number of columns of U. */
  final int lowRankCount;
  /** Λ·μ. */
  final double[] lambdaLocation;
  final int rank;
  /** Largest eigenvalue of Λ: the scale against which "zero" is judged. */
  final double maxEigenvalue;
  /** log|Λ|, or −∞ when Λ is singular. */
  final double logDeterminant;
  /** Row-major D×(D−rank) orthonormal basis of the null space. */
  final double[] nullSpace;

  private Expert(double[] location, double[] lambda, SymmetricEigen eigen) {
    this.dim = location.length;
    this.location = location;
    this.lambda = lambda;
    this.metric = null;
    this.metricScale = 0;
    this.lowRank = null;
    this.lowRankCount = 0;
    this.lambdaLocation = new double[dim];
    for (int i = 0; i < dim; i++) {
      double s = 0;
      for (int j = 0; j < dim; j++) {
        s += lambda[i * dim + j] * location[j];
      }
      lambdaLocation[i] = s;
    }
    this.rank = eigen.rank();
    this.maxEigenvalue = eigen.maxValue();
    this.nullSpace = eigen.nullSpaceBasis();
    this.logDeterminant = rank == dim ? logDeterminantOf(lambda, dim) : Double.NEGATIVE_INFINITY;
  }

  private Expert(double[] location, SharedMetric metric, double scale, double[] lowRank, int r,
      double logDeterminant, double maxEigenvalue) {
    this.dim = location.length;
    this.location = location;
    this.metric = metric;
    this.metricScale = scale;
    this.lowRank = lowRank;
    this.lowRankCount = r;
    this.lambdaLocation = new double[dim];
    apply(location, 0, lambdaLocation, 0);
    this.rank = dim;
    this.maxEigenvalue = maxEigenvalue;
    this.nullSpace = new double[0];
    this.logDeterminant = logDeterminant;
  }

  /**
   * A structured expert (issue #20): Λ = c·M + U Uᵀ with a shared metric M, a scale c &gt; 0 and
   * a D×r factor U (column-major, r ≥ 0). Always positive definite, so never singular; its memory
   * is O(r·D) beyond the metric, and no D×D matrix is formed unless a dense path asks for it.
   *
   * @param lowRank D×r column-major (r = lowRank.length / D)
   * @throws InvalidInputException naming the value that is not finite or out of range
   */
  public static Expert structured(double[] location, SharedMetric metric, double scale,
      double[] lowRank) {
    int dim = location.length;
    if (metric.dim != dim) {
      throw new InvalidInputException("location has " + dim + " coordinates but the metric is "
          + metric.dim + "x" + metric.dim);
    }
    if (lowRank.length % dim != 0) {
      throw new InvalidInputException("lowRank must hold whole columns of " + dim + " numbers, got "
          + lowRank.length);
    }
    for (int i = 0; i < dim; i++) {
      requireFinite(location[i], "location[" + i + "]");
    }
    if (!(scale > 0) || scale == Double.POSITIVE_INFINITY) {
      throw new InvalidInputException("scale must be finite and > 0, got " + scale);
    }
    int r = lowRank.length / dim;
    double frobenius = 0;
    for (int i = 0; i < lowRank.length; i++) {
      requireFinite(lowRank[i], "lowRank[" + i / dim + "][" + i % dim + "]");
      frobenius += lowRank[i] * lowRank[i];
    }
    double logDet = metric.logDeterminantOf(scale, lowRank, r);
    double maxEigen = scale * metric.maxEigenvalueBound() + frobenius;
    if (!Double.isFinite(logDet) || !(maxEigen < Double.MAX_VALUE / dim)) {
      throw new InvalidInputException("scale and lowRank overflow double precision (log|lambda| = "
          + logDet + ")");
    }
    return new Expert(location.clone(), metric, scale, lowRank.clone(), r, logDet, maxEigen);
  }

  /** True for an expert of the form c·M + U Uᵀ ({@link #structured}). */
  public boolean isStructured() {
    return metric != null;
  }

  /** The shared metric of a structured expert, or null. */
  public SharedMetric metric() {
    return metric;
  }

  /** c of a structured expert (0 for a dense one). */
  public double metricScale() {
    return metricScale;
  }

  /** U of a structured expert, D×r column-major (a copy), or null. */
  public double[] lowRank() {
    return lowRank == null ? null : lowRank.clone();
  }

  /** out = Λ v, for v at vOff (length D). */
  void apply(double[] v, int vOff, double[] out, int outOff) {
    if (metric == null) {
      for (int i = 0; i < dim; i++) {
        double s = 0;
        for (int j = 0; j < dim; j++) {
          s += lambda[i * dim + j] * v[vOff + j];
        }
        out[outOff + i] = s;
      }
      return;
    }
    metric.applyStructured(metricScale, lowRank, lowRankCount, v, vOff, out, outOff);
  }

  /** Λ as a dense row-major array, shared (never written): formed once for structured experts. */
  double[] dense() {
    double[] l = lambda;
    if (l == null) {
      l = new double[dim * dim];
      double[] unit = new double[dim];
      for (int j = 0; j < dim; j++) {
        unit[j] = 1;
        apply(unit, 0, l, j * dim);
        unit[j] = 0;
      }
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < i; j++) {
          double avg = 0.5 * (l[i * dim + j] + l[j * dim + i]);
          l[i * dim + j] = avg;
          l[j * dim + i] = avg;
        }
      }
      lambda = l;
    }
    return l;
  }

  /** From a location and a dense row-major D×D matrix. */
  public static Expert of(double[] location, double[] lambda) {
    int dim = location.length;
    if (dim == 0) {
      throw new InvalidInputException("location must have at least one coordinate");
    }
    if (lambda.length != dim * dim) {
      throw new InvalidInputException("lambda must have " + dim + "x" + dim + " = " + dim * dim
          + " entries to match the location's dimension, got " + lambda.length);
    }
    for (int i = 0; i < dim; i++) {
      requireFinite(location[i], "location[" + i + "]");
    }
    double maxAbs = 0;
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        requireFinite(lambda[i * dim + j], "lambda[" + i + "][" + j + "]");
        maxAbs = Math.max(maxAbs, Math.abs(lambda[i * dim + j]));
      }
    }
    double[] sym = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        double a = lambda[i * dim + j];
        double b = lambda[j * dim + i];
        if (Math.abs(a - b) > SYMMETRY_TOLERANCE * maxAbs) {
          throw new InvalidInputException("lambda[" + i + "][" + j + "] = " + a + " differs from"
              + " lambda[" + j + "][" + i + "] = " + b + ": lambda must be symmetric");
        }
        sym[i * dim + j] = i == j ? a : 0.5 * (a + b);
      }
    }
    SymmetricEigen eigen = SymmetricEigen.of(sym, dim);
    double scale = Math.max(Math.abs(eigen.minValue()), Math.abs(eigen.maxValue()));
    if (eigen.minValue() < -PSD_TOLERANCE * dim * scale) {
      throw new InvalidInputException("lambda is not positive semi-definite: it has eigenvalue "
          + eigen.minValue() + " < 0");
    }
    if (eigen.minValue() < 0) {
      sym = eigen.clampedToPsd();
      eigen = SymmetricEigen.of(sym, dim);
    }
    Expert e = new Expert(location.clone(), sym, eigen);
    double quad = 0;
    for (int i = 0; i < dim; i++) {
      quad += e.location[i] * e.lambdaLocation[i];
    }
    if (!Double.isFinite(quad) || !(e.maxEigenvalue < Double.MAX_VALUE / Math.max(dim, 1))) {
      throw new InvalidInputException("location and lambda overflow double precision"
          + " (location' lambda location = " + quad + ")");
    }
    return e;
  }

  /** From a location and a D×D matrix given as rows. */
  public static Expert of(double[] location, double[][] lambda) {
    int dim = location.length;
    if (lambda.length != dim) {
      throw new InvalidInputException("lambda must have " + dim
          + " rows to match the location's dimension, got " + lambda.length);
    }
    double[] dense = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      if (lambda[i] == null || lambda[i].length != dim) {
        throw new InvalidInputException("lambda[" + i + "] must have " + dim + " entries, got "
            + (lambda[i] == null ? 0 : lambda[i].length));
      }
      System.arraycopy(lambda[i], 0, dense, i * dim, dim);
    }
    return of(location, dense);
  }

  /**
   * The multivariate t with ν degrees of freedom, location μ and scale matrix Σ as a single expert:
   * Λ = Σ⁻¹/ν, to be used with α = (ν + D)/2.
   */
  public static Expert studentT(double[] location, double[] precision, double dof) {
    double[] lambda = precision.clone();
    for (int i = 0; i < lambda.length; i++) {
      lambda[i] /= dof;
    }
    return of(location, lambda);
  }

  private static void requireFinite(double v, String name) {
    if (!Double.isFinite(v)) {
      throw new InvalidInputException(name + " must be finite, got " + v);
    }
  }

  private static double logDeterminantOf(double[] dense, int dim) {
    double[] packed = Cholesky.pack(dense, dim);
    if (!Cholesky.factor(packed, 0, dim)) {
      // Full rank by the eigenvalue test but too ill-conditioned to factor: treat as singular.
      return Double.NEGATIVE_INFINITY;
    }
    return Cholesky.logDeterminant(packed, 0, dim);
  }

  public int dim() {
    return dim;
  }

  public double[] location() {
    return location.clone();
  }

  /** Λ as a dense row-major D×D array (a copy). */
  public double[] lambda() {
    return dense().clone();
  }

  /** Λ as D rows of D numbers. */
  public double[][] lambdaRows() {
    double[] l = dense();
    double[][] rows = new double[dim][];
    for (int i = 0; i < dim; i++) {
      rows[i] = Arrays.copyOfRange(l, i * dim, (i + 1) * dim);
    }
    return rows;
  }

  public int rank() {
    return rank;
  }

  /** True when Λ is numerically positive definite. */
  public boolean isFullRank() {
    return logDeterminant > Double.NEGATIVE_INFINITY;
  }

  /** log|Λ|, or −∞ when Λ is singular. */
  public double logDeterminant() {
    return logDeterminant;
  }

  /** A(z) = 1 + (z − μ)ᵀ Λ (z − μ). */
  public double a(double[] z) {
    return 1 + quadraticForm(z);
  }

  /** log A(z) = log(1 + (z − μ)ᵀ Λ (z − μ)), as q's log density sums it. */
  public double logA(double[] z) {
    return Math.log1p(quadraticForm(z));
  }

  /** (z − μ)ᵀ Λ (z − μ), computed on differences so that it stays accurate far from the origin. */
  double quadraticForm(double[] z) {
    if (metric == null) {
      double q = 0;
      for (int i = 0; i < dim; i++) {
        double di = z[i] - location[i];
        double row = 0;
        for (int j = 0; j < dim; j++) {
          row += lambda[i * dim + j] * (z[j] - location[j]);
        }
        q += di * row;
      }
      return Math.max(q, 0);
    }
    double[] diff = new double[dim];
    for (int i = 0; i < dim; i++) {
      diff[i] = z[i] - location[i];
    }
    double[] row = new double[dim];
    apply(diff, 0, row, 0);
    double q = 0;
    for (int i = 0; i < dim; i++) {
      q += diff[i] * row[i];
    }
    return Math.max(q, 0);
  }

  /** Eigenvalues of Λ restricted to a subspace at or below this count as zero. */
  double zeroTolerance() {
    return dim * 1e-12 * maxEigenvalue;
  }

  /** True when the expert's Λ vanishes on the subspace spanned by the basis (row-major D×m). */
  boolean vanishesOn(double[] basis, int m) {
    return SymmetricEigen.of(project(basis, m), m).maxValue() <= zeroTolerance();
  }

  /** Bᵀ Λ B for a row-major D×m basis B: the expert's Λ restricted to span(B), m×m row-major. */
  double[] project(double[] basis, int m) {
    double[] lambda = dense();
    double[] lb = new double[dim * m];
    for (int i = 0; i < dim; i++) {
      for (int c = 0; c < m; c++) {
        double s = 0;
        for (int j = 0; j < dim; j++) {
          s += lambda[i * dim + j] * basis[j * m + c];
        }
        lb[i * m + c] = s;
      }
    }
    double[] out = new double[m * m];
    for (int r = 0; r < m; r++) {
      for (int c = 0; c < m; c++) {
        double s = 0;
        for (int i = 0; i < dim; i++) {
          s += basis[i * m + r] * lb[i * m + c];
        }
        out[r * m + c] = s;
      }
    }
    for (int r = 0; r < m; r++) {
      for (int c = 0; c < r; c++) {
        double avg = 0.5 * (out[r * m + c] + out[c * m + r]);
        out[r * m + c] = avg;
        out[c * m + r] = avg;
      }
    }
    return out;
  }
}
