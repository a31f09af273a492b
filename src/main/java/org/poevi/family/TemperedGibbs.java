package org.poevi.family;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.netlib.util.intW;
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
 * <p><b>Gamma augmentation.</b> A^(−a) = Γ(a)⁻¹ ∫₀^∞ u^(a−1) e^(−uA) du, so a product of t
 * experts Π_k A_k(z)^(−a_k) is the z-marginal of Π_k u_k^(a_k−1) e^(−u_k A_k(z)) / Γ(a_k), whose
 * conditionals are exact: u_k | z ~ Gamma(a_k, rate A_k(z)), independently, and z | u ~
 * N(μ(u), (2Λ(u))⁻¹) with Λ(u) = Σ u_k Λ_k and Λ(u)μ(u) = Σ u_k Λ_k μ_k, because every A_k is
 * quadratic in z. A Gibbs sweep needs no tuning.
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

  private final int dim;
  /** K active experts, then r. */
  private final int count;
  private final double[] alpha;
  /** D²×(K+1): Λ_k (row- and column-major alike). */
  private final double[] lambdas;
  /** D×(K+1): Λ_k μ_k. */
  private final double[] lambdaLocations;
  /** D×(K+1): μ_k. */
  private final double[] locations;
  private final double rLogNormalizer;

  private TemperedGibbs(ProductOfExperts family, MultivariateT r) {
    this.dim = family.dim;
    int k = family.active.length;
    this.count = k + 1;
    this.alpha = new double[count];
    this.lambdas = new double[dim * dim * count];
    this.lambdaLocations = new double[dim * count];
    this.locations = new double[dim * count];
    for (int j = 0; j < k; j++) {
      Expert e = family.experts[family.active[j]];
      alpha[j] = family.alpha[family.active[j]];
      System.arraycopy(e.lambda(), 0, lambdas, j * dim * dim, dim * dim);
      System.arraycopy(e.lambdaLocation, 0, lambdaLocations, j * dim, dim);
      System.arraycopy(e.location, 0, locations, j * dim, dim);
    }
    double[] precision = r.scatterInverse();
    double[] m = r.location();
    alpha[k] = 0.5 * (r.dof() + dim);
    for (int i = 0; i < dim; i++) {
      double s = 0;
      for (int j = 0; j < dim; j++) {
        double v = precision[i * dim + j] / r.dof();
        lambdas[k * dim * dim + i * dim + j] = v;
        s += v * m[j];
      }
      lambdaLocations[k * dim + i] = s;
      locations[k * dim + i] = m[i];
    }
    this.rLogNormalizer = r.logNormalizer();
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
    double needed = family.minDecayExponent() - family.dim;
    double dof = Math.max(Math.min(needed, ZSpaceNormalizer.MAX_PROPOSAL_DOF),
        ZSpaceNormalizer.MIN_PROPOSAL_DOF);
    boolean covered = needed >= ZSpaceNormalizer.MIN_PROPOSAL_DOF;
    MultivariateT r = LaplaceApproximation.of(family, dof);
    TemperedGibbs g = new TemperedGibbs(family, r);
    double[] logC = new double[REPLICATES];
    double khat = Double.NEGATIVE_INFINITY;
    double[] all = new double[REPLICATES * PARTICLES * g.dim];
    for (int rep = 0; rep < REPLICATES; rep++) {
      Replicate run = g.replicate(r, streams, rep, threads);
      if (run == null) {
        return ZSpaceNormalizer.Result.failed(covered, "a Gibbs move met a Λ(u) that is not"
            + " numerically positive definite");
      }
      logC[rep] = run.logC;
      khat = Math.max(khat, run.khat);
      System.arraycopy(run.z, 0, all, rep * PARTICLES * g.dim, PARTICLES * g.dim);
    }
    LogMeanEstimate spread = LogMeanEstimate.of(logC);
    LogMeanEstimate estimate = new LogMeanEstimate(spread.estimate(), spread.standardError(),
        (long) REPLICATES * PARTICLES, khat, REPLICATES * PARTICLES);
    SampleResult result = null;
    if (draws > 0) {
      result = g.draws(all, draws, estimate, streams, threads);
      if (result == null) {
        return ZSpaceNormalizer.Result.failed(covered, "a Gibbs move met a Λ(u) that is not"
            + " numerically positive definite");
      }
    }
    return new ZSpaceNormalizer.Result(estimate, covered, result, null);
  }

  /** One replicate's log C, its largest step k̂ and its particles at β = 1. */
  private record Replicate(double logC, double khat, double[] z) {}

  private Replicate replicate(MultivariateT r, RandomStreams streams, int rep, int threads) {
    int n = PARTICLES;
    int numBlocks = n / BLOCK;
    double[][] buffers = {new double[n * dim], new double[n * dim]};
    int cur = 0;
    double[] ell = new double[n];
    boolean[] failed = new boolean[1];
    BlockParallel.forEach(numBlocks, threads, () -> null, (block, unused) -> {
      MultivariateT.Sampler sampler = r.sampler(streams.stream(RandomStreams.GIBBS, rep, 0,
          block));
      for (int c = 0; c < BLOCK; c++) {
        sampler.sample(buffers[0], (block * BLOCK + c) * dim);
      }
    });
    double beta = 0;
    double logC = 0;
    double khat = Double.NEGATIVE_INFINITY;
    double[] increments = new double[n];
    for (int step = 1; beta < 1; step++) {
      double[] current = buffers[cur];
      double[] next = buffers[1 - cur];
      BlockParallel.forEach(numBlocks, threads, () -> new Scratch(dim, count, BLOCK),
          (block, s) -> {
            System.arraycopy(current, block * BLOCK * dim, s.z, 0, BLOCK * dim);
            logRatios(s, BLOCK);
            System.arraycopy(s.ell, 0, ell, block * BLOCK, BLOCK);
          });
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
        System.arraycopy(current, ancestors[i] * dim, next, i * dim, dim);
      }
      double b = beta;
      int s0 = step;
      BlockParallel.forEach(numBlocks, threads, () -> new Scratch(dim, count, BLOCK),
          (block, s) -> {
            Chains chains = chains(streams, rep, s0, block, BLOCK);
            System.arraycopy(next, block * BLOCK * dim, s.z, 0, BLOCK * dim);
            for (int m = 0; m < MOVES; m++) {
              if (!sweep(s, BLOCK, b, chains)) {
                failed[0] = true;
                return;
              }
            }
            System.arraycopy(s.z, 0, next, block * BLOCK * dim, BLOCK * dim);
          });
      if (failed[0]) {
        return null;
      }
      cur = 1 - cur;
    }
    return new Replicate(logC, khat, buffers[cur]);
  }

  /**
   * The largest Δ ≤ room whose incremental weights e^(Δ·ℓ) keep {@value #STEP_ESS} of the
   * particles effective (bisection; ESS falls as Δ grows).
   */
  private static double nextStep(double[] ell, double room, double[] scratch) {
    int n = ell.length;
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
  private SampleResult draws(double[] particles, int draws, LogMeanEstimate estimate,
      RandomStreams streams, int threads) {
    int n = particles.length / dim;
    int sweeps = (draws + n - 1) / n;
    double[] out = new double[sweeps * n * dim];
    double[] logQ = new double[sweeps * n];
    boolean[] failed = new boolean[1];
    BlockParallel.forEach(n / BLOCK, threads, () -> new Scratch(dim, count, BLOCK),
        (block, s) -> {
          Chains chains = chains(streams, REPLICATES, 0, block, BLOCK);
          System.arraycopy(particles, block * BLOCK * dim, s.z, 0, BLOCK * dim);
          for (int t = 0; t < sweeps; t++) {
            if (!sweep(s, BLOCK, 1, chains)) {
              failed[0] = true;
              return;
            }
            System.arraycopy(s.z, 0, out, (t * n + block * BLOCK) * dim, BLOCK * dim);
            logRatios(s, BLOCK);
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
    return new SampleResult(kept, dim, draws, SamplingMode.TEMPERED, (long) sweeps * n, Double.NaN,
        ess, estimate, 0, "tempered-gibbs", List.of());
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

  /** The streams of a block of particles: one per particle, keyed by stage, step and block. */
  private record Chains(UniformRandomProvider[] rngs, ContinuousSampler[] normals) {}

  private static Chains chains(RandomStreams streams, int rep, int step, int block, int nb) {
    UniformRandomProvider[] rngs = new UniformRandomProvider[nb];
    ContinuousSampler[] normals = new ContinuousSampler[nb];
    for (int c = 0; c < nb; c++) {
      rngs[c] = streams.stream(RandomStreams.GIBBS, rep, step, block, c);
      normals[c] = ZigguratSampler.NormalizedGaussian.of(rngs[c]);
    }
    return new Chains(rngs, normals);
  }

  /** Per-thread buffers of a block of particles. */
  private static final class Scratch {
    final double[] z;
    final double[] ell;
    final double[] logQ;
    final double[] diff;
    final double[] image;
    final double[] a;
    final double[] u;
    final double[] precision;
    final double[] mean;
    final intW info = new intW(0);

    Scratch(int dim, int count, int nb) {
      z = new double[dim * nb];
      ell = new double[nb];
      logQ = new double[nb];
      diff = new double[dim * nb];
      image = new double[dim * nb];
      a = new double[count * nb];
      u = new double[count * nb];
      precision = new double[dim * dim * nb];
      mean = new double[dim * nb];
    }
  }

  /** A_k at the block's z for every expert and r, one block product per expert. */
  private void forms(Scratch s, int nb) {
    BLAS blas = BLAS.getInstance();
    for (int k = 0; k < count; k++) {
      for (int c = 0; c < nb; c++) {
        for (int d = 0; d < dim; d++) {
          s.diff[c * dim + d] = s.z[c * dim + d] - locations[k * dim + d];
        }
      }
      blas.dgemm("N", "N", dim, nb, dim, 1.0, lambdas, k * dim * dim, dim, s.diff, 0, dim, 0.0,
          s.image, 0, dim);
      for (int c = 0; c < nb; c++) {
        double q = 0;
        for (int d = 0; d < dim; d++) {
          q += s.diff[c * dim + d] * s.image[c * dim + d];
        }
        s.a[c * count + k] = 1 + Math.max(q, 0);
      }
    }
  }

  /** log q̃ and ℓ = log q̃ − log r at the block's z, into s.logQ and s.ell. */
  private void logRatios(Scratch s, int nb) {
    forms(s, nb);
    int r = count - 1;
    for (int c = 0; c < nb; c++) {
      double logQ = 0;
      for (int k = 0; k < r; k++) {
        logQ -= alpha[k] * Math.log(s.a[c * count + k]);
      }
      s.logQ[c] = logQ;
      s.ell[c] = logQ - (rLogNormalizer - alpha[r] * Math.log(s.a[c * count + r]));
    }
  }

  /**
   * One Gibbs sweep of π_β for nb particles: u | z, then z | u.
   *
   * @return false when some Λ(u) is not numerically positive definite
   */
  private boolean sweep(Scratch s, int nb, double beta, Chains chains) {
    forms(s, nb);
    int r = count - 1;
    for (int c = 0; c < nb; c++) {
      UniformRandomProvider rng = chains.rngs[c];
      ContinuousSampler normal = chains.normals[c];
      for (int k = 0; k < count; k++) {
        double shape = (k == r ? 1 - beta : beta) * alpha[k];
        s.u[c * count + k] = shape > 0 ? gamma(shape, rng, normal) / s.a[c * count + k] : 0;
      }
    }
    BLAS blas = BLAS.getInstance();
    blas.dgemm("N", "N", dim * dim, nb, count, 1.0, lambdas, 0, dim * dim, s.u, 0, count, 0.0,
        s.precision, 0, dim * dim);
    blas.dgemm("N", "N", dim, nb, count, 1.0, lambdaLocations, 0, dim, s.u, 0, count, 0.0,
        s.mean, 0, dim);
    LAPACK lapack = LAPACK.getInstance();
    for (int c = 0; c < nb; c++) {
      int off = c * dim * dim;
      lapack.dpotrf("L", dim, s.precision, off, dim, s.info);
      if (s.info.val != 0) {
        return false;
      }
      lapack.dpotrs("L", dim, 1, s.precision, off, dim, s.mean, c * dim, dim, s.info);
      ContinuousSampler normal = chains.normals[c];
      for (int d = 0; d < dim; d++) {
        s.z[c * dim + d] = normal.sample() * Math.sqrt(0.5);
      }
      blas.dtrsv("L", "T", "N", dim, s.precision, off, dim, s.z, c * dim, 1);
      for (int d = 0; d < dim; d++) {
        s.z[c * dim + d] += s.mean[c * dim + d];
      }
    }
    return true;
  }

  /**
   * A Gamma(shape, 1) variate by Marsaglia and Tsang (2000), with Gamma(a) = Gamma(a + 1)·U^(1/a)
   * below shape 1; allocation-free, from the particle's own generator.
   */
  static double gamma(double shape, UniformRandomProvider rng, ContinuousSampler normal) {
    if (shape < 1) {
      double g = gamma(shape + 1, rng, normal);
      return g * Math.exp(Math.log(rng.nextDouble()) / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = normal.sample();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }
}
