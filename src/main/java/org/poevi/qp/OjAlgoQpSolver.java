package org.poevi.qp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.ojalgo.matrix.store.R064Store;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.convex.ConvexSolver;
import org.ojalgo.structure.Mutate2D;
import org.poevi.InvalidInputException;
import org.poevi.math.Cholesky;

/**
 * The α-step QP of Algorithm 1 with ojAlgo's active-set {@link ConvexSolver}:
 *
 * <pre>
 *   minimise ½ αᵀGα − hᵀα   subject to α ≥ 0, Σ_k α_k ≥ c,
 * </pre>
 *
 * G (K×K) symmetric positive definite, c &gt; 0 (see {@link QpProblem}). ojAlgo stays behind this
 * class: no ojAlgo type appears in a signature.
 *
 * <p><b>Scaling.</b> The problem is solved in the variables β with α = τ D β, where
 * D = diag(d), d_k = 1/√G_kk, and τ = c / max_k d_k:
 *
 * <pre>
 *   minimise ½ βᵀĜβ − ĥᵀβ   subject to β ≥ 0, Σ_k a_k β_k ≥ 1,
 *   Ĝ = D G D (unit diagonal),  ĥ = D h / τ,  a_k = d_k / max_j d_j ∈ (0, 1],
 * </pre>
 *
 * and f(α) = τ² f̂(β). The symmetric diagonal (Jacobi) scaling puts every curvature at 1, so
 * experts whose curvatures differ by many orders of magnitude stay resolvable with ojAlgo's
 * absolute zero tests, and τ puts the sum constraint at 1. A single factor (G/max G_kk) is not
 * enough: on test problems with G_kk from 1e-3 to 1e6 ojAlgo then stopped 18–67% away from the
 * minimiser (KKT residual 0.1–0.3), against ~1e-13 with the Jacobi scaling.
 *
 * <p><b>Init.</b> Feasible starting points (negative entries set to 0, then scaled up to meet the
 * sum constraint, or uniform if nothing positive is left): the clipped unconstrained minimiser
 * Ĝ⁻¹ĥ, the warm start if one is given, and the uniform point Σ a_k β_k = 1. Of the first two,
 * the one with the lower objective goes first. The start matters more than anything else here
 * (measured while writing this class, K = 200..500): ojAlgo's own cold start (an LP vertex) took
 * 8–13 s at K = 500, the clipped unconstrained minimiser ~1 s; and the previous iterate α⁽ᵗ⁾ of a
 * fit, whose support reflects the previous batch, was 5–10× slower than the clipped minimiser
 * at K = 200..500 but faster at K = 50, where it had the lower objective. The Cholesky
 * factorisation behind Ĝ⁻¹ĥ is also the check that G is numerically positive definite.
 *
 * <p><b>Iterate.</b> One pass per start, at most {@value #MAX_PASSES}: ojAlgo
 * {@code ConvexSolver}, dense active set ({@code Options.sparse = false}: ~2× faster than the
 * iterative variant it picks for these sparse constraint rows at K = 200), warm-started from the
 * start; then polish: entries down to −tolerance·max α are set to 0, a sum short of c by at most
 * tolerance·c is scaled up to c, and anything worse is a failure of that pass (never returned);
 * then certify by the KKT residual ({@link KktResidual}, a scale-free backward error). The next
 * pass runs only if this one did not certify. It starts elsewhere on purpose: ojAlgo's answer
 * depends on its start (from a start whose would-be zeros were 1e-6 instead of 0 it stopped
 * with a KKT residual of ~5e-6 and state OPTIMAL), so repeating from its own point does not
 * help. ojAlgo 57's convex solvers do not count their active-set iterations, so
 * {@link QpResult#iterations()} counts passes.
 *
 * <p><b>Result.</b> OPTIMAL when the best pass certifies (residual ≤ tolerance); APPROXIMATE
 * when none does; FAILED when no pass produced a usable point (ojAlgo threw or reported
 * failure, or returned a clearly infeasible point, or G did not factor), with the first start as
 * the solution and the reasons in the message. A time limit bounds the whole call (ojAlgo's
 * active-set solver has no iteration limit of its own).
 *
 * <p>Immutable and thread-safe: every call builds its own ojAlgo solver.
 */
