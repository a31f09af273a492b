package org.poevi.family;

import org.poevi.InvalidInputException;
import org.poevi.math.BlockParallel;

/**
 * Settings of {@link FeynmanSampler#sample}. Build with {@link #builder()}; {@link Builder#build()}
 * validates, and the defaults live here only.
 *
 * @param draws number of unweighted draws to return
 * @param seed master seed: it fixes every random choice
 * @param threads worker threads; never changes the result
 * @param normalizerDraws Dirichlet draws in the first pass, which estimates C_α and decides the mode
 * @param minAcceptance exact rejection sampling is chosen automatically when its estimated
 *     acceptance rate is at least this
 * @param maxProposals cap on Dirichlet proposals over all passes (time and memory)
 * @param targetEss in SIR mode the pool grows until its effective sample size reaches this (or
 *     the cap)
 * @param mode AUTO, or force EXACT or SIR
 * @param mixtureWork flops a conditional-mixture proposal pool may take to grow towards the
 *     target ESS (J·K per proposal; {@link UnweightedSampler}); up to
 *     {@link UnweightedSampler#RESCUE_BUDGETS} times more to reach draws that keep
 *     {@link SampleResult#USABLE_DRAWS_SHARE} of them effective
 */
public record SampleOptions(int draws, long seed, int threads, long normalizerDraws,
    double minAcceptance, long maxProposals, double targetEss, Mode mode, double mixtureWork) {

  /** Which sampler to use. */
  public enum Mode { AUTO, EXACT, SIR }

  public static final long DEFAULT_MIN_NORMALIZER_DRAWS = 100_000;
  /** More first-pass draws than this add time, not information the mode choice needs. */
  public static final long DEFAULT_MAX_NORMALIZER_DRAWS = 20_000_000;
  public static final double DEFAULT_MIN_ACCEPTANCE = 0.01;
  public static final long DEFAULT_MIN_MAX_PROPOSALS = 10_000_000;
  /** About 10 s of conditional-mixture work on the 2-core machine of docs/benchmarks.md. */
  public static final double DEFAULT_MIXTURE_WORK = 2e10;
  /** Beyond this many proposals the per-proposal arrays would take gigabytes. */
  public static final long HARD_MAX_PROPOSALS = 200_000_000;

  /** First-pass draws when none are given: max(draws, 100 000), at most 20 000 000. */
  public static long defaultNormalizerDraws(int draws) {
    return Math.min(Math.max(draws, DEFAULT_MIN_NORMALIZER_DRAWS), DEFAULT_MAX_NORMALIZER_DRAWS);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.draws = draws;
    b.seed = seed;
    b.threads = threads;
    b.normalizerDraws = normalizerDraws;
    b.minAcceptance = minAcceptance;
    b.maxProposals = maxProposals;
    b.targetEss = targetEss;
    b.mode = mode;
    b.mixtureWork = mixtureWork;
    return b;
  }

  /** Builder with validated, documented defaults. */
  public static final class Builder {
    private int draws = 10_000;
    private long seed = 1;
    private int threads = BlockParallel.defaultThreads();
    private long normalizerDraws = -1;
    private double minAcceptance = DEFAULT_MIN_ACCEPTANCE;
    private long maxProposals = -1;
    private double targetEss = -1;
    private Mode mode = Mode.AUTO;
    private double mixtureWork = DEFAULT_MIXTURE_WORK;

    public Builder draws(int v) {
      draws = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder threads(int v) {
      threads = v;
      return this;
    }

    /** Default: max(draws, 100 000), at most 20 000 000. */
    public Builder normalizerDraws(long v) {
      normalizerDraws = v;
      return this;
    }

    public Builder minAcceptance(double v) {
      minAcceptance = v;
      return this;
    }

    /** Default: max(50 · draws, 10 000 000, normalizer draws), at most 200 000 000. */
    public Builder maxProposals(long v) {
      maxProposals = v;
      return this;
    }

    /** Default: draws. */
    public Builder targetEss(double v) {
      targetEss = v;
      return this;
    }

    public Builder mode(Mode v) {
      mode = v;
      return this;
    }

    /** Default: {@value SampleOptions#DEFAULT_MIXTURE_WORK} flops. */
    public Builder mixtureWork(double v) {
      mixtureWork = v;
      return this;
    }

    public SampleOptions build() {
      if (draws < 1) {
        throw new InvalidInputException("draws must be >= 1, got " + draws);
      }
      if (threads < 1) {
        throw new InvalidInputException("threads must be >= 1, got " + threads);
      }
      long nDraws = normalizerDraws < 0 ? defaultNormalizerDraws(draws) : normalizerDraws;
      if (nDraws < 1000) {
        throw new InvalidInputException("normalizer draws must be >= 1000 (the Pareto k-hat of"
            + " the weights needs a tail to fit), got " + nDraws);
      }
      if (!(minAcceptance > 0 && minAcceptance <= 1)) {
        throw new InvalidInputException("minimum acceptance rate must be in (0, 1], got "
            + minAcceptance);
      }
      long cap = maxProposals < 0
          ? Math.min(Math.max(Math.max(50L * draws, DEFAULT_MIN_MAX_PROPOSALS), nDraws),
              HARD_MAX_PROPOSALS)
          : maxProposals;
      if (cap < nDraws) {
        throw new InvalidInputException("max proposals (" + cap
            + ") must be at least the normalizer draws (" + nDraws + ")");
      }
      if (cap > HARD_MAX_PROPOSALS) {
        throw new InvalidInputException("max proposals must be <= " + HARD_MAX_PROPOSALS
            + ", got " + cap);
      }
      double ess = targetEss < 0 ? draws : targetEss;
      if (!(ess > 0) || Double.isInfinite(ess)) {
        throw new InvalidInputException("target ESS must be finite and > 0, got " + ess);
      }
      if (!(mixtureWork > 0) || Double.isInfinite(mixtureWork)) {
        throw new InvalidInputException("conditional-mixture work must be finite and > 0, got "
            + mixtureWork);
      }
      return new SampleOptions(draws, seed, threads, nDraws, minAcceptance, cap, ess, mode,
          mixtureWork);
    }
  }
}
