package org.poevi.fit;

import org.poevi.math.BlockParallel;
import org.poevi.math.SymmetricEigen;
import org.poevi.targets.BatchTarget;
import org.poevi.targets.Target;

/** Negative Hessians of log p: analytic when the target has one, else differenced gradients. */
final class Hessians {
  private Hessians() {}

  /**
   * −∇²log p̃(x), row-major D×D, symmetrised. Without an analytic Hessian: central differences of
   * the gradient with step h_i = 1e-4·max(1, |x_i|) (error O(h²) from the third derivative plus
   * O(ε/h) rounding, about 1e-8 relative for smooth targets), 2D gradient evaluations, then
   * again with smaller steps where those spanned a tenth of a conditional sd ({@link #refined}).
   *
   * @return the Hessian and the gradient evaluations it used (none for an analytic one)
   */
  static Curvatures negativeHessian(Target target, double[] x) {
    int dim = x.length;
    double[] h = new double[dim * dim];
    if (target.hessian(x.clone(), h)) {
      for (int i = 0; i < h.length; i++) {
        h[i] = -h[i];
      }
      return new Curvatures(new double[][] {symmetrised(h, dim)}, 0);
    }
    double[] steps = new double[dim];
    for (int i = 0; i < dim; i++) {
      steps[i] = 1e-4 * Math.max(1, Math.abs(x[i]));
    }
    long evaluations = 0;
    for (int round = 0; steps != null; round++) {
      h = differenced(target, x, steps);
      evaluations += 2L * dim;
      steps = round < REFINEMENTS ? refined(h, steps, x, dim) : null;
    }
    return new Curvatures(new double[][] {symmetrised(h, dim)}, evaluations);
  }

  /** Central differences of the gradient at x with the given steps: −∇² log p̃, not symmetrised. */
  private static double[] differenced(Target target, double[] x, double[] steps) {
    int dim = x.length;
    double[] h = new double[dim * dim];
    double[] plus = new double[dim];
    double[] minus = new double[dim];
    for (int i = 0; i < dim; i++) {
      double[] xp = x.clone();
      double[] xm = x.clone();
      xp[i] += steps[i];
      xm[i] -= steps[i];
      target.logDensity(xp, plus);
      target.logDensity(xm, minus);
      for (int j = 0; j < dim; j++) {
        h[j * dim + i] = -(plus[j] - minus[j]) / (2 * steps[i]);
      }
    }
    return h;
  }

  /** Differenced Hessians are refined at most this many times ({@link #refined}). */
  static final int REFINEMENTS = 2;

  /**
   * Smaller steps where a step spans more than a tenth of the conditional sd 1/√H_ii that the
   * differenced H itself gives: a hundredth of it, but at least 10⁻⁸·max(1, |x_i|) (rounding).
   * The default step is relative to |x_i|, so a narrow posterior far from the origin (sd 0.02 at
   * x = 2000: a step of 0.2) was differenced over ten sds, and its curvature came out wrong
   * enough that the mode search found no mode. Null when every step is fine already; a target of
   * unit scale never needs it, so its Hessians are those of a single pass.
   */
  static double[] refined(double[] h, double[] steps, double[] x, int dim) {
    double[] out = null;
    for (int i = 0; i < dim; i++) {
      double hii = h[i * dim + i];
      if (!(hii > 0) || !Double.isFinite(hii)) {
        continue;
      }
      double sd = 1 / Math.sqrt(hii);
      if (steps[i] > 0.1 * sd) {
        if (out == null) {
          out = steps.clone();
        }
        out[i] = Math.max(0.01 * sd, 1e-8 * Math.max(1, Math.abs(x[i])));
      }
    }
    return out;
  }

  /** Negative Hessians at points, and the gradient evaluations they used. */
  record Curvatures(double[][] hessians, long evaluations) {}

  /**
   * {@link #negativeHessian} at many points; a {@link BatchTarget}'s analytic Hessians come in one
   * call ({@link BatchTarget#hessians}: one pass over its data), and without them all differenced
   * gradients are evaluated as one batch (one pass over its data instead of 2D per point).
   */
  static Curvatures negativeHessians(Target target, double[][] points, int threads) {
    return negativeHessians(target, points, threads, Progress.SILENT);
  }

  /** As above, telling {@code progress} how many points are done (a batch target: one pass). */
  static Curvatures negativeHessians(Target target, double[][] points, int threads,
      Progress progress) {
    int count = points.length;
    double[][] out = new double[count][];
    if (!(target instanceof BatchTarget batch) || count == 0) {
      long[] counts = new long[count];
      java.util.concurrent.atomic.AtomicInteger done =
          new java.util.concurrent.atomic.AtomicInteger();
      BlockParallel.forEach(count, threads, () -> null, (i, unused) -> {
        Curvatures one = negativeHessian(target, points[i]);
        out[i] = one.hessians()[0];
        counts[i] = one.evaluations();
        progress.advance(done.incrementAndGet(), count);
      });
      long evaluations = 0;
      for (long c : counts) {
        evaluations += c;
      }
      return new Curvatures(out, evaluations);
    }
    int dim = target.dim();
    if (analytic(batch, points, out)) {
      progress.advance(count, count);
      return new Curvatures(out, 0);
    }
    double[][] steps = new double[count][dim];
    int[] which = new int[count];
    for (int p = 0; p < count; p++) {
      which[p] = p;
      for (int i = 0; i < dim; i++) {
        steps[p][i] = 1e-4 * Math.max(1, Math.abs(points[p][i]));
      }
    }
    long evaluations = 0;
    for (int round = 0; which.length > 0; round++) {
      differenced(batch, points, steps, which, out);
      evaluations += (long) which.length * 2 * dim;
      int next = 0;
      for (int p : which) {
        double[] finer = round < REFINEMENTS ? refined(out[p], steps[p], points[p], dim) : null;
        if (finer != null) {
          steps[p] = finer;
          which[next++] = p;
        }
      }
      which = java.util.Arrays.copyOf(which, next);
    }
    for (int p = 0; p < count; p++) {
      out[p] = symmetrised(out[p], dim);
    }
    return new Curvatures(out, evaluations);
  }

