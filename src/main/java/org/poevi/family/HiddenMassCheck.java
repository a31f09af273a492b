package org.poevi.family;

import java.util.Locale;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.math.Cholesky;
import org.poevi.math.Langevin;
import org.poevi.math.RandomStreams;
import org.poevi.math.SampleMoments;

/**
 * Whether draws of q_α that are not exact are draws of q: Metropolis-adjusted Langevin (MALA)
 * chains on log q̃ started from {@value #CHAINS} of them. A Metropolis–Hastings kernel leaves q
 * invariant, so chains started from draws of q stay draws of q: the chains' mean log q̃ over
 * their last {@value #STEPS}/2 steps matches the draws' own mean in expectation. The chains are
 * independent, so each one's time average is one value and their spread over √n is that mean's
 * standard error; the draws' mean has the standard error of their ESS. It needs no target
 * evaluations.
 *
 * <p>Why: a fitted q can hold mass where p has none and where its samplers do not look. The
 * Fisher divergence over p's chains cannot see it, and the Dirichlet proposals and the t in z are
 * both built around q's bulk, so they miss it together and their estimates of log C agree. On
 * sinh-arcsinh at D = 50 two fitted q's reported a log C 1.6 and 6.4 nats too low (tempered SMC),
 * which made their KL ratios look 0.625 and 0.582 where they are at least 0.948 and 1.843; from
 * their output draws, MALA chains on q drift outward at once (the mean log q̃ of 300 chains fell
 * by 6 nats in 600 steps), while on healthy fits it stays within 0.2 nats
 * (docs/benchmarks.md). Where the chains went is returned with the verdict: a fit under p adds
 * p's scores there to its objective and fits α again ({@code org.poevi.fit.MassRepair}).
 *
 * <p>The proposal is preconditioned by the draws' covariance; the step h adapts to an acceptance
 * rate of 0.574 from the whole population's rate over the first half of the steps and is then
 * fixed while the second half is averaged. Random numbers come from one stream per step, drawn chain by chain, and the log
 * densities and scores of a step are computed for all chains together, each from its own point:
 * the result does not depend on the threads.
 */
final class HiddenMassCheck {
  /**
   * Largest dimension checked: a step costs every chain D² for the preconditioner and K·D² for
   * q's score (a structured D = 1000 model would take minutes), as for {@link TemperedGibbs}.
   */
  static final int MAX_DIM = 100;
  /** Chains started from the draws (fewer when there are fewer draws). */
  static final int CHAINS = 96;
  /** MALA steps of every chain; the last half are averaged. */
  static final int STEPS = 600;
  /** The draws fail when the chains' mean log q̃ is this many standard errors from theirs. */
  static final double MAX_Z = 4;
  private static final double TARGET_ACCEPTANCE = 0.574;
  /** The chains' positions are kept at this many steps of the last half. */
  static final int SNAPSHOTS = 8;

  private HiddenMassCheck() {}

  /**
   * What the check saw: the chains' mean log q̃ over the last half of {@code steps} steps minus
   * the draws' mean, its standard error, the last step's acceptance rate, and where the chains
   * went: their positions at {@value #SNAPSHOTS} evenly spaced steps of the last half
   * (chains·{@value #SNAPSHOTS} rows of D, the mass that the draws miss when they fail).
   */
  record Result(double drift, double standardError, int chains, int steps, double acceptance,
      double[] points) {
    boolean passed() {
      return !(Math.abs(drift) > MAX_Z * standardError);
    }

    String describe() {
      return String.format(Locale.ROOT, "MALA chains on q started from %d of its draws moved"
          + " the mean of log q by %.3g ± %.2g over %d steps", chains, drift, standardError,
          steps);
    }
  }

