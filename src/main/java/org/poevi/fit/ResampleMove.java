package org.poevi.fit;

import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.math.Cholesky;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.math.Resampling;
import org.poevi.math.SampleMoments;

/**
 * Resample-move for the under-p objective: turns an importance-weighted batch into a population of
 * n chains and moves it with preconditioned, truncated MALA (Metropolis-adjusted Langevin) steps.
 *
 * <p>Importance sampling alone degenerates with the dimension: from a Gaussian proposal the
 * weights p̃/r keep about exp(−D₂(p‖r)) of the draws, under 1% for a 50-D target whose KL from
 * its best Gaussian is 5 nats. The population keeps n draws per iteration at the cost of one
 * batch of target evaluations per step.
 *
 * <p>Proposal: z* = z + c(z)·(h/2)·S·∇log p̃(z) + √h·L·ξ with S = LLᵀ, ξ ~ N(0, I), and
 * c(z) = min(1, √(hD) / ‖(h/2)·Lᵀ∇log p̃(z)‖) truncating the drift to the size of the noise
 * (Roberts and Tweedie's MALTA): in light tails an untruncated drift overshoots so far that the
 * chain never moves again. Each step is a Metropolis–Hastings step for the current (h, S), so it
 * leaves p invariant.
 *
 * <p>Adaptation: during burn-in, h moves after every step towards an acceptance rate of 0.574 (the
 * optimal MALA rate; it starts at 1.65²·D^(−1/3)), and the caller may re-estimate S from the
 * population ({@link #preconditionFrom}). Both use the whole population, so they do not depend on
 * how the work is split; they are frozen afterwards, so the chains that feed the fit run a fixed
 * kernel. Random numbers come from streams keyed by (key, step, block).
 */
final class ResampleMove {
  static final double TARGET_ACCEPTANCE = 0.574;
  /** S is replaced only by a population covariance whose Cholesky pivots span less than this. */
  private static final double MAX_PIVOT_RATIO = 1e8;
  /** The population's covariance preconditions the chains from this many chains per dimension. */
  static final int CHAINS_PER_COVARIANCE = 10;

  private final ScoreEvaluator evaluator;
  private final int dim;
  private double[] factor;
  private final RandomStreams streams;
  private double step;
  /** The independence proposal of every {@link #every}-th step, or null. */
  private MultivariateT independence;
  private int every;
  /** r's scatter is this times the population's covariance when that is re-estimated. */
  private double independenceScale;
  /** Accepted independence proposals and proposals made, during burn-in. */
  private long independentAccepted;
  private long independentProposed;
  private int independentSteps;
  /** The independence steps are judged after at least this many. */
  static final int MIN_INDEPENDENT_STEPS = 2;
  /** Steps taken by {@link #adapt} so far (every every-th is an independence step). */
  private long adapted;

  /** What moves of a population did: mean acceptance, and chains that never moved. */
  record Moves(double acceptance, double unmovedFraction) {
    /** No moves (a batch that is not a moved population). */
    static final Moves NONE = new Moves(Double.NaN, Double.NaN);
  }

  ResampleMove(ScoreEvaluator evaluator, int dim, double[] covariance, RandomStreams streams) {
    this.evaluator = evaluator;
    this.dim = dim;
    // A preliminary Gaussian squeezed into a funnel's neck can be numerically singular: its
    // eigenvalues are then floored (the population's covariance replaces it after burn-in).
    if (!precondition(covariance) && !precondition(Hessians.floored(covariance, dim, 0,
        MAX_PIVOT_RATIO / 10))) {
      throw new IllegalArgumentException("the MALA preconditioner is not positive definite");
    }
    this.streams = streams;
    this.step = 1.65 * 1.65 * Math.pow(dim, -1.0 / 3);
  }