  /**
   * Differenced negative Hessians (not symmetrised) at the points listed in {@code which}, with
   * their steps, into out: all 2D·|which| gradients in one batch (one pass over a data set).
   */
  private static void differenced(BatchTarget batch, double[][] points, double[][] steps,
      int[] which, double[][] out) {
    int dim = batch.dim();
    int n = which.length * 2 * dim;
    double[] z = new double[n * dim];
    for (int k = 0; k < which.length; k++) {
      int p = which[k];
      for (int i = 0; i < dim; i++) {
        int plus = (k * 2 * dim + 2 * i) * dim;
        System.arraycopy(points[p], 0, z, plus, dim);
        System.arraycopy(points[p], 0, z, plus + dim, dim);
        z[plus + i] += steps[p][i];
        z[plus + dim + i] -= steps[p][i];
      }
    }
    double[] logP = new double[n];
    double[] grad = new double[n * dim];
    batch.logDensities(z, n, logP, grad);
    for (int k = 0; k < which.length; k++) {
      int p = which[k];
      double[] h = new double[dim * dim];
      for (int i = 0; i < dim; i++) {
        int plus = (k * 2 * dim + 2 * i) * dim;
        for (int j = 0; j < dim; j++) {
          h[j * dim + i] = -(grad[plus + j] - grad[plus + dim + j]) / (2 * steps[p][i]);
        }
      }
      out[p] = h;
    }
  }

  /**
   * The batch target's analytic negative Hessians at the points into out, in one call; false
   * when it has none.
   */
  private static boolean analytic(BatchTarget batch, double[][] points, double[][] out) {
    int count = points.length;
    int dim = batch.dim();
    double[] flat = new double[count * dim];
    for (int p = 0; p < count; p++) {
      System.arraycopy(points[p], 0, flat, p * dim, dim);
    }
    double[] hessians = new double[count * dim * dim];
    if (!batch.hessians(flat, count, hessians)) {
      return false;
    }
    for (int p = 0; p < count; p++) {
      double[] h = java.util.Arrays.copyOfRange(hessians, p * dim * dim, (p + 1) * dim * dim);
      for (int i = 0; i < h.length; i++) {
        h[i] = -h[i];
      }
      out[p] = symmetrised(h, dim);
    }
    return true;
  }

  private static double[] symmetrised(double[] h, int dim) {
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < i; j++) {
        double avg = 0.5 * (h[i * dim + j] + h[j * dim + i]);
        h[i * dim + j] = avg;
        h[j * dim + i] = avg;
      }
    }
    return h;
  }

  /**
   * The symmetric matrix with its eigenvalues raised to at least {@code floor} (&gt; 0): a positive
   * definite curvature where the target is flat or not log-concave. Non-finite input gives
   * floor·I.
   */
  static double[] floored(double[] h, int dim, double floor) {
    return floored(h, dim, floor, MAX_CONDITION);
  }

  /** Largest ratio of curvatures {@link #floored} keeps. */
  static final double MAX_CONDITION = 1e8;

  /** As {@link #floored(double[], int, double)} with the largest ratio of eigenvalues given. */
  static double[] floored(double[] h, int dim, double floor, double maxCondition) {
    for (double v : h) {
      if (!Double.isFinite(v)) {
        double[] out = new double[dim * dim];
        for (int i = 0; i < dim; i++) {
          out[i * dim + i] = floor;
        }
        return out;
      }
    }
    SymmetricEigen eigen = SymmetricEigen.of(h, dim);
    double[] values = eigen.values();
    double[] vectors = eigen.vectors();
    double[] out = new double[dim * dim];
    // Relative floor too: a curvature spanning more than MAX_CONDITION (a funnel's neck, 1/tau^2
    // against tau^0) would be numerically singular to the normalisability checks downstream.
    double relative = values[dim - 1] / maxCondition;
    for (int k = 0; k < dim; k++) {
      double v = Math.max(values[k], Math.max(floor, relative));
      for (int i = 0; i < dim; i++) {
        double vik = vectors[i * dim + k] * v;
        for (int j = 0; j < dim; j++) {
          out[i * dim + j] += vik * vectors[j * dim + k];
        }
      }
    }
    return symmetrised(out, dim);
  }

  /** Smallest and largest eigenvalue of a symmetric matrix. */
  static double[] eigenRange(double[] h, int dim) {
    SymmetricEigen eigen = SymmetricEigen.of(h, dim);
    return new double[] {eigen.minValue(), eigen.maxValue()};
  }
}
