package org.poevi.fit;

import java.util.ArrayList;
import java.util.List;
import org.poevi.family.AffineMap;
import org.poevi.math.Cholesky;
import org.poevi.math.RandomStreams;
import org.poevi.targets.Target;

/**
 * The coordinates a product-of-experts fit runs in ({@code init.frame}). After the mode search
 * on the target as given, the fit may run on the target in coordinates z̃ where the Laplace
 * approximation N(m, Σ) at the best mode is N(0, I): z = A·z̃ + m with Σ = A·Aᵀ, A upper
 * triangular. Its product of t's (and its draws, log q and normaliser) is carried back to z
 * exactly ({@link AffineMap}). How the user centred, scaled or correlated the parameters then
 * changes the fitted problem only by a rotation of the frame: an uncentred regression's
 * intercept–slope ridge (condition 10¹¹) is a round cloud in z̃.
 *
 * <p>The pool's widths and the mode search assume coordinates of roughly unit scale, and on
 * targets already near N(0, I) the frame makes the fit somewhat worse (a Gaussian mixture's KL,
 * whitened by one of its modes), so {@link Choice#AUTO} takes it only where the Laplace
 * approximation's correlation matrix has a condition number over {@value #AUTO_CONDITION}
 * (strong correlations) or its sds differ by more than a factor {@value #AUTO_SCALE_SPREAD}
 * (units far apart): where the fit in the given coordinates fails (docs/benchmarks.md). The
 * frame's covariance floors the Hessian's eigenvalues after Jacobi scaling
 * ({@link #scaledLaplaceCovariance}), so that it does not depend on the parameters' units.
 */
public final class Frames {
  /** init.frame = auto frames the fit above this correlation-matrix condition number. */
  static final double AUTO_CONDITION = 100;
  /**
   * init.frame = auto also frames the fit when the Laplace sds differ by more than this factor
   * (units a thousand times apart: a banana scaled by 10³ and 10⁻³ had KL 35 unframed against 0.4;
   * the funnel's sds span 270 at its mode and it fits better unframed).
   */
  static final double AUTO_SCALE_SPREAD = 1000;

  private Frames() {}

  /** init.frame. */
  public enum Choice {
    AUTO, LAPLACE, NONE
  }

  /**
   * The map from the frame to the given coordinates for {@code choice} and the modes found, or
   * null to fit as given (always without a mode: an unbounded density).
   */
  static AffineMap choose(Choice choice, List<ModeFinder.Mode> modes, int dim) {
    if (choice == Choice.NONE || modes.isEmpty()) {
      return null;
    }
    ModeFinder.Mode best = modes.get(0);
    double[] covariance = scaledLaplaceCovariance(best.negativeHessian(), dim);
    if (choice == Choice.AUTO && correlationCondition(covariance, dim) <= AUTO_CONDITION
        && scaleSpread(covariance, dim) <= AUTO_SCALE_SPREAD) {
      return null;
    }
    try {
      return new AffineMap(upperFactor(covariance, dim), best.location());
    } catch (IllegalStateException | org.poevi.InvalidInputException e) {
      // A covariance that does not factor numerically (or a singular factor): fit as given.
      return null;
    }
  }

  /**
   * Where a Gaussian baseline starts with {@code fit.advi.init} or {@code fit.bam.init} =
   * {@code laplace}: the map from a frame in which N(0, I) is the Laplace approximation at the
   * best mode of {@code starts} L-BFGS starts (the same search, with the same streams, as a
   * product-of-experts fit's), so that a baseline started at N(0, I) there starts at N(mode,
   * H⁻¹) and takes its steps in the posterior's own scale. {@code diagonal} gives a diagonal A
   * (A_ii = H_ii^(−½), the conditional sd), for mean-field ADVI, whose family a rotation would
   * leave. The map is null, with a warning, when there is no mode or its Hessian does not give
   * one.
   *
   * @param map z = A z̃ + b, or null to start from N(0, I) in the given coordinates
   * @param evaluations target evaluations of the mode search
   * @param warning what a user should know, or null
   */
  public record Start(AffineMap map, long evaluations, String warning) {
    public static Start find(Target target, int starts, double startScale, long seed,
        int threads, Progress progress, boolean diagonal) {
      ModeFinder.Search search = ModeFinder.find(target, starts, startScale,
          RandomStreams.of(seed), threads, progress);
      int dim = target.dim();
      if (search.modes().isEmpty()) {
        return new Start(null, search.evaluations(), "the mode search found no stationary point"
            + " in " + starts + " starts (the density may be unbounded): the baseline starts"
            + " from N(0, I)");
      }
      ModeFinder.Mode best = search.modes().get(0);
      try {
        double[] a;
        double[] covariance = scaledLaplaceCovariance(best.negativeHessian(), dim);
        if (diagonal) {
          a = new double[dim * dim];
          for (int d = 0; d < dim; d++) {
            double h = best.negativeHessian()[d * dim + d];
            a[d * dim + d] = h > 0 && Double.isFinite(h) ? 1 / Math.sqrt(h)
                : Math.sqrt(covariance[d * dim + d]);
          }
        } else {
          a = upperFactor(covariance, dim);
        }
        return new Start(new AffineMap(a, best.location()), search.evaluations(), null);
      } catch (IllegalStateException | org.poevi.InvalidInputException e) {
        return new Start(null, search.evaluations(), "the Laplace approximation at the mode"
            + " does not factor numerically: the baseline starts from N(0, I)");
      }
    }
  }

