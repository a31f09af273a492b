package org.poevi.family;

import java.util.Arrays;
import java.util.List;
import org.poevi.math.BlockParallel;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.LogSpace;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.math.Resampling;

/**
 * The normaliser and draws of q_α by a tempered sequential Monte Carlo sampler with exact Gibbs
 * moves, for the products whose Feynman weights and single-t z-space proposal both degenerate
 * (coordinate experts at D = 50 give hundreds of active experts with ν in the thousands, and both
 * keep a handful of effective draws of 10⁵). It needs no target evaluations.
 *
 * <p>The moves are exact Gibbs sweeps of the Gamma-augmented product ({@link GammaGibbs}): they
 * need no tuning.
 *
 * <p><b>The path.</b> r is a t around q's bulk (q's Laplace approximation, ν no heavier than q's
 * tails allow, as in {@link ZSpaceNormalizer}): itself one t expert, A_r^(−(ν+D)/2) with Λ_r =
 * (νΣ)⁻¹. So every π_β ∝ r^(1−β) q̃^β is a product of t experts (exponents (1 − β)(ν + D)/2 and
 * βα_k), and the same sweep moves a particle at every temperature. Particles start from r; each
 * step raises β as far as keeps half the particles effective (bisection on the incremental
 * weights e^(Δβ·ℓ), ℓ = log q̃ − log r), resamples them and moves each {@value #MOVES} sweeps.
 * C_α is the product of the steps' mean incremental weights (Del Moral, Doucet and Jasra 2006),
 * unbiased. {@value #REPLICATES} independent replicates give the standard error; the largest Pareto
 * k̂ of any step's incremental weights is the check. Annealed importance sampling without the
 * resampling (the same moves, 100 to 1600 fixed temperatures) kept 1–20% of its weights effective
 * on the D = 50 fit: the Gibbs moves mix slowly there, and resampling is what keeps the particles
 * on the path.
 *
 * <p><b>The draws.</b> After the last step every particle is a draw of q; the particles are moved
 * on at β = 1 and every sweep's positions are kept until enough draws are collected. Their
 * effective sample size for a mean is counted from the lag-1 autocorrelation of log q̃ along the
 * chains, ESS = n·(1 − ρ)/(1 + ρ).
 *
 * <p>Dense Λ_k only, up to D = {@value #MAX_DIM}: a sweep costs K·D² per particle for the A_k and
 * Λ(u) (BLAS-3 over a block of particles) and D³/3 for the Cholesky factor. Every particle's
 * moves and every resampling have their own streams, so the result does not depend on the number
 * of threads.
 */
final class TemperedGibbs {
  /** Largest dimension tried: beyond it the dense D×D forms per particle cost too much. */
  static final int MAX_DIM = 100;
  /** Particles of one replicate. */
  static final int PARTICLES = 512;
  static final int REPLICATES = 4;
  /** Gibbs sweeps per particle after each resampling. */
  static final int MOVES = 10;
  /** Each step keeps this share of the particles effective. */
  static final double STEP_ESS = 0.9;
  /** Steps at most: β then jumps to 1 (a warning-worthy k̂ says so). */
  static final int MAX_STEPS = 400;
  private static final int BLOCK = 32;

  private final GammaGibbs g;
  private final int dim;
  private final RandomStreams streams;
  private final int threads;

  private TemperedGibbs(GammaGibbs g, RandomStreams streams, int threads) {
    this.g = g;
    this.dim = g.dim;
    this.streams = streams;
    this.threads = threads;
  }

  /** Whether this sampler applies: every active Λ_k can be held densely. */
  static boolean applies(ProductOfExperts family) {
    return family.dim <= MAX_DIM && family.active.length > 0;
  }

