package org.poevi.fit;

import java.util.Locale;
import org.poevi.qp.QpProblem;
import org.poevi.qp.QpResult;
import org.poevi.qp.QpSolver;

/**
 * One proximal step on α, the same for every objective (SPEC §3, step 4):
 *
 * <pre>
 *   α' = argmin ½ αᵀ(G + λI)α − (h + λ α_prev)ᵀ α   over {α ≥ 0, Σα ≥ c},   λ = trace(G)/(K·η),
 * </pre>
 *
 * then Σα' capped at {@code growthCap}·Σα_prev (runaway α was the prototype's failure mode 3;
 * Σα stays ≥ c), and the step's relative decrease of the objective. Immutable; {@link #take} has
 * no side effects.
 *
 * @param qp the QP solver
 * @param minSum c = D/2 + ε
 * @param growthCap largest factor by which Σα may grow in one step (∞: no cap)
 */
public record AlphaStep(QpSolver qp, double minSum, double growthCap) {

  /**
   * A step taken, or the QP's failure.
   *
   * @param alpha the new α (null when the QP failed)
   * @param qp the QP's result (status, message, time)
   * @param capped whether the growth cap scaled the QP's answer
   * @param delta ‖α' − α_prev‖
   * @param objectiveChange (F(α_prev) − F(α'))/|F(α')|, 0 when both are 0; NaN for a capped step
   *     (it is not the QP's answer, so its change says nothing about convergence)
   */
  public record Result(double[] alpha, QpResult qp, boolean capped, double delta,
      double objectiveChange) {
    public boolean failed() {
      return qp.status() == QpResult.Status.FAILED;
    }

    /** The QP's status as trace.csv writes it. */
    public String status() {
      return qp.status().name().toLowerCase(Locale.ROOT);
    }

    public double qpMillis() {
      return qp.nanos() * 1e-6;
    }
  }

  /** The step from {@code previous} on the objective {@code f} with proximal step η. */
  public Result take(Quadratic f, double[] previous, double eta) {
    // The proximal term goes into copies: f's own matrices are its business.
    double[] g = f.g().clone();
    double[] h = f.h().clone();
    int k = previous.length;
    double trace = 0;
    for (int i = 0; i < k; i++) {
      trace += g[i * k + i];
    }
    double prox = Math.max(trace, 1e-300) / (k * eta);
    for (int i = 0; i < k; i++) {
      g[i * k + i] += prox;
      h[i] += prox * previous[i];
    }
    QpResult r = qp.solve(QpProblem.of(g, h, minSum, previous));
    if (r.status() == QpResult.Status.FAILED) {
      return new Result(null, r, false, Double.NaN, Double.NaN);
    }
    double[] alpha = r.solution();
    for (int i = 0; i < k; i++) {
      alpha[i] = Math.max(alpha[i], 0);
    }
    double growth = sum(alpha) / sum(previous);
    boolean capped = growth > growthCap;
    if (capped) {
      double factor = growthCap / growth;
      for (int i = 0; i < k; i++) {
        alpha[i] *= factor;
      }
    }
    double objectiveChange = capped ? Double.NaN
        : relativeImprovement(f.value(previous), f.value(alpha));
    return new Result(alpha, r, capped, distance(alpha, previous), objectiveChange);
  }

  /** (F(before) − F(after)) / |F(after)|, 0 when both are 0. */
  static double relativeImprovement(double before, double after) {
    double scale = Math.abs(after);
    return scale > 0 ? (before - after) / scale : before == after ? 0 : Double.POSITIVE_INFINITY;
  }

  static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s;
  }

  static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }
}
