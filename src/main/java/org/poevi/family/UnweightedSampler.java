package org.poevi.family;

import static org.poevi.family.FeynmanSampler.BLOCK_SIZE;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.poevi.InvalidInputException;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.RandomStreams;
import org.poevi.math.Resampling;

/**
 * Unweighted draws of q_α ({@link FeynmanSampler#sample}): a pilot {@link ProposalPool} of Dir(α)
 * proposals estimates C_α and chooses the mode; exact mode keeps the first accepted proposals,
 * SIR mode (with an adapted proposal when it keeps more draws effective) resamples by weight;
 * then the sampler's second pass draws z | w for every selected proposal.
 */
final class UnweightedSampler {
  /** The SIR pool grows towards the target ESS only when its ESS fraction is at least this. */
  static final double MIN_GROWTH_ESS_FRACTION = 0.01;

  /** Below this ESS fraction the prior proposal is worth adapting. */
  static final double ADAPT_BELOW = 0.3;

  /** Components of a conditional mixture proposal for w: points z_j. */
  static final int MIXTURE_COMPONENTS = 128;
  /**
   * Conditional mixtures tried at most, each built from the best pool before it (population Monte
   * Carlo; a round that does not improve leaves the next one a fresh draw from the same pool):
   * they go on while the best ESS fraction is below {@value #MIXTURE_GOOD_ENOUGH}.
   */
  static final int MIXTURE_ROUNDS = 6;
  static final double MIXTURE_GOOD_ENOUGH = 0.5;
  // The conditional mixtures cost about J·K·(D² + rounds × trial size + pool size) flops with
  // J = K + MIXTURE_COMPONENTS components (the rates A_k(z_j), then J·K per proposal); above
  // SampleOptions#mixtureWork they are not tried. The fitted models at D = 1000 have 2–9 active
  // experts (a round there: about 1 s).

  private final FeynmanSampler sampler;
  private final int dim;

  UnweightedSampler(FeynmanSampler sampler) {
    this.sampler = sampler;
    this.dim = sampler.dim;
  }

  /** Unweighted draws of q_α, with the normaliser estimate and the diagnostics of how. */
  SampleResult sample(SampleOptions options) {
    RandomStreams streams = RandomStreams.of(options.seed());
    long stage = 0;
    int threads = options.threads();
    int draws = options.draws();
    List<String> warnings = new ArrayList<>();
    ProposalPool pool = new ProposalPool(sampler, sampler.prior, 0, true);
    pool.extend(options.normalizerDraws(), streams, stage, threads);
    LogMeanEstimate pilot = LogMeanEstimate.of(pool.logWeight, 0, (int) pool.size);
    // The pilot's moments are all the adaptation uses; later blocks need not pay for log w.
    pool.collectMoments = false;
    if (pilot.ess() == 0) {
      throw new InvalidInputException("Lambda(w) could not be factored for any Dirichlet"
          + " proposal: the alphas of the full-rank experts are too small next to singular ones,"
          + " or the model's scales are too extreme for double precision");
    }
    SamplingMode mode = mode(options, pilot);
    int[] counts = null;
    if (mode == SamplingMode.EXACT) {
      counts = selectExact(pool, options, streams, stage);
      if (counts == null) {
        warnings.add(exactShortfall(options, pool));
        mode = SamplingMode.SIR;
      }
    }
    double ess = Double.NaN;
    double acceptanceRate = Double.NaN;
    if (mode == SamplingMode.SIR) {
      pool = adaptedPool(pool, options, streams, stage);
      ess = grownEss(pool, options, streams, stage);
      counts = resample(pool, draws, streams.stream(RandomStreams.RESAMPLE, stage));
      if (ess < SampleResult.poolEssFor(SampleResult.USABLE_DRAWS_SHARE, draws)) {
        warnings.add(String.format(java.util.Locale.ROOT, "SIR effective sample size is %.0f"
            + " from %d proposals, so %.2g%% of the %d draws are effective (under %.0f%%): they"
            + " repeat few distinct w and may be unreliable", ess, pool.size,
            100 * SampleResult.sirDrawsEss(draws, ess) / draws, draws,
            100 * SampleResult.USABLE_DRAWS_SHARE));
      }
    } else {
      acceptanceRate = (double) pool.countAccepted() / pool.size;
    }
    if (pool.degenerate > 0) {
      warnings.add(pool.degenerate + " of " + pool.size + " proposals had a numerically singular"
          + " Lambda(w) and were given zero weight");
    }
    LogMeanEstimate normalizer = LogMeanEstimate.of(pool.logWeight, 0, (int) pool.size);
    double[] out = sampler.materialise(pool, counts, draws, streams, stage, threads);
    requireFinite(out);
    if (mode == SamplingMode.SIR) {
      Resampling.shuffleRows(out, draws, dim, streams.stream(RandomStreams.SHUFFLE, stage));
    }
    return new SampleResult(out, dim, draws, mode, pool.size, acceptanceRate, ess, normalizer,
        pool.degenerate, pool.proposal.label(),
        List.copyOf(warnings));
  }