  /**
   * The Laplace covariance Σ = H⁻¹ of a mode's negative Hessian H, its eigenvalues floored at
   * 10⁻⁸ of the largest (the preliminary Gaussian's start, and the frame).
   */
  static double[] laplaceCovariance(double[] negativeHessian, int dim) {
    double[] range = Hessians.eigenRange(negativeHessian, dim);
    return Cholesky.inverse(Hessians.floored(negativeHessian, dim,
        Math.max(1e-8 * Math.abs(range[1]), 1e-12)), dim);
  }

  /**
   * H⁻¹ with the floor of {@link #laplaceCovariance} applied to the Jacobi-scaled Hessian
   * D^(−½) H D^(−½) (D = diag H, where positive), so that it does not depend on the
   * parameters' units: a regression on a predictor near 2000 has a Hessian whose eigenvalues span
   * 10¹¹ but a scaled one spanning 10⁷, which the plain floor would cap at 10⁸ and so make the
   * start 30× too narrow along its ridge.
   */
  static double[] scaledLaplaceCovariance(double[] negativeHessian, int dim) {
    double[] scale = new double[dim];
    double[] scaled = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      double h = negativeHessian[i * dim + i];
      scale[i] = h > 0 && Double.isFinite(h) ? 1 / Math.sqrt(h) : 1;
    }
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        scaled[i * dim + j] = scale[i] * negativeHessian[i * dim + j] * scale[j];
      }
    }
    double[] inverse = laplaceCovariance(scaled, dim);
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        inverse[i * dim + j] *= scale[i] * scale[j];
      }
    }
    return inverse;
  }

  /** The parameter names of a framed target: frame[1], ..., frame[D]. */
  public static List<String> names(int dim) {
    List<String> names = new ArrayList<>(dim);
    for (int d = 1; d <= dim; d++) {
      names.add("frame[" + d + "]");
    }
    return names;
  }

  /** max_i σ_ii / min_i σ_ii, square-rooted: how far apart the parameters' sds are. */
  static double scaleSpread(double[] sigma, int dim) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (int i = 0; i < dim; i++) {
      lo = Math.min(lo, sigma[i * dim + i]);
      hi = Math.max(hi, sigma[i * dim + i]);
    }
    return lo > 0 ? Math.sqrt(hi / lo) : Double.POSITIVE_INFINITY;
  }

  /** The condition number of Σ's correlation matrix. */
  static double correlationCondition(double[] sigma, int dim) {
    double[] correlation = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        correlation[i * dim + j] = sigma[i * dim + j]
            / Math.sqrt(sigma[i * dim + i] * sigma[j * dim + j]);
      }
    }
    double[] range = Hessians.eigenRange(correlation, dim);
    return range[0] > 0 ? range[1] / range[0] : Double.POSITIVE_INFINITY;
  }

  /** The modes in the frame's coordinates: z̃ = A⁻¹(z − m), −∇²_z̃ = Aᵀ(−∇²_z)A. */
  static List<ModeFinder.Mode> into(List<ModeFinder.Mode> modes, AffineMap map) {
    int dim = map.dim();
    double[] a = map.a();
    List<ModeFinder.Mode> out = new ArrayList<>(modes.size());
    for (ModeFinder.Mode m : modes) {
      double[] z = new double[dim];
      // Back substitution: A upper triangular.
      for (int i = dim - 1; i >= 0; i--) {
        double v = m.location()[i] - map.b()[i];
        for (int j = i + 1; j < dim; j++) {
          v -= a[i * dim + j] * z[j];
        }
        z[i] = v / a[i * dim + i];
      }
      double[] h = m.negativeHessian().clone();
      map.pullBackHessians(h, 1);
      out.add(new ModeFinder.Mode(z, m.logDensity(), h));
    }
    return out;
  }

  /**
   * U upper triangular with Σ = U·Uᵀ (row-major D×D): the Cholesky factor of Σ with its rows
   * and columns in reverse order, reversed back. Σ is symmetric positive definite here (the
   * inverse of a floored Hessian).
   */
  static double[] upperFactor(double[] sigma, int dim) {
    double[] reversed = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        reversed[i * dim + j] = sigma[(dim - 1 - i) * dim + (dim - 1 - j)];
      }
    }
    double[] packed = Cholesky.pack(reversed, dim);
    if (!Cholesky.factor(packed, 0, dim)) {
      throw new IllegalStateException("the Laplace covariance is not positive definite");
    }
    double[] upper = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j <= i; j++) {
        // L[i][j] (packed lower, row i) is U[D−1−i][D−1−j].
        upper[(dim - 1 - i) * dim + (dim - 1 - j)] = packed[i * (i + 1) / 2 + j];
      }
    }
    return upper;
  }
}