public final class OjAlgoQpSolver implements QpSolver {
  /**
   * Default KKT tolerance. The active-set solver ends on an exact KKT solve of the working set,
   * so it certifies at about K·ε (1e-16 to 1e-12 measured for K = 2..500); 1e-9 leaves three
   * orders of margin while still catching a solve that stopped early (those measured 1e-6 and
   * worse).
   */
  public static final double DEFAULT_TOLERANCE = 1e-9;
  /** Default wall-time limit of one {@link #solve} call. */
  public static final Duration DEFAULT_TIME_LIMIT = Duration.ofMinutes(5);
  /** One pass, plus one from the next start if the first does not certify. */
  static final int MAX_PASSES = 2;
  private static final String BACKEND = "ojAlgo ConvexSolver (dense active set)";

  private final double tolerance;
  private final Duration timeLimit;

  private OjAlgoQpSolver(double tolerance, Duration timeLimit) {
    this.tolerance = tolerance;
    this.timeLimit = timeLimit;
  }

  /** With {@link #DEFAULT_TOLERANCE} and {@link #DEFAULT_TIME_LIMIT}. */
  public static OjAlgoQpSolver create() {
    return new OjAlgoQpSolver(DEFAULT_TOLERANCE, DEFAULT_TIME_LIMIT);
  }

  /**
   * @param tolerance KKT residual (scaled, see {@link KktResidual}) up to which a point is
   *     OPTIMAL, in (0, 1)
   * @param timeLimit wall-time limit of one {@link #solve} call, positive
   */
  public static OjAlgoQpSolver of(double tolerance, Duration timeLimit) {
    if (!(tolerance > 0 && tolerance < 1)) {
      throw new InvalidInputException("tolerance must be in (0, 1), got " + tolerance);
    }
    if (timeLimit == null || timeLimit.isNegative() || timeLimit.isZero()) {
      throw new InvalidInputException("timeLimit must be positive, got " + timeLimit);
    }
    return new OjAlgoQpSolver(tolerance, timeLimit);
  }

  public double tolerance() {
    return tolerance;
  }

  public Duration timeLimit() {
    return timeLimit;
  }

  @Override
  public QpResult solve(QpProblem problem) {
    long started = System.nanoTime();
    long deadline = started + timeLimit.toNanos();
    Scaled scaled = new Scaled(problem);

    // Init: the feasible starts, in the order the passes use them.
    double[] unconstrained = scaled.unconstrainedMinimiser();
    double[] warm = problem.warmStartView();
    double[] projectedWarm = warm == null ? null : scaled.feasible(scaled.toScaled(warm));
    if (unconstrained == null) {
      double[] fallback = projectedWarm != null ? projectedWarm : scaled.uniform();
      return failed(problem, scaled.toOriginal(fallback), 0, started,
          "quadratic (G) is not numerically positive definite: its Cholesky factorisation failed"
              + " after Jacobi scaling");
    }
    List<double[]> starts = new ArrayList<>(3);
    double[] heuristic = scaled.feasible(unconstrained);
    if (projectedWarm != null && scaled.objective(projectedWarm) < scaled.objective(heuristic)) {
      starts.add(projectedWarm);
      starts.add(heuristic);
    } else {
      starts.add(heuristic);
      if (projectedWarm != null) {
        starts.add(projectedWarm);
      }
    }
    starts.add(scaled.uniform());

    // Iterate: one ojAlgo pass per start until one certifies.
    double[] best = null;
    double bestResidual = Double.POSITIVE_INFINITY;
    String bestState = "";
    StringBuilder notes = new StringBuilder();
    int passes = 0;
    while (passes < MAX_PASSES && System.nanoTime() < deadline) {
      Pass pass = runOjAlgo(scaled, starts.get(passes), deadline);
      passes++;
      String failure = pass.failure;
      double[] alpha = null;
      if (failure == null) {
        alpha = scaled.toOriginal(pass.beta);
        String polishFailure = polish(alpha, problem.minSum());
        if (polishFailure != null) {
          failure = polishFailure + " (ojAlgo state " + pass.state + ")";
        }
      }
      if (failure != null) {
        notes.append("; pass ").append(passes).append(": ").append(failure);
        continue;
      }
      double residual = KktResidual.of(problem.quadraticView(), problem.linearView(),
          problem.minSum(), alpha);
      if (residual < bestResidual) {
        best = alpha;
        bestResidual = residual;
        bestState = pass.state;
      }
      if (residual <= tolerance) {
        break;
      }
      notes.append("; pass ").append(passes).append(": KKT residual ")
          .append(String.format(Locale.ROOT, "%.2e", residual))
          .append(" (ojAlgo state ").append(pass.state).append(")");
    }

    // Build the result.
    if (best == null) {
      return failed(problem, scaled.toOriginal(starts.get(0)), passes, started,
          notes.length() == 0 ? "time limit " + timeLimit + " reached before ojAlgo ran"
              : notes.substring(2));
    }
    QpResult.Status status = bestResidual <= tolerance ? QpResult.Status.OPTIMAL
        : QpResult.Status.APPROXIMATE;
    String message = BACKEND + ": ojAlgo state " + bestState + ", KKT residual "
        + String.format(Locale.ROOT, "%.2e", bestResidual)
        + (status == QpResult.Status.OPTIMAL ? " <= " : " > ") + "tolerance " + tolerance + notes;
    return new QpResult(best, problem.objective(best), status, passes,
        System.nanoTime() - started, bestResidual, message);
  }