  /** The mode asked for; under auto, exact when the pilot's acceptance rate is practical. */
  private SamplingMode mode(SampleOptions options, LogMeanEstimate pilot) {
    int draws = options.draws();
    double estimatedAcceptance = sampler.hasExactMode()
        ? Math.exp(pilot.estimate() - sampler.logBound()) : 0;
    return switch (options.mode()) {
      case EXACT -> {
        if (!sampler.hasExactMode()) {
          throw new InvalidInputException("exact sampling needs every active expert's lambda to be"
              + " positive definite; this model has a singular one (use mode sir or auto)");
        }
        yield SamplingMode.EXACT;
      }
      case SIR -> SamplingMode.SIR;
      case AUTO -> sampler.hasExactMode() && estimatedAcceptance >= options.minAcceptance()
          && draws / estimatedAcceptance <= options.maxProposals()
          ? SamplingMode.EXACT : SamplingMode.SIR;
    };
  }

  /**
   * The warning when exact sampling accepted too few proposals within the cap, after which SIR
   * takes over; an error when exact mode was asked for.
   */
  private static String exactShortfall(SampleOptions options, ProposalPool pool) {
    String message = "exact sampling accepted fewer than " + options.draws() + " draws within "
        + options.maxProposals() + " proposals (acceptance rate "
        + (double) pool.countAccepted() / pool.size + ")";
    if (options.mode() == SampleOptions.Mode.EXACT) {
      throw new InvalidInputException(message + "; raise the proposal cap or use mode sir");
    }
    return message + "; fell back to SIR";
  }

  /**
   * The ESS of a SIR pool, after growing it once towards the target ESS when its weights keep
   * enough of it effective for that to pay, and a conditional mixture's on towards usable draws
   * ({@link #usableEss}).
   */
  private double grownEss(ProposalPool pool, SampleOptions options, RandomStreams streams,
      long stage) {
    double ess = pool.ess();
    // Growing a pool whose weights keep under 1% of it effective towards the target ESS costs
    // far more than it gives; the caller then compares with SIR in z space (ValidatedSampler).
    boolean worthGrowing = ess >= MIN_GROWTH_ESS_FRACTION * pool.size;
    if (worthGrowing && ess < options.targetEss() && pool.size < options.maxProposals()) {
      // The ESS fraction is roughly stable in the pool size, so one step reaches the target.
      long wanted = (long) Math.ceil(pool.size * options.targetEss() / ess * 1.05);
      if (pool.proposal.isConditionalMixture()) {
        // J·K per proposal: grown within the mixtures' work budget (one model with 172 active
        // experts spent 30 s growing to a million of them).
        wanted = Math.min(wanted, Math.max(pool.size, (long) (options.mixtureWork()
            / mixtureWorkPerProposal())));
      }
      pool.extend(Math.min(wanted, options.maxProposals()), streams, stage, options.threads());
      ess = pool.ess();
    }
    if (pool.proposal.isConditionalMixture() && ess > 0) {
      ess = usableEss(pool, ess, options, streams, stage);
    }
    return ess;
  }

