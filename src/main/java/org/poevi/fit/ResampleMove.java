package org.poevi.fit;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.math.BlockParallel;
import org.poevi.math.Cholesky;
import org.poevi.math.RandomStreams;
import org.poevi.math.Resampling;

/**
 * Resample-move for the under-p objective: turns an importance-weighted batch into a population of
 * equally weighted draws of p, and moves it with preconditioned MALA (Metropolis-adjusted Langevin)
 * steps, each of which leaves p invariant.
 *
 * <p>Importance sampling alone degenerates with the dimension: from a Gaussian proposal the
 * weights p̃/r keep about exp(−D₂(p‖r)) of the draws, under 1% for a 50-D target whose KL from
 * its best Gaussian is 5 nats. The population of n chains, started from the resampled batch,
 * keeps n draws of p per iteration at the cost of one batch of target evaluations per step.
 *
 * <p>Proposal: z* = z + (h/2)·S·∇log p̃(z) + √h·L·ξ, S = LLᵀ the preliminary Gaussian's
 * covariance, ξ ~ N(0, I). The step h (in units of S) starts at 1.65²·D^(−1/3), the optimal
 * scaling for MALA, and adapts after every step towards an acceptance rate of 0.574 from the
 * whole population's acceptance, so it does not depend on how the work is split. Random numbers
 * come from streams keyed by (iteration, step, block).
 */
final class ResampleMove {
  static final double TARGET_ACCEPTANCE = 0.574;
  private static final int BLOCK = 256;

  private final ScoreEvaluator evaluator;
  private final int dim;
  private double[] covariance;
  private double[] factor;
  private final RandomStreams streams;
  private final int threads;
  private double step;

  ResampleMove(ScoreEvaluator evaluator, int dim, double[] covariance, RandomStreams streams,
      int threads) {
    this.evaluator = evaluator;
    this.dim = dim;
    precondition(covariance);
    this.streams = streams;
    this.threads = threads;
    this.step = 1.65 * 1.65 * Math.pow(dim, -1.0 / 3);
  }

  /** Sets the preconditioner S (row-major D×D, symmetric positive definite). */
  void precondition(double[] covariance) {
    double[] packed = Cholesky.pack(covariance, dim);
    if (!Cholesky.factor(packed, 0, dim)) {
      throw new IllegalArgumentException("the MALA preconditioner is not positive definite");
    }
    this.covariance = covariance.clone();
    this.factor = packed;
  }