  /**
   * The tempered estimate of log C_α and {@code draws} draws of q (none when 0), or a failed
   * result when some Λ(u) was not numerically positive definite.
   */
  static ZSpaceNormalizer.Result estimate(ProductOfExperts family, RandomStreams streams,
      int draws, int threads) {
    boolean covered = family.tProposalCoversTails();
    MultivariateT r = LaplaceApproximation.of(family, family.tProposalDof());
    TemperedGibbs t = new TemperedGibbs(new GammaGibbs(family, r), streams, threads);
    int dim = family.dim;
    double[] logC = new double[REPLICATES];
    double khat = Double.NEGATIVE_INFINITY;
    double[] all = new double[REPLICATES * PARTICLES * dim];
    String failure = "a Gibbs move met a Λ(u) that is not numerically positive definite";
    for (int rep = 0; rep < REPLICATES; rep++) {
      Replicate run = t.replicate(r, rep);
      if (run == null) {
        return ZSpaceNormalizer.Result.failed(covered, failure);
      }
      logC[rep] = run.logC;
      khat = Math.max(khat, run.khat);
      System.arraycopy(run.z, 0, all, rep * PARTICLES * dim, PARTICLES * dim);
    }
    LogMeanEstimate spread = LogMeanEstimate.of(logC);
    LogMeanEstimate estimate = new LogMeanEstimate(spread.estimate(), spread.standardError(),
        (long) REPLICATES * PARTICLES, khat, REPLICATES * PARTICLES);
    SampleResult result = draws > 0 ? t.draws(all, draws, estimate) : null;
    if (draws > 0 && result == null) {
      return ZSpaceNormalizer.Result.failed(covered, failure);
    }
    return new ZSpaceNormalizer.Result(estimate, covered, result, null);
  }

  /** One replicate's log C, its largest step k̂ and its particles at β = 1. */
  private record Replicate(double logC, double khat, double[] z) {}

  /** One replicate from r to q; null when a move failed. */
  private Replicate replicate(MultivariateT r, int rep) {
    int n = PARTICLES;
    double[] z = new double[n * dim];
    double[] next = new double[n * dim];
    BlockParallel.forEach(n / BLOCK, threads, () -> null, (block, unused) -> {
      MultivariateT.Sampler sampler = r.sampler(streams.stream(RandomStreams.GIBBS, rep, 0,
          block));
      for (int c = 0; c < BLOCK; c++) {
        sampler.sample(z, (block * BLOCK + c) * dim);
      }
    });
    double[] ell = new double[n];
    double[] increments = new double[n];
    double beta = 0;
    double logC = 0;
    double khat = Double.NEGATIVE_INFINITY;
    for (int step = 1; beta < 1; step++) {
      logRatios(z, ell);
      double delta = step >= MAX_STEPS ? 1 - beta : nextStep(ell, 1 - beta, increments);
      for (int i = 0; i < n; i++) {
        increments[i] = delta * ell[i];
      }
      LogMeanEstimate inc = LogMeanEstimate.of(increments);
      logC += inc.estimate();
      if (Double.isFinite(inc.khat())) {
        khat = Math.max(khat, inc.khat());
      }
      beta = Math.min(1, beta + delta);
      int[] ancestors = Resampling.shuffledAncestors(increments, n, n,
          streams.stream(RandomStreams.GIBBS, rep, step, -1));
      for (int i = 0; i < n; i++) {
        System.arraycopy(z, ancestors[i] * dim, next, i * dim, dim);
      }
      if (!move(next, beta, rep, step)) {
        return null;
      }
      System.arraycopy(next, 0, z, 0, n * dim);
    }
    return new Replicate(logC, khat, z);
  }

  /** ℓ = log q̃ − log r at every particle, block by block. */
  private void logRatios(double[] z, double[] ell) {
    BlockParallel.forEach(ell.length / BLOCK, threads,
        () -> new GammaGibbs.Scratch(dim, g.count, BLOCK), (block, s) -> {
          System.arraycopy(z, block * BLOCK * dim, s.z, 0, BLOCK * dim);
          g.logRatios(s, BLOCK);
          System.arraycopy(s.ell, 0, ell, block * BLOCK, BLOCK);
        });
  }

