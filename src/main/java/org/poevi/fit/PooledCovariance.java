package org.poevi.fit;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;
import org.poevi.math.SampleMoments;

/**
 * p's covariance and mean from a MALA population smaller than 128·D chains (a structured fit's:
 * the batch size), pooled over the steps after burn-in (issue #20). n chains estimate a D×D
 * covariance with a KL error of about D²/(4n): 11 nats for 2048 chains at D = 300, 122 at
 * D = 1000. Successive positions of a chain are correlated, so how many steps a good estimate
 * needs is measured, not assumed: the estimate over the first half of the steps and the one over
 * the second half are compared whenever the steps have doubled. Their KL divergence is about four
 * times the KL error of the pooled estimate (the halves' errors are independent, each with twice
 * the variance of the whole's), and pooling stops once that error is at most
 * {@value #TOLERANCE_PER_DIMENSION}·D nats, or after move-burn-in × {@value #MAX_STEPS_FACTOR}
 * steps. The pooled estimate is then shrunk towards the preliminary covariance by the weight that
 * the split halves' noise calls for ({@link #shrinkage}).
 *
 * <p>Every estimate is Stein's ratio ({@link #steinRatio}), not the positions' covariance: the
 * chains' scores cancel the Gaussian part of its error. On sinh-arcsinh D = 1000 (2048 chains)
 * the positions' covariance was 8.1 nats off after 1000 steps; Stein's ratio was 0.94 nats off
 * after 1600, and the fit's KL(p; q) went from 107.05 to 102.60 against the best Gaussian's
 * 101.80 (docs/benchmarks.md). The tolerance was 0.005·D before the ratio.
 */
final class PooledCovariance {
  /** The first half has at least this many times 10·D chain positions. */
  static final int MIN_FACTOR = 4;
  /** The pooled estimate's KL error that stops the pooling, per dimension (nats). */
  static final double TOLERANCE_PER_DIMENSION = 0.001;
  /** At most this many times move-burn-in steps are pooled. */
  static final int MAX_STEPS_FACTOR = 40;

  /**
   * @param chains the population after the last pooled step
   * @param covariance the pooled covariance, row-major D×D, exactly symmetric
   * @param steps the MALA steps pooled
   * @param error the last split-half estimate of the pooled covariance's KL error (nats)
   * @param shrinkage ρ of {@link #shrunk}
   * @param mean p's mean over the pooled steps with Stein's control variate, z̄ + Σ̂·s̄ (s̄ the
   *     mean score, 0 in expectation): exact when p is Gaussian, as the covariance is. One
   *     snapshot's mean of n chains is off by about D/(2n) nats of KL, 0.24 at D = 1000 with 2048
   *     chains; this is what the pool's bulk and broad experts are centred on.
   */
  record Result(Chains chains, double[] covariance, int steps, double error, double shrinkage,
      double[] mean) {}

  private PooledCovariance() {}

  /**
   * Runs groups of {@code groupSteps} adaptive MALA steps (streams keyed from −1 − firstStep on,
   * continuing the burn-in's) and pools the chains' covariance after each group.
   */
  static Result pool(ResampleMove mover, Chains chains, int groupSteps, int burnIn,
      int firstStep, double[] prior) {
    int dim = chains.dim();
    double[] priorFactor = factor(prior, dim);
    int n = chains.size();
    int firstGroups = (int) Math.ceil(MIN_FACTOR * ResampleMove.CHAINS_PER_COVARIANCE
        * (double) dim / n);
    int maxSteps = Math.max(MAX_STEPS_FACTOR * burnIn, 2 * firstGroups * groupSteps);
    // Each: the covariance sums (D×D), then the Stein sums Σ(z − z̄)∇log pᵀ (D×D).
    double[] total = new double[2 * dim * dim];
    double[] recent = new double[2 * dim * dim];
    double[] centred = new double[n * dim];
    double[] meanSums = new double[2 * dim];
    int totalGroups = 0;
    int recentGroups = 0;
    int done = 0;
    double error = Double.NaN;
    double noise = Double.NaN;
    while (true) {
      chains = mover.adapt(chains, groupSteps, -1 - firstStep - done);
      done += groupSteps;
      boolean first = totalGroups < firstGroups;
      addCovariance(chains, centred, first ? total : recent);
      addMeans(chains, meanSums);
      if (first) {
        totalGroups++;
        continue;
      }
      recentGroups++;
      boolean capped = done + groupSteps > maxSteps;
      if (recentGroups == totalGroups || capped) {
        if (recentGroups == totalGroups) {
          double[] early = steinRatio(total, totalGroups, dim);
          double[] late = steinRatio(recent, recentGroups, dim);
          error = halvesKl(early, late, dim) / 4;
          for (int i = 0; i < early.length; i++) {
            early[i] -= late[i];
          }
          // The halves' difference has four times the variance of the whole's error.
          noise = whitenedSquaredNorm(early, priorFactor, dim) / 4;
        }
        for (int i = 0; i < total.length; i++) {
          total[i] += recent[i];
          recent[i] = 0;
        }
        totalGroups += recentGroups;
        recentGroups = 0;
        if (capped || error <= TOLERANCE_PER_DIMENSION * dim) {
          double[] pooled = steinRatio(total, totalGroups, dim);
          double rho = shrinkage(pooled, prior, priorFactor, noise, dim);
          for (int i = 0; i < pooled.length; i++) {
            pooled[i] = (1 - rho) * pooled[i] + rho * prior[i];
          }
          return new Result(chains, pooled, done, error, rho, steinMean(meanSums, totalGroups, pooled,
              dim));
        }
      }
    }
  }