  /**
   * The ESS of a conditional-mixture pool that is short of draws that keep
   * {@link SampleResult#USABLE_DRAWS_SHARE} of them effective (the work budget capped it, or its
   * weights keep under {@value #MIN_GROWTH_ESS_FRACTION} of it effective, so it was not grown),
   * grown towards them within {@link #RESCUE_BUDGETS} budgets when a constant ESS fraction
   * says they can be reached there. Heavy-tailed weights gain ESS more slowly than the pool
   * grows, so it grows in steps: a D = 50 model with 184 active experts kept 7.6% of its draws
   * effective at 380,000 proposals (the budget), 9.3% at 537,600 and 13% at 672,000; one with 265
   * experts more kept 6.3% at 100,096 (0.68% of them effective) and 13% at 172,800.
   */
  private double usableEss(ProposalPool pool, double ess, SampleOptions options,
      RandomStreams streams, long stage) {
    double usable = SampleResult.poolEssFor(SampleResult.USABLE_DRAWS_SHARE, options.draws());
    long cap = Math.min(options.maxProposals(), (long) (RESCUE_BUDGETS * options.mixtureWork()
        / mixtureWorkPerProposal()));
    double grown = ess;
    if (pool.size * usable / ess > cap) {
      return grown;  // out of reach: growing would only spend the budgets
    }
    while (grown < usable && pool.size < cap) {
      long next = (long) Math.ceil(pool.size * Math.max(1.25, usable / grown * 1.05));
      pool.extend(Math.min(next, cap), streams, stage, options.threads());
      grown = pool.ess();
    }
    return grown;
  }

  /**
   * Budgets of conditional-mixture work a pool may take, over {@link SampleOptions#mixtureWork}'s
   * growth towards the target ESS, to reach draws that keep a tenth of them effective.
   */
  static final double RESCUE_BUDGETS = 4;

  /** J·K: the work of one conditional-mixture proposal (J = K + its point components). */
  private double mixtureWorkPerProposal() {
    return (double) (sampler.count + MIXTURE_COMPONENTS) * sampler.count;
  }

  /** Throws when a draw overflowed: the model's tails are too heavy for double precision. */
  private void requireFinite(double[] out) {
    for (int i = 0; i < out.length; i++) {
      if (!Double.isFinite(out[i])) {
        throw new InvalidInputException("draw " + i / dim + " overflowed to " + out[i]
            + ": the tails of this model (dof " + sampler.dof + ") are too heavy to represent its"
            + " draws in double precision");
      }
    }
  }

  /**
   * When the prior pool keeps less than {@value #ADAPT_BELOW} of its draws effective, tries the
   * adapted mixture (round 1), the logistic t of a Laplace fit to q(w) ({@link WeightLaplace},
   * round 2) and then conditional mixtures (rounds 3, 4, …, at most {@value #MIXTURE_ROUNDS}, while
   * the best keeps under {@value #MIXTURE_GOOD_ENOUGH}), each on a trial of a quarter of the
   * pool's size, and keeps whichever proposal has the largest ESS fraction, grown to the pool's
   * size. The others are dropped.
   */
  private ProposalPool adaptedPool(ProposalPool pilot, SampleOptions options,
      RandomStreams streams, long stage) {
    double bestFraction = pilot.ess() / pilot.size;
    if (bestFraction >= ADAPT_BELOW || sampler.count == 1) {
      return pilot;
    }
    double[] beta = pilot.fitBeta();
    WeightProposal[] candidates = {
        beta == null ? null : WeightProposal.adapted(sampler.stack.alpha(), beta),
        WeightLaplace.fit(sampler)};
    ProposalPool best = pilot;
    long trialSize = Math.max(pilot.size / 4, 16L * BLOCK_SIZE);
    int k = sampler.count;
    // Every proposal of a conditional mixture costs about J·K: its trial rounds' and, if it is
    // kept, the pool's (posteriordb's non-centred eight schools with 172 active experts spent
    // minutes there before this counted more than one trial).
    double work = mixtureWorkPerProposal() * ((double) dim * dim
        + (double) MIXTURE_ROUNDS * trialSize + pilot.size);
    int rounds = candidates.length + (work <= options.mixtureWork() ? MIXTURE_ROUNDS : 0);
    for (int c = 0; c < rounds; c++) {
      boolean mixture = c >= candidates.length;
      if (mixture && bestFraction >= MIXTURE_GOOD_ENOUGH) {
        break;
      }
      // The conditional mixtures (the last rounds) are built from the best pool so far.
      WeightProposal candidate = mixture
          ? conditionalMixture(best, streams, stage, c + 1, options.threads()) : candidates[c];
      if (candidate == null) {
        continue;
      }
      ProposalPool trial = new ProposalPool(sampler, candidate, c + 1, false);
      trial.extend(trialSize, streams, stage, options.threads());
      if (trial.ess() / trial.size > bestFraction) {
        best = trial;
        bestFraction = trial.ess() / trial.size;
      }
    }
    best.extend(pilot.size, streams, stage, options.threads());
    return best;
  }