  /** {@value #MOVES} sweeps of π_β for every particle, in place; false when one failed. */
  private boolean move(double[] z, double beta, int rep, int step) {
    boolean[] failed = new boolean[1];
    BlockParallel.forEach(z.length / dim / BLOCK, threads,
        () -> new GammaGibbs.Scratch(dim, g.count, BLOCK), (block, s) -> {
          GammaGibbs.Chains chains = GammaGibbs.chains(streams, rep, step, block, BLOCK);
          System.arraycopy(z, block * BLOCK * dim, s.z, 0, BLOCK * dim);
          for (int m = 0; m < MOVES; m++) {
            if (!g.sweep(s, BLOCK, beta, chains)) {
              failed[0] = true;
              return;
            }
          }
          System.arraycopy(s.z, 0, z, block * BLOCK * dim, BLOCK * dim);
        });
    return !failed[0];
  }

  /**
   * The largest Δ ≤ room whose incremental weights e^(Δ·ℓ) keep {@value #STEP_ESS} of the
   * particles effective (bisection; ESS falls as Δ grows).
   */
  private static double nextStep(double[] ell, double room, double[] scratch) {
    if (essShare(ell, room, scratch) >= STEP_ESS) {
      return room;
    }
    double lo = 0;
    double hi = room;
    for (int it = 0; it < 50; it++) {
      double mid = 0.5 * (lo + hi);
      if (essShare(ell, mid, scratch) >= STEP_ESS) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.max(lo, 1e-12 * room);
  }

  private static double essShare(double[] ell, double delta, double[] scratch) {
    for (int i = 0; i < ell.length; i++) {
      scratch[i] = delta * ell[i];
    }
    return LogSpace.effectiveSampleSize(scratch, 0, ell.length) / ell.length;
  }

  /**
   * {@code draws} draws of q: the particles moved on at β = 1, every sweep's positions kept, then
   * shuffled; null when a move failed.
   */
  private SampleResult draws(double[] particles, int draws, LogMeanEstimate estimate) {
    int n = particles.length / dim;
    int sweeps = (draws + n - 1) / n;
    double[] out = new double[sweeps * n * dim];
    double[] logQ = new double[sweeps * n];
    boolean[] failed = new boolean[1];
    BlockParallel.forEach(n / BLOCK, threads, () -> new GammaGibbs.Scratch(dim, g.count, BLOCK),
        (block, s) -> {
          GammaGibbs.Chains chains = GammaGibbs.chains(streams, REPLICATES, 0, block, BLOCK);
          System.arraycopy(particles, block * BLOCK * dim, s.z, 0, BLOCK * dim);
          for (int t = 0; t < sweeps; t++) {
            if (!g.sweep(s, BLOCK, 1, chains)) {
              failed[0] = true;
              return;
            }
            System.arraycopy(s.z, 0, out, (t * n + block * BLOCK) * dim, BLOCK * dim);
            g.logRatios(s, BLOCK);
            System.arraycopy(s.logQ, 0, logQ, t * n + block * BLOCK, BLOCK);
          }
        });
    if (failed[0]) {
      return null;
    }
    double rho = lagOneCorrelation(logQ, n, sweeps);
    double ess = Math.min(draws, draws * (1 - rho) / (1 + rho));
    double[] kept = Arrays.copyOf(out, draws * dim);
    Resampling.shuffleRows(kept, draws, dim, streams.stream(RandomStreams.GIBBS,
        REPLICATES + 1));
    return new SampleResult(kept, dim, draws, SamplingMode.TEMPERED, (long) sweeps * n,
        Double.NaN, ess, estimate, 0, "tempered-gibbs", List.of());
  }

  /** Lag-1 autocorrelation of v (sweeps rows of n chains) along the chains, at least 0. */
  private static double lagOneCorrelation(double[] v, int n, int sweeps) {
    if (sweeps < 2) {
      return 0;
    }
    double mean = 0;
    for (double x : v) {
      mean += x;
    }
    mean /= v.length;
    double var = 0;
    double cov = 0;
    for (int t = 0; t < sweeps; t++) {
      for (int i = 0; i < n; i++) {
        double d = v[t * n + i] - mean;
        var += d * d;
        if (t > 0) {
          cov += d * (v[(t - 1) * n + i] - mean);
        }
      }
    }
    var /= v.length;
    cov /= (double) (sweeps - 1) * n;
    return var > 0 ? Math.max(0, Math.min(cov / var, 0.999)) : 0;
  }
}
