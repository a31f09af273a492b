package org.poevi.qp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ojalgo.matrix.store.R064Store;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.convex.ConvexSolver;
import org.ojalgo.structure.Mutate2D;
import org.poevi.InvalidInputException;

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
 * D = diag(d), d_k = 1/√G_kk, and τ = c / max_k d_k ({@link ScaledQp}):
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
 * start and stopped after at most {@link #maxIterations()} of its active-set iterations (one
 * constraint added to or dropped from its working set each; {@code Options.iterations_abort}),
 * with no time limit; then polish: entries down to −tolerance·max α are set to 0, a sum short of
 * c by at most tolerance·c is scaled up to c, and anything worse is a failure of that pass
 * (never returned); then certify by the KKT residual ({@link KktResidual}, a scale-free backward
 * error). The next pass runs only if this one did not certify. It starts elsewhere on purpose:
 * ojAlgo's answer depends on its start (from a start whose would-be zeros were 1e-6 instead of 0
 * it stopped with a KKT residual of ~5e-6 and state OPTIMAL), so repeating from its own point
 * does not help. ojAlgo counts its active-set iterations but does not report the count, so
 * {@link QpResult#iterations()} counts passes.
 *
 * <p><b>Result.</b> OPTIMAL when the best pass certifies (residual ≤ tolerance); APPROXIMATE
 * when none does, for instance when both passes stopped at the iteration limit (ojAlgo then
 * returns its current feasible point with state FEASIBLE, and the message names the limit);
 * FAILED when no pass produced a usable point (ojAlgo threw or reported failure, or returned a
 * clearly infeasible point, or G did not factor), with the first start as the solution and the
 * reasons in the message. Every returned point is feasible (a FAILED one to the rounding of the
 * map from β back to α).
 *
 * <p><b>Deterministic.</b> The work of a call is bounded by {@value #MAX_PASSES} ×
 * {@link #maxIterations()} ojAlgo iterations, not by wall time (ojAlgo's own time limits are
 * lifted), so the result of a problem does not depend on the load of the machine.
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
  /**
   * Default limit of ojAlgo's active-set iterations in one pass. Measured from this class's
   * starts (ojAlgo 57.1.0): at most 38 on the K ≤ 30 test problems; on fit-like problems (Gram
   * matrix of correlated experts plus a ridge of 0.01, many α at 0, sum slack or binding)
   * 131–359 at K = 325 and 207–548 at K = 500, the most from the uniform start, about 1.1·K. So
   * 10⁴ does not bind below K ≈ 9000, where this dense solver is impractical anyway (~5 ms per
   * iteration at K = 500: 50 s a pass); it only ends a solve that would not.
   */
  public static final int DEFAULT_MAX_ITERATIONS = 10_000;
  /** One pass, plus one from the next start if the first does not certify. */
  static final int MAX_PASSES = 2;
  private static final String BACKEND = "ojAlgo ConvexSolver (dense active set)";

  private final double tolerance;
  private final int maxIterations;

  private OjAlgoQpSolver(double tolerance, int maxIterations) {
    this.tolerance = tolerance;
    this.maxIterations = maxIterations;
  }

  /** With {@link #DEFAULT_TOLERANCE} and {@link #DEFAULT_MAX_ITERATIONS}. */
  public static OjAlgoQpSolver create() {
    return new OjAlgoQpSolver(DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS);
  }

  /**
   * @param tolerance KKT residual (scaled, see {@link KktResidual}) up to which a point is
   *     OPTIMAL, in (0, 1)
   * @param maxIterations ojAlgo active-set iterations allowed in one pass, at least 1
   * @throws InvalidInputException if either is out of range
   */
  public static OjAlgoQpSolver of(double tolerance, int maxIterations) {
    if (!(tolerance > 0 && tolerance < 1)) {
      throw new InvalidInputException("tolerance must be in (0, 1), got " + tolerance);
    }
    if (maxIterations < 1) {
      throw new InvalidInputException("maxIterations must be at least 1, got " + maxIterations);
    }
    return new OjAlgoQpSolver(tolerance, maxIterations);
  }

  public double tolerance() {
    return tolerance;
  }

  /** The limit of ojAlgo's active-set iterations in one pass. */
  public int maxIterations() {
    return maxIterations;
  }

  @Override
  public QpResult solve(QpProblem problem) {
    long started = System.nanoTime();
    ScaledQp scaled = new ScaledQp(problem);

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
    List<double[]> starts = starts(scaled, scaled.feasible(unconstrained), projectedWarm);

    // Iterate: one ojAlgo pass per start until one certifies.
    double[] best = null;
    double bestResidual = Double.POSITIVE_INFINITY;
    String bestState = "";
    StringBuilder notes = new StringBuilder();
    int passes = 0;
    while (passes < MAX_PASSES) {
      Pass pass = runOjAlgo(scaled, starts.get(passes), maxIterations);
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
    return best == null
        ? failed(problem, scaled.toOriginal(starts.get(0)), passes, started, notes.substring(2))
        : result(problem, best, bestResidual, bestState, passes, started, notes);
  }

  /**
   * The starts of the passes: the clipped unconstrained minimiser and the projected warm start
   * (if any), the one of lower objective first, then the uniform point.
   */
  private static List<double[]> starts(ScaledQp scaled, double[] heuristic,
      double[] projectedWarm) {
    List<double[]> starts = new ArrayList<>(3);
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
    return starts;
  }

  /** OPTIMAL or APPROXIMATE by the best pass's residual; the notes of the other passes. */
  private QpResult result(QpProblem problem, double[] best, double residual, String state,
      int passes, long started, CharSequence notes) {
    boolean optimal = residual <= tolerance;
    String message = BACKEND + ": ojAlgo state " + state + ", KKT residual "
        + String.format(Locale.ROOT, "%.2e", residual) + (optimal ? " <= " : " > ")
        + "tolerance " + tolerance + notes
        + (optimal ? "" : "; iteration limit " + maxIterations + " per pass");
    return new QpResult(best, problem.objective(best), optimal ? QpResult.Status.OPTIMAL
        : QpResult.Status.APPROXIMATE, passes, System.nanoTime() - started, residual, message);
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

  private static Pass runOjAlgo(ScaledQp scaled, double[] from, int maxIterations) {
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
      // The active-set solver counts one iteration per change of its working set and stops at
      // iterations_abort with its current feasible point (state FEASIBLE). Its wall-time limits
      // (1 day to abort, 1 hour to settle for a feasible point, by default) are lifted: the
      // iteration count alone bounds the work, so the result does not depend on machine load.
      options.iterations_abort = maxIterations;
      options.time_abort = Long.MAX_VALUE;
      options.time_suffice = Long.MAX_VALUE;
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
}
