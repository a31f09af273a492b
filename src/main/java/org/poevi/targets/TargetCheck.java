package org.poevi.targets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Checks a target before it is fitted, as {@code poevi check-target} does: at each point its
 * analytic gradient against Ridders' extrapolated central differences, and that the log density
 * and gradient are finite and the same when evaluated again; and that the target serializes (Spark
 * ships it to executors).
 *
 * <p>Ridders' method (Numerical Recipes §5.7) takes central differences at steps h₀, h₀/1.4,
 * h₀/1.4², … and extrapolates them to h = 0 in a Richardson tableau (Neville's algorithm in h²),
 * keeping the entry whose difference from its neighbours, the error estimate, is smallest. It
 * starts from a large step, so cancellation does not limit it, and the extrapolation removes the
 * O(h²) truncation error that makes a fixed small step fail for gradients that vary over many
 * orders of magnitude (recursions growing like θᵗ). Its error estimate enters the tolerance, so
 * a difference that cannot be computed accurately is reported as uncertain, not as a failure.
 */
public final class TargetCheck {
  /** The step's shrink factor and the tableau's size (Numerical Recipes' values). */
  private static final double SHRINK = 1.4;
  private static final int TABLEAU = 12;
  /** A tableau stops when its error grows past this multiple of the best (NR's SAFE). */
  private static final double SAFE = 2;
  /** Relative agreement asked of analytic and numeric derivatives. */
  static final double RELATIVE = 1e-6;
  /** An error estimate above this share of the derivative's scale makes it uncertain. */
  static final double UNCERTAIN = 1e-3;

  private TargetCheck() {}

  /** How a component's analytic derivative compares with the numeric one. */
  public enum Verdict {
    AGREES, DISAGREES, UNCERTAIN
  }

  /** One component: the analytic and numeric derivatives, the latter's error estimate. */
  public record Component(int index, double analytic, double numeric, double error,
      Verdict verdict) {
    /** |analytic − numeric| over max(|analytic|, |numeric|) (0 when both are 0). */
    public double relativeDifference() {
      double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
      return scale == 0 ? 0 : Math.abs(analytic - numeric) / scale;
    }
  }

  /**
   * One point: its log density and components, or the problem that stopped its check (null when
   * none): the target threw, returned NaN or +∞, a non-finite gradient, or another value when
   * evaluated again. A point outside the support (log density −∞) has no components and no
   * problem.
   */
  public record Point(double[] z, double logDensity, List<Component> components,
      String problem) {
    public boolean outsideSupport() {
      return problem == null && logDensity == Double.NEGATIVE_INFINITY;
    }

    /** The components that disagree. */
    public List<Component> disagreeing() {
      return components.stream().filter(c -> c.verdict() == Verdict.DISAGREES).toList();
    }
  }

  /** The points checked and whether the target serializes (null) or why not. */
  public record Report(List<Point> points, String serializationProblem) {
    /** Whether nothing failed: no problem, no disagreeing component, and not every point out. */
    public boolean passed() {
      return serializationProblem == null && points.stream().anyMatch(p -> !p.outsideSupport())
          && points.stream().allMatch(p -> p.problem() == null && p.disagreeing().isEmpty());
    }
  }

  /**
   * The origin, {@code given} points, and {@code random} points from N(0, scale²·I) drawn with
   * {@code seed}, each checked with initial steps {@code step}·max(1, |z_i|).
   */
  public static Report check(Target target, List<double[]> given, int random, double scale,
      double step, long seed) {
    int dim = target.dim();
    List<double[]> points = new ArrayList<>();
    points.add(new double[dim]);
    points.addAll(given);
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    ZigguratSampler.NormalizedGaussian normal = ZigguratSampler.NormalizedGaussian.of(rng);
    for (int p = 0; p < random; p++) {
      double[] z = new double[dim];
      for (int i = 0; i < dim; i++) {
        z[i] = scale * normal.sample();
      }
      points.add(z);
    }
    List<Point> checked = new ArrayList<>();
    for (double[] z : points) {
      checked.add(at(target, z, step));
    }
    return new Report(checked, serializationProblem(target));
  }

  /** The check at one point. */
  public static Point at(Target target, double[] z, double step) {
    int dim = target.dim();
    double[] gradient = new double[dim];
    double[] again = new double[dim];
    double lp;
    double lpAgain;
    try {
      lp = target.logDensity(z.clone(), gradient);
      lpAgain = target.logDensity(z.clone(), again);
    } catch (RuntimeException e) {
      return new Point(z, Double.NaN, List.of(), "threw " + e);
    }
    if (lp == Double.NEGATIVE_INFINITY) {
      return new Point(z, lp, List.of(), null);
    }
    String problem = valueProblem(lp, gradient);
    if (problem == null && (Double.compare(lp, lpAgain) != 0 || !Arrays.equals(gradient, again))) {
      problem = "evaluated again at the same point, it returned another log density or gradient"
          + " (" + lp + " then " + lpAgain + "): a target must be a pure function of z";
    }
    if (problem != null) {
      return new Point(z, lp, List.of(), problem);
    }
    double largest = 0;
    for (double g : gradient) {
      largest = Math.max(largest, Math.abs(g));
    }
    List<Component> components = new ArrayList<>(dim);
    for (int i = 0; i < dim; i++) {
      double[] numeric;
      try {
        numeric = derivative(target, z, i, step * Math.max(1, Math.abs(z[i])));
      } catch (RuntimeException e) {
        return new Point(z, lp, components, "threw " + e + " near the point (component "
            + (i + 1) + ")");
      }
      components.add(component(i, gradient[i], numeric[0], numeric[1], largest));
    }
    return new Point(z, lp, components, null);
  }

  /**
   * The verdict on one component: they agree within {@link #RELATIVE} of the larger, plus ten
   * times the extrapolation's error estimate, plus 10⁻⁹ of the point's largest gradient component
   * (a component that is zero next to large ones is differenced with that absolute noise). An
   * error estimate above {@link #UNCERTAIN} of the larger (or of 10⁻⁶ of the largest component)
   * decides nothing: uncertain.
   */
  static Component component(int i, double analytic, double numeric, double error,
      double largest) {
    double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
    if (!Double.isFinite(numeric) || !Double.isFinite(error)
        || error > UNCERTAIN * Math.max(scale, 1e-6 * largest)) {
      return new Component(i, analytic, numeric, error, Verdict.UNCERTAIN);
    }
    double tolerance = RELATIVE * scale + 10 * error + 1e-9 * largest;
    return new Component(i, analytic, numeric, error, Math.abs(analytic - numeric) <= tolerance
        ? Verdict.AGREES : Verdict.DISAGREES);
  }

  /**
   * ∂ log p / ∂z_i at z: Ridders' method from the initial step {@code h}, then from h/10,
   * h/100, ... (at most {@value #RESTARTS} times) while its relative error estimate is above
   * 10⁻¹⁰, keeping the estimate with the smallest error. A first step over which the function
   * changes by orders of magnitude (θᵗ for large t) extrapolates badly; a smaller one does not.
   */
  static double[] derivative(Target target, double[] z, int i, double h) {
    double[] best = {Double.NaN, Double.POSITIVE_INFINITY};
    for (int restart = 0; restart <= RESTARTS; restart++, h /= 10) {
      double[] estimate = ridders(target, z, i, h);
      if (estimate[1] < best[1]) {
        best = estimate;
      }
      if (best[1] <= 1e-10 * Math.abs(best[0])) {
        break;
      }
    }
    return best;
  }

  /** The restarts of {@link #derivative} from smaller first steps. */
  private static final int RESTARTS = 6;

  /**
   * Ridders' method from the initial step {@code h}, shrunk tenfold (at most ten times) until
   * log p is finite on both sides: {derivative, error estimate}, or {NaN, ∞} when no step keeps
   * both sides in the support.
   */
  private static double[] ridders(Target target, double[] z, int i, double h) {
    double[] x = z.clone();
    double first = Double.NaN;
    for (int tries = 0; tries <= 10 && !Double.isFinite(first); tries++, h /= 10) {
      first = central(target, x, i, h);
      if (Double.isFinite(first)) {
        break;
      }
    }
    if (!Double.isFinite(first)) {
      return new double[] {Double.NaN, Double.POSITIVE_INFINITY};
    }
    double[][] a = new double[TABLEAU][TABLEAU];
    a[0][0] = first;
    double best = first;
    double error = Double.POSITIVE_INFINITY;
    double shrink2 = SHRINK * SHRINK;
    for (int k = 1; k < TABLEAU; k++) {
      h /= SHRINK;
      a[0][k] = central(target, x, i, h);
      double factor = shrink2;
      for (int j = 1; j <= k; j++) {
        // Extrapolate to h = 0: eliminate the next power of h² (Neville).
        a[j][k] = (a[j - 1][k] * factor - a[j - 1][k - 1]) / (factor - 1);
        factor *= shrink2;
        double estimate = Math.max(Math.abs(a[j][k] - a[j - 1][k]),
            Math.abs(a[j][k] - a[j - 1][k - 1]));
        if (estimate <= error) {
          error = estimate;
          best = a[j][k];
        }
      }
      if (!(Math.abs(a[k][k] - a[k - 1][k - 1]) < SAFE * error)) {
        // Higher orders got worse (or not finite): round-off took over.
        break;
      }
    }
    return new double[] {best, error};
  }

  /** (log p(x + h e_i) − log p(x − h e_i)) / 2h; x is restored. */
  private static double central(Target target, double[] x, int i, double h) {
    double xi = x[i];
    x[i] = xi + h;
    double plus = target.logDensity(x.clone());
    x[i] = xi - h;
    double minus = target.logDensity(x.clone());
    x[i] = xi;
    return (plus - minus) / (2 * h);
  }

  private static String valueProblem(double lp, double[] gradient) {
    if (!(lp < Double.POSITIVE_INFINITY)) {
      return "returned log density " + lp;
    }
    for (int i = 0; i < gradient.length; i++) {
      if (!Double.isFinite(gradient[i])) {
        return "returned a non-finite gradient (component " + (i + 1) + " is " + gradient[i]
            + ") at a point of finite log density";
      }
    }
    return null;
  }

  private static String serializationProblem(Target target) {
    try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
      out.writeObject(target);
      return null;
    } catch (IOException | RuntimeException e) {
      return "it does not serialize (Spark ships targets to executors): " + e;
    }
  }
}
