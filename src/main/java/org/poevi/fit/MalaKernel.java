package org.poevi.fit;

import java.io.Serializable;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.math.Cholesky;
import org.poevi.math.Langevin;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;

/**
 * One fixed preconditioned, truncated MALA kernel ({@link ResampleMove}): the step h and the
 * packed Cholesky factor L of S. Chains move in blocks of {@value #BLOCK}; block b's random
 * numbers at step s come from the stream (MOVE, key, s, b), so a block can be moved by any worker,
 * and chains of different blocks never interact: a frozen kernel's chains can be moved where they
 * live, several steps in a row, with the same bits anywhere ({@link MoveTask} runs the steps).
 */
public final class MalaKernel implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Chains per block (one random stream per block and step). */
  public static final int BLOCK = 256;

  /** Above this dimension a block's products with L are BLAS-3 (dtrmm, dtrsm). */
  static final int BLOCKED_DIM = 100;

  private final int dim;
  private final double[] factor;
  private final double step;
  /** L as a full column-major matrix for BLAS, formed on first use. */
  private transient volatile double[] full;
  /** Whether blocks use BLAS-3 (above {@value #BLOCKED_DIM} dimensions; tests may force it). */
  private final boolean blocked;
  /** The proposal r of an independence kernel, or null for MALA. */
  private final MultivariateT independence;

  MalaKernel(int dim, double[] factor, double step) {
    this(dim, factor, step, dim > BLOCKED_DIM, null);
  }

  private MalaKernel(int dim, double[] factor, double step, boolean blocked,
      MultivariateT independence) {
    this.dim = dim;
    this.factor = factor.clone();
    this.step = step;
    this.blocked = blocked;
    this.independence = independence;
  }

  /** The same kernel with blocks forced to BLAS-3 or to chain-by-chain loops (for tests). */
  MalaKernel withBlocked(boolean value) {
    return new MalaKernel(dim, factor, step, value, independence);
  }

  /**
   * The independence Metropolis–Hastings kernel from r instead: z* ~ r, accepted with
   * probability min(1, p̃(z*)r(z) / (p̃(z)r(z*))). It leaves p invariant for any r that covers p,
   * and it moves a chain across p at once where MALA's local steps take long (a funnel's neck
   * and mouth, or a population that starts too narrow).
   */
  MalaKernel independence(MultivariateT r) {
    return new MalaKernel(dim, factor, step, blocked, r);
  }

  /**
   * The kernel with preconditioner S ({@code covariance}, row-major D×D, positive definite) and
   * step h.
   */
  public static MalaKernel of(int dim, double[] covariance, double step) {
    double[] packed = Cholesky.pack(covariance, dim);
    if (!Cholesky.factor(packed, 0, dim)) {
      throw new IllegalArgumentException("the MALA preconditioner is not positive definite");
    }
    return new MalaKernel(dim, packed, step);
  }

  public int dim() {
    return dim;
  }

  /** The length of the per-thread scratch {@link #propose} and {@link #accept} need. */
  public int scratchLength() {
    return blocked ? 2 * dim * BLOCK : 2 * dim;
  }

  /**
   * Buffers for moving chains [base, base + n) of dimension D: their proposals and accept
   * decisions. {@link #propose} and {@link #accept} read and write these and the chains' own
   * arrays (z, log p̃, scores, moved) at index i − base for chain i, so a worker that moves only
   * some blocks of chains holds only those.
   */
  public static final class Buffers {
    final int base;
    final int dim;
    final double[] proposal;
    final double[] proposalLogP;
    final double[] proposalScores;
    final double[] forward;
    final double[] logU;
    final boolean[] accepted;

    /** Buffers for all n chains. */
    public Buffers(int n, int dim) {
      this(0, n, dim);
    }

    /** Buffers for chains [base, base + n). */
    public Buffers(int base, int n, int dim) {
      this.base = base;
      this.dim = dim;
      proposal = new double[n * dim];
      proposalLogP = new double[n];
      proposalScores = new double[n * dim];
      forward = new double[n];
      logU = new double[n];
      accepted = new boolean[n];
    }
  }

  /**
   * Proposals and accept uniforms of block {@code block}'s chains at step {@code stepIndex}, of n
   * chains in all (z and scores indexed from the buffers' base).
   */
  public void propose(RandomStreams streams, long key, long stepIndex, int block, int n,
      double[] z, double[] scores, Buffers buffers, double[] scratch) {
    if (independence != null) {
      IndependenceStep.propose(independence, streams.stream(RandomStreams.MOVE, key, stepIndex,
          block), block, n, z, buffers, scratch);
      return;
    }
    if (blocked) {
      proposeBlock(streams, key, stepIndex, block, n, z, scores, buffers, scratch);
      return;
    }
    double h = step;
    double rootH = Math.sqrt(h);
    UniformRandomProvider rng = streams.stream(RandomStreams.MOVE, key, stepIndex, block);
    ZigguratSampler.NormalizedGaussian normal = ZigguratSampler.NormalizedGaussian.of(rng);
    for (int i = block * BLOCK - buffers.base; i < Math.min(n, (block + 1) * BLOCK) - buffers.base;
        i++) {
      double squares = 0;
      for (int d = 0; d < dim; d++) {
        double xi = normal.sample();
        scratch[d] = xi;
        squares += xi * xi;
      }
      Langevin.lowerTimes(factor, scratch, 0, scratch, 0, dim);
      Langevin.drift(factor, scores, i, h, cap(h), scratch, dim, dim);
      boolean finite = true;
      for (int d = 0; d < dim; d++) {
        double v = z[i * dim + d] + scratch[dim + d] + rootH * scratch[d];
        buffers.proposal[i * dim + d] = v;
        finite &= Double.isFinite(v);
      }
      if (!finite) {
        // Rejected without evaluating the target: stay put (evaluated again, harmlessly).
        System.arraycopy(z, i * dim, buffers.proposal, i * dim, dim);
        buffers.forward[i] = Double.NaN;
      } else {
        buffers.forward[i] = -0.5 * squares;
      }
      buffers.logU[i] = Math.log(RandomStreams.openClosedUniform(rng));
    }
  }

  /**
   * Metropolis–Hastings for block {@code block}'s chains, given their evaluated proposals (the
   * chains' arrays indexed from the buffers' base).
   */
  public void accept(int block, int n, double[] z, double[] logP, double[] scores,
      Buffers buffers, boolean[] moved, double[] scratch) {
    if (independence != null) {
      IndependenceStep.accept(block, n, z, logP, scores, buffers, moved);
      return;
    }
    if (blocked) {
      acceptBlock(block, n, z, logP, scores, buffers, moved, scratch);
      return;
    }
    double h = step;
    for (int i = block * BLOCK - buffers.base; i < Math.min(n, (block + 1) * BLOCK) - buffers.base;
        i++) {
      if (rejectedOutright(buffers, i)) {
        continue;
      }
      // Reverse move: z − z* − c(z*)·(h/2)·S·∇log p̃(z*) = √h·L·ξ'.
      double squares = Langevin.reverseSquares(factor, z, buffers.proposal,
          buffers.proposalScores, i, h, cap(h), scratch, dim);
      double logRatio = buffers.proposalLogP[i] - logP[i] - 0.5 * squares / h
          - buffers.forward[i];
      if (buffers.logU[i] < logRatio) {
        take(i, z, logP, scores, buffers, moved);
      }
    }
  }

  /**
   * Clears chain i's accept flag; whether its proposal is rejected without a test (log p̃ = −∞
   * there, or it was not finite).
   */
  static boolean rejectedOutright(Buffers buffers, int i) {
    buffers.accepted[i] = false;
    return buffers.proposalLogP[i] == Double.NEGATIVE_INFINITY
        || Double.isNaN(buffers.forward[i]);
  }

  /** Chain i moves to its proposal. */
  static void take(int i, double[] z, double[] logP, double[] scores, Buffers buffers,
      boolean[] moved) {
    int dim = buffers.dim;
    buffers.accepted[i] = true;
    moved[i] = true;
    System.arraycopy(buffers.proposal, i * dim, z, i * dim, dim);
    System.arraycopy(buffers.proposalScores, i * dim, scores, i * dim, dim);
    logP[i] = buffers.proposalLogP[i];
  }

  /** Whether chain i's proposal was accepted at the last {@link #accept}. */
  public static boolean accepted(Buffers buffers, int i) {
    return buffers.accepted[i - buffers.base];
  }

  /** The proposals (a row of D per chain the buffers hold) of the last {@link #propose} calls. */
  public static double[] proposals(Buffers buffers) {
    return buffers.proposal;
  }

  /** Where the proposals' log densities go before {@link #accept}. */
  public static double[] proposalLogDensities(Buffers buffers) {
    return buffers.proposalLogP;
  }

  /** Where the proposals' scores go before {@link #accept}. */
  public static double[] proposalScores(Buffers buffers) {
    return buffers.proposalScores;
  }

  /** The drift's largest whitened length, √(h·D): the truncation of truncated MALA. */
  private double cap(double h) {
    return Math.sqrt(h * dim);
  }

  // ---------------------------------------------------------------- blocks of chains (D > 100)

  /**
   * {@link #propose} for a whole block with BLAS-3: the same random numbers in the same order
   * (each chain's D normals, then its accept uniform), L·Ξ and the drifts as triangular products
   * over the block.
   */
  private void proposeBlock(RandomStreams streams, long key, long stepIndex, int block, int n,
      double[] z, double[] scores, Buffers buffers, double[] scratch) {
    double rootH = Math.sqrt(step);
    UniformRandomProvider rng = streams.stream(RandomStreams.MOVE, key, stepIndex, block);
    ZigguratSampler.NormalizedGaussian normal = ZigguratSampler.NormalizedGaussian.of(rng);
    int from = block * BLOCK - buffers.base;
    int nb = Math.min(n, (block + 1) * BLOCK) - buffers.base - from;
    int driftOff = dim * BLOCK;
    for (int j = 0; j < nb; j++) {
      double squares = 0;
      for (int d = 0; d < dim; d++) {
        double xi = normal.sample();
        scratch[j * dim + d] = xi;
        squares += xi * xi;
      }
      buffers.forward[from + j] = -0.5 * squares;
      buffers.logU[from + j] = Math.log(RandomStreams.openClosedUniform(rng));
    }
    dev.ludovic.netlib.blas.BLAS.getInstance().dtrmm("L", "L", "N", "N", dim, nb, 1.0,
        fullFactor(), 0, dim, scratch, 0, dim);
    driftBlock(scores, from, nb, scratch, driftOff);
    for (int j = 0; j < nb; j++) {
      int i = from + j;
      boolean finite = true;
      for (int d = 0; d < dim; d++) {
        double v = z[i * dim + d] + scratch[driftOff + j * dim + d] + rootH * scratch[j * dim + d];
        buffers.proposal[i * dim + d] = v;
        finite &= Double.isFinite(v);
      }
      if (!finite) {
        System.arraycopy(z, i * dim, buffers.proposal, i * dim, dim);
        buffers.forward[i] = Double.NaN;
      }
    }
  }

  /** {@link #accept} for a whole block: the reverse moves' drifts and L⁻¹ solves as BLAS-3. */
  private void acceptBlock(int block, int n, double[] z, double[] logP, double[] scores,
      Buffers buffers, boolean[] moved, double[] scratch) {
    int from = block * BLOCK - buffers.base;
    int nb = Math.min(n, (block + 1) * BLOCK) - buffers.base - from;
    int driftOff = dim * BLOCK;
    driftBlock(buffers.proposalScores, from, nb, scratch, driftOff);
    for (int j = 0; j < nb; j++) {
      int i = from + j;
      for (int d = 0; d < dim; d++) {
        scratch[j * dim + d] = z[i * dim + d] - buffers.proposal[i * dim + d]
            - scratch[driftOff + j * dim + d];
      }
    }
    dev.ludovic.netlib.blas.BLAS.getInstance().dtrsm("L", "L", "N", "N", dim, nb, 1.0,
        fullFactor(), 0, dim, scratch, 0, dim);
    for (int j = 0; j < nb; j++) {
      int i = from + j;
      if (rejectedOutright(buffers, i)) {
        continue;
      }
      double squares = 0;
      for (int d = 0; d < dim; d++) {
        squares += scratch[j * dim + d] * scratch[j * dim + d];
      }
      double logRatio = buffers.proposalLogP[i] - logP[i] - 0.5 * squares / step
          - buffers.forward[i];
      if (buffers.logU[i] < logRatio) {
        take(i, z, logP, scores, buffers, moved);
      }
    }
  }

  /** The truncated drifts of nb rows of scores from {@code row} into out (D×nb from outOff). */
  private void driftBlock(double[] scores, int row, int nb, double[] out, int outOff) {
    System.arraycopy(scores, row * dim, out, outOff, nb * dim);
    dev.ludovic.netlib.blas.BLAS blas = dev.ludovic.netlib.blas.BLAS.getInstance();
    double[] l = fullFactor();
    blas.dtrmm("L", "L", "T", "N", dim, nb, 0.5 * step, l, 0, dim, out, outOff, dim);
    double cap = cap(step);
    for (int j = 0; j < nb; j++) {
      int col = outOff + j * dim;
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        norm += out[col + d] * out[col + d];
      }
      if (norm > cap * cap) {
        double c = cap / Math.sqrt(norm);
        for (int d = 0; d < dim; d++) {
          out[col + d] *= c;
        }
      }
    }
    blas.dtrmm("L", "L", "N", "N", dim, nb, 1.0, l, 0, dim, out, outOff, dim);
  }

  /** L column-major (upper triangle zero), formed on first use. */
  private double[] fullFactor() {
    double[] l = full;
    if (l == null) {
      l = new double[dim * dim];
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j <= i; j++) {
          l[j * dim + i] = factor[Cholesky.packedIndex(i, j)];
        }
      }
      full = l;
    }
    return l;
  }
}