  /**
   * The weight ρ of linear shrinkage towards the preliminary covariance S, scaled to the pooled
   * one's size (κ·S, κ = tr(S⁻¹C)/D), that minimises the expected squared error in S's whitened
   * frame (Ledoit and Wolf's rule): ρ = E‖noise‖² / ‖S^{-1/2}(C − κS)S^{-1/2}‖²_F, the noise from
   * the split halves. {@code prior} is replaced by κ·S.
   */
  static double shrinkage(double[] pooled, double[] prior, double[] priorFactor, double noise,
      int dim) {
    double[] w = whitened(pooled, priorFactor, dim);
    double kappa = 0;
    for (int d = 0; d < dim; d++) {
      kappa += w[d * dim + d] / dim;
    }
    double spread = 0;
    for (int a = 0; a < dim; a++) {
      for (int b = 0; b < dim; b++) {
        double v = w[a * dim + b] - (a == b ? kappa : 0);
        spread += v * v;
      }
    }
    for (int i = 0; i < prior.length; i++) {
      prior[i] *= kappa;
    }
    double rho = noise / spread;
    return rho >= 0 ? Math.min(1, rho) : 0;
  }

  /** The lower Cholesky factor of a symmetric positive-definite D×D matrix (column-major). */
  private static double[] factor(double[] spd, int dim) {
    double[] l = spd.clone();
    intW info = new intW(0);
    LAPACK.getInstance().dpotrf("L", dim, l, dim, info);
    if (info.val != 0) {
      throw new IllegalArgumentException("the preliminary covariance is not positive definite");
    }
    return l;
  }

  /** L⁻¹ X L⁻ᵀ for symmetric X and the lower factor L (two dtrsm). */
  private static double[] whitened(double[] x, double[] lower, int dim) {
    double[] w = x.clone();
    BLAS blas = BLAS.getInstance();
    blas.dtrsm("L", "L", "N", "N", dim, dim, 1.0, lower, dim, w, dim);
    blas.dtrsm("R", "L", "T", "N", dim, dim, 1.0, lower, dim, w, dim);
    return w;
  }

  private static double whitenedSquaredNorm(double[] x, double[] lower, int dim) {
    double sum = 0;
    for (double v : whitened(x, lower, dim)) {
      sum += v * v;
    }
    return sum;
  }

