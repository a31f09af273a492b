package org.poevi.fit;

import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.family.SharedMetric;
import org.poevi.math.BlockParallel;
import org.poevi.math.RandomStreams;
import org.poevi.math.SymmetricEigen;
import org.poevi.targets.BatchTarget;
import org.poevi.targets.Target;

/**
 * The local curvature of log p at many points as a structured matrix c·M + U Uᵀ (issue #20), from
 * Hessian–vector products instead of dense Hessians.
 *
 * <p>In the whitened frame of the shared metric M = L Lᵀ the negative Hessian is
 * H' = L⁻¹ H L⁻ᵀ (the identity for a Gaussian whose precision is M). A randomised range finder
 * (Halko, Martinsson and Tropp 2011) with p Gaussian probes ω_i gives Y = H'Ω; Q = orth(Y);
 * a second pass gives B = Qᵀ H' Q, whose eigenpairs (λ_j, s_j) are the top of H'. The probes'
 * Hutchinson estimate tr(H') ≈ mean ω_iᵀ H' ω_i gives the mean curvature off span(Q):
 * c = (tr(H') − tr(B))/(D − p), floored. Then H' ≈ c·I + Σ_{λ_j &gt; c} (λ_j − c) q_j q_jᵀ,
 * keeping the r largest, i.e. H ≈ c·M + U Uᵀ with u_j = L Q s_j √(λ_j − c).
 *
 * <p>Each product is a central difference of the gradient along L⁻ᵀ ω with a whitened step of
 * {@value #STEP}: 4p gradient evaluations per point, in two batches over all points (one pass
 * each over a data set for a {@link BatchTarget}). The probes come from stream (POOL, 2, point),
 * so the result does not depend on the threads.
 *
 * <p>Probes of point i come from stream (POOL, 2, firstStream + i).
 */
final class CurvatureSketch {
  /** Whitened length of the difference steps: posterior sds are about 1 in that frame. */
  static final double STEP = 1e-3;

  /** c and the D×r column-major U of one point. */
  record Curvature(double scale, double[] lowRank) {}

  private CurvatureSketch() {}