  /**
   * Sets the preconditioner S (row-major D×D, symmetric) if it is numerically positive definite
   * (Cholesky pivots within a ratio of {@value #MAX_PIVOT_RATIO}); returns whether it did.
   */
  boolean precondition(double[] covariance) {
    double[] packed = Cholesky.pack(covariance, dim);
    if (!Cholesky.factor(packed, 0, dim)) {
      return false;
    }
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (int i = 0; i < dim; i++) {
      double pivot = packed[i * (i + 3) / 2] * packed[i * (i + 3) / 2];
      min = Math.min(min, pivot);
      max = Math.max(max, pivot);
    }
    if (!(max <= MAX_PIVOT_RATIO * min)) {
      return false;
    }
    this.factor = packed;
    return true;
  }

  /**
   * Sets S to the population's covariance (the preliminary Gaussian's can be far from p's in
   * high dimension, and a poor S slows the chains down); keeps S when that covariance is
   * (nearly) singular, e.g. from a population of too few distinct points, and when there are
   * fewer than {@value #CHAINS_PER_COVARIANCE}·D chains: a covariance from n chains has its
   * smallest eigenvalues shrunk by about (1 − √(D/n))² (Marchenko–Pastur), a factor 0.46 at
   * n = 10·D but 0.09 at the 2048 chains of a structured fit at D = 1000, and a preconditioner
   * that narrow stalls the chains (issue #20). Returns whether S changed.
   */
  boolean preconditionFrom(Chains chains) {
    int n = chains.size();
    if (n < CHAINS_PER_COVARIANCE * (long) dim) {
      return false;
    }
    double[] z = chains.z();
    double[] mean = SampleMoments.mean(z, n, dim);
    double[] covariance = SampleMoments.covariance(z, n, mean, dim);
    if (!precondition(covariance)) {
      return false;
    }
    if (independence != null) {
      independence = MultivariateT.of(mean, GaussianFit.scaled(covariance,
          independenceScale * independenceScale), independence.dof());
    }
    return true;
  }

  /**
   * Makes every {@code every}-th step an independence step from r (0: none), the proposal
   * t_ν(m, c²S) with m and S re-estimated from the population with the preconditioner ({@link
   * #preconditionFrom}). Only {@link #adapt}'s steps (burn-in and pooling); {@link #kernel},
   * which moves the chains that feed the fit, stays MALA.
   */
  void independence(MultivariateT r, double scale, int every) {
    this.independence = every > 0 ? r : null;
    this.every = every;
    this.independenceScale = scale;
  }

  /** The acceptance rate of the independence steps so far (NaN: none). */
  double independentAcceptance() {
    return independentProposed == 0 ? Double.NaN
        : (double) independentAccepted / independentProposed;
  }

  /**
   * Stops the independence steps when, after at least {@value #MIN_INDEPENDENT_STEPS} of them,
   * they have accepted less than {@code minRate} of their proposals: then they rarely move a
   * chain, and a MALA step does more for the same evaluations (sinh-arcsinh D = 50 accepts 3%).
   * One step is too few to judge: the funnel's first accepts 5.9% of 2048, its later ones 8–9%.
   */
  void keepIndependenceIf(double minRate) {
    if (independence != null && independentSteps >= MIN_INDEPENDENT_STEPS
        && independentAcceptance() < minRate) {
      independence = null;
    }
  }

  /** What the burn-in of {@code chains} chains over {@code steps} steps did. */
  PopulationReport report(int chains, int steps) {
    return new PopulationReport(chains, steps, independentProposed, independentAcceptance(),
        independentProposed > 0 && independence == null);
  }

  /** What the independence steps did, for the console (empty when there were none). */
  String independenceReport() {
    if (independentProposed == 0) {
      return "";
    }
    return String.format(java.util.Locale.ROOT, " (independence steps accepted %.3f of %d"
        + " proposals%s)", independentAcceptance(), independentProposed,
        independence == null ? ", too few: stopped" : "");
  }

  /** The current step h, in units of S. */
  double step() {
    return step;
  }