  private QpResult failed(QpProblem problem, double[] fallback, int passes, long started,
      String reason) {
    return new QpResult(fallback, problem.objective(fallback), QpResult.Status.FAILED, passes,
        System.nanoTime() - started,
        KktResidual.of(problem.quadraticView(), problem.linearView(), problem.minSum(), fallback),
        BACKEND + " failed: " + reason + "; solution is the feasible starting point");
  }

  /** The outcome of one ojAlgo solve: a finite β and ojAlgo's state, or a failure reason. */
  private record Pass(double[] beta, String state, String failure) {}

  private static Pass runOjAlgo(Scaled scaled, double[] from, long deadline) {
    int k = scaled.numExperts;
    try {
      // ojAlgo keeps (and may patch the diagonal of) the stores it is given: fresh copies.
      ConvexSolver.Builder builder = ConvexSolver.newBuilder()
          .objective(R064Store.wrap(scaled.quadratic.clone(), k),
              R064Store.wrap(scaled.linear.clone()));
      // Rows 0..K−1: −β_k ≤ 0. Row K: −Σ a_k β_k ≤ −1.
      double[] rhs = new double[k + 1];
      rhs[k] = -1;
      Mutate2D rows = builder.inequalities(rhs);
      for (int i = 0; i < k; i++) {
        rows.set(i, i, -1.0);
        rows.set(k, i, -scaled.sumRow[i]);
      }
      Optimisation.Options options = new Optimisation.Options();
      // Dense active set (DirectASS): measured ~2x faster here than the iterative variant that
      // ojAlgo picks for K + 1 sparse constraint rows.
      options.sparse = Boolean.FALSE;
      // The convex solvers ignore iteration limits (they do not count iterations); time bounds.
      options.time_abort = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      ConvexSolver solver = builder.build(options);
      Optimisation.Result result;
      try {
        // APPROXIMATE, not FEASIBLE: ojAlgo then re-checks feasibility itself before using it.
        result = solver.solve(Optimisation.Result.of(Optimisation.State.APPROXIMATE, from));
      } finally {
        solver.dispose();
      }
      Optimisation.State state = result.getState();
      if (state.isFailure()) {
        return new Pass(null, state.name(), "ojAlgo reported " + state.name());
      }
      if (result.size() != k) {
        return new Pass(null, state.name(), "ojAlgo returned " + result.size()
            + " values for K = " + k);
      }
      double[] beta = new double[k];
      for (int i = 0; i < k; i++) {
        beta[i] = result.doubleValue(i);
        if (!Double.isFinite(beta[i])) {
          return new Pass(null, state.name(), "ojAlgo returned a non-finite value " + beta[i]
              + " for alpha[" + i + "] (state " + state.name() + ")");
        }
      }
      return new Pass(beta, state.name(), null);
    } catch (RuntimeException e) {
      // The adapter boundary: whatever ojAlgo throws becomes a FAILED result with the reason.
      String why = e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s+", " ");
      return new Pass(null, "", "ojAlgo threw " + e.getClass().getSimpleName() + why);
    }
  }