  /**
   * out[0, D²) (its row-major lower triangle) += the chains' covariance C about their mean, in one
   * dsyrk, and out[D², 2D²) (column-major) += G = Σ(z − z̄)∇log p(z)ᵀ/(n − 1), in one dgemm: a
   * fixed order, whatever the threads. {@code centred} (n·D) is scratch.
   */
  static void addCovariance(Chains chains, double[] centred, double[] out) {
    int n = chains.size();
    int dim = chains.dim();
    double[] z = chains.z();
    double[] mean = SampleMoments.mean(z, n, dim);
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        centred[i * dim + d] = z[i * dim + d] - mean[d];
      }
    }
    // Row-major n×D is column-major D×n: C += E Eᵀ/(n − 1), whose column-major upper triangle
    // is the row-major lower one; mirrored() completes it.
    BLAS.getInstance().dsyrk("U", "N", dim, n, 1.0 / (n - 1), centred, dim, 1.0, out, dim);
    BLAS.getInstance().dgemm("N", "T", dim, dim, n, 1.0 / (n - 1), centred, 0, dim,
        chains.scores(), 0, dim, 1.0, out, dim * dim, dim);
  }

  /** sums[0, D) += the chains' mean position, sums[D, 2D) += their mean score. */
  static void addMeans(Chains chains, double[] sums) {
    int n = chains.size();
    int dim = chains.dim();
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        sums[d] += chains.z()[i * dim + d] / n;
        sums[dim + d] += chains.scores()[i * dim + d] / n;
      }
    }
  }

  /** z̄ + Σ̂·s̄ from the sums of {@link #addMeans} over {@code groups} groups. */
  static double[] steinMean(double[] sums, int groups, double[] covariance, int dim) {
    double[] mean = new double[dim];
    for (int a = 0; a < dim; a++) {
      double v = sums[a];
      for (int b = 0; b < dim; b++) {
        v += covariance[a * dim + b] * sums[dim + b];
      }
      mean[a] = v / groups;
    }
    return mean;
  }

  /**
   * The Stein ratio estimate of p's covariance, −½(G⁻¹C + CG⁻ᵀ), from the sums of
   * {@link #addCovariance} over {@code groups} groups. Stein's identity E_p[(z − μ)∇log pᵀ] = −I
   * makes it consistent for any p with light enough tails, as C is. When p is Gaussian, ∇log p =
   * −Σ⁻¹(z − μ) and G = −CΣ⁻¹ draw for draw, so the estimate is exact from any D + 1 distinct
   * positions: what is left is the error of p's non-Gaussian part. On sinh-arcsinh D = 100
   * (independent draws) its KL error was a third of C's at every n. Falls back to C when G is
   * singular or the estimate is not positive definite.
   */
  static double[] steinRatio(double[] sums, int groups, int dim) {
    double[] c = mirrored(sums, groups, dim);
    double[] g = new double[dim * dim];
    for (int i = 0; i < g.length; i++) {
      g[i] = sums[dim * dim + i] / groups;
    }
    double[] x = c.clone();
    int[] pivots = new int[dim];
    intW info = new intW(0);
    LAPACK.getInstance().dgesv(dim, dim, g, dim, pivots, x, dim, info);
    if (info.val != 0) {
      return c;
    }
    // x = G⁻¹C column-major (C is symmetric, so its layout does not matter).
    double[] out = new double[dim * dim];
    for (int a = 0; a < dim; a++) {
      for (int b = 0; b <= a; b++) {
        double v = -0.5 * (x[a * dim + b] + x[b * dim + a]);
        out[a * dim + b] = v;
        out[b * dim + a] = v;
      }
    }
    double[] l = out.clone();
    LAPACK.getInstance().dpotrf("L", dim, l, dim, info);
    return info.val == 0 ? out : c;
  }

  /** sum / groups with the upper triangle copied from the lower one. */
  private static double[] mirrored(double[] sum, int groups, int dim) {
    double[] out = new double[dim * dim];
    for (int a = 0; a < dim; a++) {
      for (int b = 0; b <= a; b++) {
        double v = sum[a * dim + b] / groups;
        out[a * dim + b] = v;
        out[b * dim + a] = v;
      }
    }
    return out;
  }

  /**
   * KL(N(0, B) ‖ N(0, A)) = ½[tr(A⁻¹B) − D − log|A⁻¹B|], from the Cholesky factors of A and B
   * (LAPACK dpotrf) and one dtrsm; infinite when either is not positive definite.
   */
  static double halvesKl(double[] a, double[] b, int dim) {
    double[] la = a.clone();
    double[] lb = b.clone();
    intW info = new intW(0);
    // Row-major symmetric = column-major symmetric: "L" factors the lower triangle.
    LAPACK.getInstance().dpotrf("L", dim, la, dim, info);
    if (info.val != 0) {
      return Double.POSITIVE_INFINITY;
    }
    LAPACK.getInstance().dpotrf("L", dim, lb, dim, info);
    if (info.val != 0) {
      return Double.POSITIVE_INFINITY;
    }
    double logDet = 0;
    for (int j = 0; j < dim; j++) {
      logDet += 2 * (Math.log(lb[j * dim + j]) - Math.log(la[j * dim + j]));
      for (int i = 0; i < j; i++) {
        lb[j * dim + i] = 0; // column j above the diagonal: not part of L_B
      }
    }
    // X = L_A⁻¹ L_B, and tr(A⁻¹B) = ‖X‖²_F.
    BLAS.getInstance().dtrsm("L", "L", "N", "N", dim, dim, 1.0, la, dim, lb, dim);
    double trace = 0;
    for (double v : lb) {
      trace += v * v;
    }
    return 0.5 * (trace - dim - logDet);
  }
}