  /**
   * The check of {@code draws} (n×D row-major, numDraws rows) under {@code family}; null above
   * {@value #MAX_DIM} dimensions and when the draws' covariance is not numerically positive
   * definite (no preconditioner).
   */
  static Result run(ProductOfExperts family, double[] draws, int numDraws, double drawsEss,
      long seed, int threads) {
    int dim = family.dim();
    if (dim > MAX_DIM) {
      return null;
    }
    int n = Math.min(CHAINS, numDraws);
    double[] mean = SampleMoments.mean(draws, numDraws, dim);
    double[] factor = Cholesky.pack(SampleMoments.covariance(draws, numDraws, mean, dim), dim);
    if (!Cholesky.factor(factor, 0, dim)) {
      return null;
    }
    Chains chains = new Chains(family, factor, draws, numDraws, n, threads);
    double[] average = new double[n];
    double h = 1.65 * 1.65 * Math.pow(dim, -1.0 / 3);
    double rate = Double.NaN;
    RandomStreams streams = RandomStreams.of(seed);
    double[] points = new double[SNAPSHOTS * n * dim];
    int every = (STEPS - STEPS / 2) / SNAPSHOTS;
    for (int s = 0; s < STEPS; s++) {
      rate = chains.step(streams.stream(RandomStreams.HIDDEN_MASS, s), h);
      if (s < STEPS / 2) {
        h *= Math.exp(Math.max(-1, Math.min(1, 2 * (rate - TARGET_ACCEPTANCE))));
      } else {
        for (int c = 0; c < n; c++) {
          average[c] += chains.logQ[c] / (STEPS - STEPS / 2);
        }
        int after = s - STEPS / 2 + 1;
        if (after % every == 0 && after / every <= SNAPSHOTS) {
          System.arraycopy(chains.z, 0, points, (after / every - 1) * n * dim, n * dim);
        }
      }
    }
    // Each chain's time average is one independent value; the draws' mean has the standard
    // error of their ESS. The chains start from some of the draws, which correlates the two
    // means positively: adding their variances errs on the large (safe) side.
    double[] moved = SampleMoments.meanAndStandardError(average);
    double[] at = SampleMoments.meanAndStandardError(family.logDensities(draws, 0, threads));
    double drawsSe = at[1] * Math.sqrt(numDraws / Math.max(1, Math.min(drawsEss, numDraws)));
    return new Result(moved[0] - at[0], Math.hypot(moved[1], drawsSe), n, STEPS, rate,
        points);
  }

  /** n MALA chains on q̃ preconditioned by S = LLᵀ, with their log q̃ and scores. */
  private static final class Chains {
    private final ProductOfExperts family;
    private final double[] factor;
    private final int n;
    private final int dim;
    private final int threads;
    private final double[] z;
    private final double[] logQ;
    private final double[] scores;
    private final double[] proposal;
    private final double[] forward;
    private final double[] logU;
    private final double[] scratch;

    /** Chains at n of the draws, evenly spaced (the draws are in random order). */
    Chains(ProductOfExperts family, double[] factor, double[] draws, int numDraws, int n,
        int threads) {
      this.family = family;
      this.factor = factor;
      this.n = n;
      this.dim = family.dim();
      this.threads = threads;
      z = new double[n * dim];
      for (int c = 0; c < n; c++) {
        System.arraycopy(draws, (int) ((long) c * numDraws / n) * dim, z, c * dim, dim);
      }
      logQ = family.logDensities(z, 0, threads);
      scores = family.scores(z, threads);
      proposal = new double[n * dim];
      forward = new double[n];
      logU = new double[n];
      scratch = new double[2 * dim];
    }

    /** One step of every chain with step h (random numbers from rng); the acceptance rate. */
    double step(UniformRandomProvider rng, double h) {
      ZigguratSampler.NormalizedGaussian normal = ZigguratSampler.NormalizedGaussian.of(rng);
      for (int c = 0; c < n; c++) {
        double squares = 0;
        for (int d = 0; d < dim; d++) {
          double xi = normal.sample();
          scratch[d] = xi;
          squares += xi * xi;
        }
        forward[c] = -0.5 * squares;
        logU[c] = Math.log(RandomStreams.openClosedUniform(rng));
        Langevin.lowerTimes(factor, scratch, 0, scratch, 0, dim);
        Langevin.drift(factor, scores, c, h, Double.POSITIVE_INFINITY, scratch, dim, dim);
        for (int d = 0; d < dim; d++) {
          proposal[c * dim + d] = z[c * dim + d] + scratch[dim + d] + Math.sqrt(h) * scratch[d];
        }
      }
      double[] proposalLogQ = family.logDensities(proposal, 0, threads);
      double[] proposalScores = family.scores(proposal, threads);
      int accepted = 0;
      for (int c = 0; c < n; c++) {
        // Reverse move: z − z* − (h/2)·S·∇log q̃(z*) = √h·L·ξ' (the drift is not truncated).
        double squares = Langevin.reverseSquares(factor, z, proposal, proposalScores, c, h,
            Double.POSITIVE_INFINITY, scratch, dim);
        if (logU[c] < proposalLogQ[c] - logQ[c] - 0.5 * squares / h - forward[c]) {
          accepted++;
          System.arraycopy(proposal, c * dim, z, c * dim, dim);
          System.arraycopy(proposalScores, c * dim, scores, c * dim, dim);
          logQ[c] = proposalLogQ[c];
        }
      }
      return (double) accepted / n;
    }
  }
}