  /**
   * Sets the preconditioner to the population's covariance (adaptive MALA across chains: the
   * preliminary Gaussian's S can be far from p's covariance in high dimension, and a poor S slows
   * the chains down). Kept as it is if the population's covariance is singular.
   */
  void preconditionFrom(double[] z, int n) {
    double[] mean = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        mean[d] += z[i * dim + d];
      }
    }
    for (int d = 0; d < dim; d++) {
      mean[d] /= n;
    }
    double[] cov = new double[dim * dim];
    double[] e = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        e[d] = z[i * dim + d] - mean[d];
      }
      for (int a = 0; a < dim; a++) {
        for (int b = 0; b <= a; b++) {
          cov[a * dim + b] += e[a] * e[b] / (n - 1);
        }
      }
    }
    for (int a = 0; a < dim; a++) {
      for (int b = 0; b < a; b++) {
        cov[b * dim + a] = cov[a * dim + b];
      }
    }
    try {
      precondition(cov);
    } catch (IllegalArgumentException singular) {
      // keep the previous preconditioner
    }
  }

  /** The current preconditioner S (a copy). */
  double[] preconditioner() {
    return covariance.clone();
  }

  /** The current step h, in units of S. */
  double step() {
    return step;
  }

  /**
   * Replaces the n weighted points (z, log p̃, scores) in place by n equally weighted ones, by
   * systematic resampling of exp(logW); copies of one point are spread by a shuffle.
   */
  void resample(double[] z, double[] logP, double[] scores, double[] logW, int n,
      long iteration) {
    UniformRandomProvider rng = streams.stream(RandomStreams.MOVE, iteration, -1);
    int[] counts = Resampling.systematicCounts(logW, n, n, rng);
    int[] order = new int[n];
    int next = 0;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < counts[i]; c++) {
        order[next++] = i;
      }
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    double[] z0 = z.clone();
    double[] p0 = logP.clone();
    double[] s0 = scores.clone();
    for (int i = 0; i < n; i++) {
      int from = order[i];
      System.arraycopy(z0, from * dim, z, i * dim, dim);
      System.arraycopy(s0, from * dim, scores, i * dim, dim);
      logP[i] = p0[from];
    }
  }

  /**
   * Moves the population (z, log p̃, scores; n points) by {@code steps} MALA steps in place.
   * Returns the mean acceptance rate over the steps.
   */
  double move(double[] z, double[] logP, double[] scores, int n, int steps, long iteration) {
    double[] proposal = new double[n * dim];
    double[] proposalLogP = new double[n];
    double[] proposalScores = new double[n * dim];
    double[] forward = new double[n];
    double[] logU = new double[n];
    boolean[] accepted = new boolean[n];
    int numBlocks = (n + BLOCK - 1) / BLOCK;
    double acceptance = 0;
    for (int s = 0; s < steps; s++) {
      long stepIndex = s;
      double h = step;
      BlockParallel.forEach(numBlocks, threads, () -> new double[2 * dim], (block, scratch) -> {
        UniformRandomProvider rng = streams.stream(RandomStreams.MOVE, iteration, stepIndex,
            block);
        ZigguratSampler.NormalizedGaussian normal = ZigguratSampler.NormalizedGaussian.of(rng);
        for (int i = block * BLOCK; i < Math.min(n, (block + 1) * BLOCK); i++) {
          double squares = 0;
          for (int d = 0; d < dim; d++) {
            double xi = normal.sample();
            scratch[d] = xi;
            squares += xi * xi;
          }
          lowerTimes(scratch, scratch, dim);
          drift(z, scores, i, h, proposal, i);
          for (int d = 0; d < dim; d++) {
            proposal[i * dim + d] += Math.sqrt(h) * scratch[d];
          }
          forward[i] = -0.5 * squares;
          logU[i] = Math.log(rng.nextDouble());
        }
      });
      evaluator.evaluate(proposal, n, proposalLogP, proposalScores);
      BlockParallel.forEach(numBlocks, threads, () -> new double[dim], (block, reverse) -> {
        for (int i = block * BLOCK; i < Math.min(n, (block + 1) * BLOCK); i++) {
          accepted[i] = false;
          if (proposalLogP[i] == Double.NEGATIVE_INFINITY) {
            continue;
          }
          // Reverse move density: z − z* − (h/2)·S·∇log p̃(z*) = √h·L·ξ'.
          drift(proposal, proposalScores, i, h, reverse, 0);
          for (int d = 0; d < dim; d++) {
            reverse[d] = z[i * dim + d] - reverse[d];
          }
          Cholesky.solveLower(factor, 0, dim, reverse, 0);
          double squares = 0;
          for (int d = 0; d < dim; d++) {
            squares += reverse[d] * reverse[d];
          }
          double logRatio = proposalLogP[i] - logP[i] - 0.5 * squares / h - forward[i];
          if (logU[i] < logRatio) {
            accepted[i] = true;
            System.arraycopy(proposal, i * dim, z, i * dim, dim);
            System.arraycopy(proposalScores, i * dim, scores, i * dim, dim);
            logP[i] = proposalLogP[i];
          }
        }
      });
      int count = 0;
      for (boolean a : accepted) {
        count += a ? 1 : 0;
      }
      double rate = (double) count / n;
      acceptance += rate;
      // Adapt h on the whole population's rate (independent of the block split); bounded so that
      // one bad step cannot collapse or blow up the scale.
      step *= Math.exp(Math.max(-1, Math.min(1, 2 * (rate - TARGET_ACCEPTANCE))));
    }
    return steps == 0 ? Double.NaN : acceptance / steps;
  }

  /** out[outRow] = z[row] + (h/2)·S·scores[row]. */
  private void drift(double[] z, double[] scores, int row, double h, double[] out, int outRow) {
    for (int a = 0; a < dim; a++) {
      double s = 0;
      for (int b = 0; b < dim; b++) {
        s += covariance[a * dim + b] * scores[row * dim + b];
      }
      out[outRow * dim + a] = z[row * dim + a] + 0.5 * h * s;
    }
  }

  /** out = L·x for the packed lower factor (out may alias x: rows are done bottom-up). */
  private void lowerTimes(double[] x, double[] out, int n) {
    for (int i = n - 1; i >= 0; i--) {
      int row = i * (i + 1) / 2;
      double s = 0;
      for (int k = 0; k <= i; k++) {
        s += factor[row + k] * x[k];
      }
      out[i] = s;
    }
  }
}