  /**
   * n equally weighted chains from n weighted points, by systematic resampling of exp(logW);
   * copies of one point are spread by a shuffle.
   *
   * @throws IllegalArgumentException if no weight is positive
   */
  Chains resample(Chains weighted, double[] logW, long key) {
    int n = weighted.size();
    boolean any = false;
    for (int i = 0; i < n && !any; i++) {
      any = logW[i] > Double.NEGATIVE_INFINITY;
    }
    if (!any) {
      throw new IllegalArgumentException("no point has a positive weight");
    }
    int[] order = Resampling.shuffledAncestors(logW, n, n,
        streams.stream(RandomStreams.MOVE, key, -1));
    double[] z = new double[n * dim];
    double[] logP = new double[n];
    double[] scores = new double[n * dim];
    for (int i = 0; i < n; i++) {
      int from = order[i];
      System.arraycopy(weighted.z(), from * dim, z, i * dim, dim);
      System.arraycopy(weighted.scores(), from * dim, scores, i * dim, dim);
      logP[i] = weighted.logP()[from];
    }
    return new Chains(z, logP, scores, dim);
  }

  /**
   * The chains after {@code steps} MALA steps (streams keyed by (key, step, block)) with h
   * adapted after every step from the whole population's acceptance rate (burn-in).
   */
  Chains adapt(Chains chains, int steps, long key) {
    int n = chains.size();
    for (int s = 0; s < steps; s++) {
      boolean independent = independence != null && ++adapted % every == 0;
      MalaKernel kernel = independent ? kernel().independence(independence) : kernel();
      MoveTask.Moved moved = MoveTask.move(evaluator, kernel, chains, streams, key, s, 1);
      chains = moved.chains();
      if (independent) {
        independentAccepted += moved.accepted()[0];
        independentProposed += n;
        independentSteps++;
        continue;
      }
      double rate = (double) moved.accepted()[0] / n;
      // The whole population's rate (independent of the block split); bounded so that one bad
      // step cannot collapse or blow up the scale.
      step *= Math.exp(Math.max(-1, Math.min(1, 2 * (rate - TARGET_ACCEPTANCE))));
    }
    return chains;
  }

  /** The current kernel: h and S as they are now (frozen once burn-in ends). */
  MalaKernel kernel() {
    return new MalaKernel(dim, factor, step);
  }

  /**
   * What the moves of n chains did: the mean of the steps' acceptance rates (each the accepted
   * count over n), and the fraction of chains that never moved.
   */
  static Moves moves(MoveTask.Moved moved, int n) {
    int steps = moved.accepted().length;
    if (steps == 0) {
      return new Moves(Double.NaN, Double.NaN);
    }
    double rates = 0;
    for (long a : moved.accepted()) {
      rates += (double) a / n;
    }
    return new Moves(rates / steps, 1 - (double) moved.movedChains() / n);
  }

  /**
   * Stein's identity as a convergence check: for z ~ p, E[(z_d − m_d)·∂_d log p(z)] = −1 for every
   * coordinate d (integration by parts, m the mean). Returns the coordinate whose population
   * average misses −1 by more than max(0.1, 4 standard errors), or −1 if none does.
   */
  static int steinViolation(Chains chains) {
    int n = chains.size();
    int dim = chains.dim();
    double[] z = chains.z();
    double[] scores = chains.scores();
    double[] m = SampleMoments.mean(z, n, dim);
    for (int d = 0; d < dim; d++) {
      double sum = 0;
      double sumSq = 0;
      for (int i = 0; i < n; i++) {
        double v = (z[i * dim + d] - m[d]) * scores[i * dim + d];
        sum += v;
        sumSq += v * v;
      }
      double avg = sum / n;
      double se = Math.sqrt(Math.max(sumSq / n - avg * avg, 0) / n);
      if (!(Math.abs(avg + 1) <= Math.max(0.1, 4 * se))) {
        return d;
      }
    }
    return -1;
  }
}