  /**
   * Makes α exactly feasible where it is off by rounding only, in place: entries in
   * [−tolerance·max α, 0) become 0; a sum in [c(1 − tolerance), c) is scaled up to c (zeros stay
   * zero). Returns a reason instead when α is off by more: that is not rounding.
   */
  private String polish(double[] alpha, double minSum) {
    double max = 0;
    for (double a : alpha) {
      max = Math.max(max, Math.abs(a));
    }
    for (int i = 0; i < alpha.length; i++) {
      if (alpha[i] < 0) {
        if (-alpha[i] > tolerance * max) {
          return "ojAlgo returned alpha[" + i + "] = " + alpha[i] + " < 0";
        }
        alpha[i] = 0;
      }
    }
    double sum = 0;
    for (double a : alpha) {
      sum += a;
    }
    if (sum < minSum) {
      if (minSum - sum > tolerance * minSum) {
        return "ojAlgo returned sum(alpha) = " + sum + " < c = " + minSum;
      }
      double up = minSum / sum;
      for (int i = 0; i < alpha.length; i++) {
        alpha[i] *= up;
      }
    }
    return null;
  }

  /** The scaled problem of the class comment, and the maps between α and β. */
  private static final class Scaled {
    final int numExperts;
    /** d_k = 1/√G_kk. */
    final double[] d;
    final double tau;
    /** Ĝ = D G D, row-major, symmetric with unit diagonal. */
    final double[] quadratic;
    /** ĥ = D h / τ. */
    final double[] linear;
    /** a_k = d_k / max d: the sum constraint reads Σ a_k β_k ≥ 1. */
    final double[] sumRow;

    Scaled(QpProblem problem) {
      int k = problem.numExperts();
      double[] g = problem.quadraticView();
      double[] h = problem.linearView();
      numExperts = k;
      d = new double[k];
      double maxD = 0;
      for (int i = 0; i < k; i++) {
        d[i] = 1 / Math.sqrt(g[i * k + i]);
        maxD = Math.max(maxD, d[i]);
      }
      tau = problem.minSum() / maxD;
      quadratic = new double[k * k];
      linear = new double[k];
      sumRow = new double[k];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          quadratic[i * k + j] = d[i] * g[i * k + j] * d[j];
        }
        // Exactly 1: d_i² G_ii can be off by an ulp.
        quadratic[i * k + i] = 1;
        linear[i] = d[i] * h[i] / tau;
        sumRow[i] = d[i] / maxD;
      }
    }

    double[] toOriginal(double[] beta) {
      double[] alpha = new double[numExperts];
      for (int i = 0; i < numExperts; i++) {
        alpha[i] = tau * d[i] * beta[i];
      }
      return alpha;
    }

    double[] toScaled(double[] alpha) {
      double[] beta = new double[numExperts];
      for (int i = 0; i < numExperts; i++) {
        beta[i] = alpha[i] / (tau * d[i]);
      }
      return beta;
    }

    /**
     * A feasible point near β: negatives to 0, then scaled up to Σ a_k β_k = 1 if short of it,
     * or the uniform point on that hyperplane if nothing positive is left.
     */
    double[] feasible(double[] beta) {
      double[] out = new double[numExperts];
      double s = 0;
      for (int i = 0; i < numExperts; i++) {
        out[i] = Math.max(0, beta[i]);
        s += sumRow[i] * out[i];
      }
      if (s <= 0) {
        return uniform();
      } else if (s < 1) {
        for (int i = 0; i < numExperts; i++) {
          out[i] /= s;
        }
      }
      return out;
    }

    /** The point on the hyperplane Σ a_k β_k = 1 with all β_k equal: strictly feasible. */
    double[] uniform() {
      double rowSum = 0;
      for (double a : sumRow) {
        rowSum += a;
      }
      double[] out = new double[numExperts];
      Arrays.fill(out, 1 / rowSum);
      return out;
    }

    /** f̂(β) = ½ βᵀĜβ − ĥᵀβ. */
    double objective(double[] beta) {
      double quad = 0;
      double lin = 0;
      for (int i = 0; i < numExperts; i++) {
        double row = 0;
        for (int j = 0; j < numExperts; j++) {
          row += quadratic[i * numExperts + j] * beta[j];
        }
        quad += beta[i] * row;
        lin += linear[i] * beta[i];
      }
      return 0.5 * quad - lin;
    }

    /** Ĝ⁻¹ĥ by Cholesky, or {@code null} when Ĝ does not factor (G not positive definite). */
    double[] unconstrainedMinimiser() {
      double[] packed = Cholesky.pack(quadratic, numExperts);
      if (!Cholesky.factor(packed, 0, numExperts)) {
        return null;
      }
      double[] x = linear.clone();
      Cholesky.solveLower(packed, 0, numExperts, x, 0);
      Cholesky.solveLowerTransposed(packed, 0, numExperts, x, 0);
      return x;
    }
  }
}