  /**
   * The conditional mixture of q(w | z_j) ({@link WeightProposal#conditionalMixture}) at the
   * active experts' locations and at {@value #MIXTURE_COMPONENTS} points of the pool: its
   * proposals resampled by weight, each with its own draw of z | w (streams WEIGHT_PROPOSAL,
   * stage, round; no target evaluations). The resampled points follow the pool, which may have
   * found only some of q's modes; the locations cover every region an expert lives in, so a
   * mode the pool missed still has components.
   */
  private WeightProposal conditionalMixture(ProposalPool pool, RandomStreams streams, long stage,
      long round, int threads) {
    int n = MIXTURE_COMPONENTS;
    int[] counts = Resampling.systematicCounts(pool.logWeight, (int) pool.size, n,
        streams.stream(RandomStreams.WEIGHT_PROPOSAL, stage, round));
    double[] z = sampler.materialise(pool, counts, n, streams, stage, threads,
        block -> streams.stream(RandomStreams.WEIGHT_PROPOSAL, stage, round, block));
    ProductOfExperts family = sampler.family();
    int[] active = family.activeExperts();
    int k = active.length;
    double[] logRates = new double[(k + n) * k];
    double[] point = new double[dim];
    for (int j = 0; j < k + n; j++) {
      if (j < k) {
        System.arraycopy(family.expert(active[j]).location(), 0, point, 0, dim);
      } else {
        System.arraycopy(z, (j - k) * dim, point, 0, dim);
      }
      for (int i = 0; i < k; i++) {
        logRates[j * k + i] = Math.log(family.expert(active[i]).a(point));
        if (!Double.isFinite(logRates[j * k + i])) {
          return null;  // a z out of range: no mixture this round
        }
      }
    }
    return WeightProposal.conditionalMixture(sampler.stack.alpha(), logRates);
  }

  /**
   * Marks the first {@code draws} accepted proposals, growing the pool as needed; null if capped.
   */
  private int[] selectExact(ProposalPool pool, SampleOptions options, RandomStreams streams,
      long stage) {
    long draws = options.draws();
    long accepted = pool.countAccepted();
    while (accepted < draws && pool.size < options.maxProposals()) {
      double rate = Math.max((double) accepted / pool.size, 1.0 / pool.size);
      long wanted = pool.size + (long) Math.ceil((draws - accepted) / rate * 1.1) + BLOCK_SIZE;
      pool.extend(Math.min(wanted, options.maxProposals()), streams, stage, options.threads());
      accepted = pool.countAccepted();
    }
    if (accepted < draws) {
      return null;
    }
    int[] counts = new int[(int) pool.size];
    long taken = 0;
    for (int m = 0; m < pool.size && taken < draws; m++) {
      if (pool.accepted[m]) {
        counts[m] = 1;
        taken++;
      }
    }
    return counts;
  }

  /** Systematic resampling of {@code draws} indices with probabilities ∝ exp(logWeight). */
  private static int[] resample(ProposalPool pool, int draws, UniformRandomProvider rng) {
    return Resampling.systematicCounts(pool.logWeight, (int) pool.size, draws, rng);
  }
}