  /**
   * @param probes p ≥ rank, probes per point
   * @param rank r, at most this many low-rank columns per point
   * @param floor the whitened curvature below which c is raised
   * @return one curvature per point, and the gradient evaluations they used in {@code used[0]}
   */
  static Curvature[] at(Target target, double[][] points, SharedMetric metric, int probes,
      int rank, double floor, RandomStreams streams, long firstStream, int threads,
      long[] used) {
    int dim = target.dim();
    int count = points.length;
    int p = Math.min(probes, dim);
    double[][] omega = new double[count][];
    for (int i = 0; i < count; i++) {
      var normal = ZigguratSampler.NormalizedGaussian.of(streams.stream(RandomStreams.POOL, 2,
          firstStream + i));
      omega[i] = new double[p * dim];
      for (int j = 0; j < omega[i].length; j++) {
        omega[i][j] = normal.sample();
      }
    }
    double[][] y = products(target, points, omega, p, metric, threads);
    double[] trace = new double[count];
    double[][] q = new double[count][];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < p; j++) {
        trace[i] += dot(omega[i], j * dim, y[i], j * dim, dim) / p;
      }
      q[i] = orthonormal(y[i], p, dim);
    }
    double[][] hq = products(target, points, q, p, metric, threads);
    used[0] += 4L * p * count;
    Curvature[] out = new Curvature[count];
    BlockParallel.forEach(count, threads, () -> null, (i, unused) -> out[i] = curvature(q[i],
        hq[i], trace[i], p, rank, floor, dim, metric));
    return out;
  }

  private static Curvature curvature(double[] q, double[] hq, double trace, int p, int rank,
      double floor, int dim, SharedMetric metric) {
    for (int i = 0; i < hq.length; i++) {
      if (!Double.isFinite(hq[i]) || !Double.isFinite(trace)) {
        // A difference step left the support (or the target overflowed): a wide expert.
        return new Curvature(floor, new double[0]);
      }
    }
    double[] b = new double[p * p];
    double traceB = 0;
    for (int a = 0; a < p; a++) {
      for (int c = 0; c <= a; c++) {
        double v = 0.5 * (dot(q, a * dim, hq, c * dim, dim) + dot(q, c * dim, hq, a * dim, dim));
        b[a * p + c] = v;
        b[c * p + a] = v;
      }
      traceB += b[a * p + a];
    }
    SymmetricEigen eigen = SymmetricEigen.of(b, p);
    double scale = dim > p ? (trace - traceB) / (dim - p) : eigen.minValue();
    scale = Math.max(scale, floor);
    double[] values = eigen.values();
    int kept = 0;
    for (int j = p - 1; j >= 0 && kept < rank && values[j] > scale; j--) {
      kept++;
    }
    double[] u = new double[kept * dim];
    double[] vectors = eigen.vectors();
    for (int k = 0; k < kept; k++) {
      int j = p - 1 - k;
      double root = Math.sqrt(values[j] - scale);
      double[] column = new double[dim];
      for (int a = 0; a < p; a++) {
        double s = vectors[a * p + j] * root;
        for (int d = 0; d < dim; d++) {
          column[d] += s * q[a * dim + d];
        }
      }
      metric.factorTimes(column);
      System.arraycopy(column, 0, u, k * dim, dim);
    }
    return new Curvature(scale, u);
  }

  /** Modified Gram–Schmidt on the p columns of y (D×p column-major); a null column stays 0. */
  private static double[] orthonormal(double[] y, int p, int dim) {
    double[] q = y.clone();
    for (int j = 0; j < p; j++) {
      for (int k = 0; k < j; k++) {
        double r = dot(q, k * dim, q, j * dim, dim);
        for (int d = 0; d < dim; d++) {
          q[j * dim + d] -= r * q[k * dim + d];
        }
      }
      double norm = Math.sqrt(dot(q, j * dim, q, j * dim, dim));
      for (int d = 0; d < dim; d++) {
        q[j * dim + d] = norm > 0 ? q[j * dim + d] / norm : 0;
      }
    }
    return q;
  }

  /**
   * H'v for the p columns of each point's v (D×p column-major): −L⁻¹(g(x + δ) − g(x − δ))/(2t)
   * with δ = t·L⁻ᵀv/‖v‖·‖v‖, t = STEP/‖v‖, all 2p·count gradients in one batch.
   */
  private static double[][] products(Target target, double[][] points, double[][] v, int p,
      SharedMetric metric, int threads) {
    int dim = target.dim();
    int count = points.length;
    int n = count * 2 * p;
    double[] z = new double[n * dim];
    double[] steps = new double[count * p];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < p; j++) {
        double norm = Math.sqrt(dot(v[i], j * dim, v[i], j * dim, dim));
        double t = norm > 0 ? STEP / norm : 0;
        steps[i * p + j] = t;
        double[] direction = new double[dim];
        for (int d = 0; d < dim; d++) {
          direction[d] = t * v[i][j * dim + d];
        }
        metric.factorTransposeSolve(direction);
        int plus = ((i * p + j) * 2) * dim;
        for (int d = 0; d < dim; d++) {
          z[plus + d] = points[i][d] + direction[d];
          z[plus + dim + d] = points[i][d] - direction[d];
        }
      }
    }
    double[] grad = gradients(target, z, n, threads);
    double[][] out = new double[count][p * dim];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < p; j++) {
        double t = steps[i * p + j];
        int plus = ((i * p + j) * 2) * dim;
        double[] column = new double[dim];
        for (int d = 0; d < dim; d++) {
          column[d] = t > 0 ? -(grad[plus + d] - grad[plus + dim + d]) / (2 * t) : 0;
        }
        metric.factorSolve(column);
        System.arraycopy(column, 0, out[i], j * dim, dim);
      }
    }
    return out;
  }

  /** ∇log p̃ at n points (n×D row-major): one batch for a {@link BatchTarget}, else threads. */
  private static double[] gradients(Target target, double[] z, int n, int threads) {
    int dim = target.dim();
    double[] grad = new double[n * dim];
    if (target instanceof BatchTarget batch) {
      batch.logDensities(z, n, new double[n], grad);
      return grad;
    }
    BlockParallel.forEach(n, threads, () -> new double[][] {new double[dim], new double[dim]},
        (i, s) -> {
          System.arraycopy(z, i * dim, s[0], 0, dim);
          target.logDensity(s[0], s[1]);
          System.arraycopy(s[1], 0, grad, i * dim, dim);
        });
    return grad;
  }

  private static double dot(double[] a, int aOff, double[] b, int bOff, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }
}
