package org.poevi.qp;

import java.util.Arrays;
import java.util.Objects;

/**
 * The outcome of a {@link QpSolver}: a point α, its objective f(α) = ½ αᵀGα − hᵀα, and how much
 * to trust it.
 *
 * <p>Whatever the status, {@code solution} is finite and feasible (α ≥ 0, Σα ≥ c) and
 * {@code objective} is f at that point; no NaN is ever returned. The status says whether it is the
 * minimiser:
 * <ul>
 *   <li>{@link Status#OPTIMAL}: the KKT conditions hold within the solver's tolerance
 *       ({@code kktResidual} ≤ tolerance);
 *   <li>{@link Status#APPROXIMATE}: a feasible point from the solver whose KKT residual exceeds the
 *       tolerance (for instance a solve stopped by its iteration limit);
 *   <li>{@link Status#FAILED}: the solver produced no usable point; {@code solution} is then the
 *       feasible starting point (the projected warm start, or a heuristic one) and {@code message}
 *       gives the reason.
 * </ul>
 *
 * @param solution α, length K (accessor returns a copy)
 * @param objective f(α)
 * @param status see above
 * @param iterations passes of the solver (see the implementing class for what one pass is)
 * @param nanos wall time of {@link QpSolver#solve}, from validation to result
 * @param kktResidual the largest scaled KKT violation at {@code solution} (dimensionless: see
 *     {@link OjAlgoQpSolver}); +∞ when it could not be computed
 * @param message one line: the backend, its state, and the reason for anything but OPTIMAL
 */
public record QpResult(double[] solution, double objective, Status status, int iterations,
    long nanos, double kktResidual, String message) {

  /** How far the solution can be trusted; callers {@code switch} over it. */
  public enum Status { OPTIMAL, APPROXIMATE, FAILED }

  /** Checks the contract above (finite, non-null) and copies the solution. */
  public QpResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(solution, "solution");
    for (int i = 0; i < solution.length; i++) {
      if (!Double.isFinite(solution[i])) {
        throw new IllegalStateException("solution[" + i + "] = " + solution[i]
            + ": a QpResult never carries a non-finite alpha");
      }
    }
    if (!Double.isFinite(objective)) {
      throw new IllegalStateException("objective = " + objective
          + ": a QpResult never carries a non-finite objective");
    }
    if (message.indexOf('\n') >= 0) {
      throw new IllegalStateException("message must be one line");
    }
    solution = solution.clone();
  }

  /** α (a copy). */
  @Override
  public double[] solution() {
    return solution.clone();
  }

  /** True for {@link Status#OPTIMAL}. */
  public boolean isOptimal() {
    return status == Status.OPTIMAL;
  }

  /** Number of strictly positive entries of α: the experts the QP keeps. */
  public int numActive() {
    int n = 0;
    for (double a : solution) {
      if (a > 0) {
        n++;
      }
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QpResult r && Arrays.equals(solution, r.solution)
        && Double.compare(objective, r.objective) == 0 && status == r.status
        && iterations == r.iterations && nanos == r.nanos
        && Double.compare(kktResidual, r.kktResidual) == 0 && message.equals(r.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(solution), objective, status, iterations, nanos,
        kktResidual, message);
  }

  @Override
  public String toString() {
    return "QpResult[" + status + ", K=" + solution.length + ", active=" + numActive()
        + ", objective=" + objective + ", kkt=" + kktResidual + ", iterations=" + iterations
        + ", " + nanos / 1_000_000.0 + " ms, " + message + "]";
  }
}
