package org.poevi.fit;

import java.util.List;
import java.util.Optional;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.math.LogSpace;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;

/**
 * The MALA population of the under-p objective: a batch from the proposal t_ν(m, c²S), resampled
 * by its importance weights (tempered to keep min-ess-fraction of the draws effective), then
 * move-burn-in adaptive MALA steps re-preconditioned from the population's covariance every
 * move-steps steps, and on until Stein's identity holds ({@link ResampleMove}). Every
 * independence-every-th burn-in step is an independence step from t_ν(m, c²S) around the
 * population's moments instead, for as long as those steps accept at least independence-every /
 * move-burn-in of their proposals: each chain is then expected to jump across p at least once in
 * the burn-in, where MALA's local steps take hundreds of steps to cross a funnel.
 *
 * @param chains the burnt-in chains
 * @param kernel the frozen MALA kernel the iterations move them with
 * @param ess Kish ESS of the tempered weights the population was resampled from
 * @param tempering the exponent τ of those weights
 * @param pooledCovariance p's covariance pooled over the steps after burn-in, or null
 * @param pooledMean p's mean pooled over the same steps, or null
 * @param report what the burn-in did, or null (a population moved on by the iterations)
 */
record Population(Chains chains, MalaKernel kernel, double ess, double tempering,
    double[] pooledCovariance, double[] pooledMean, PopulationReport report) {
  /**
   * Without a pooled covariance ({@link PooledCovariance}, for fewer than 128·D chains): the
   * moments come from the chains' current positions.
   */
  Population(Chains chains, MalaKernel kernel, double ess, double tempering) {
    this(chains, kernel, ess, tempering, null, null, null);
  }

  /** The burn-in goes on, while Stein's identity fails, up to this many times move-burn-in. */
  static final int MAX_BURN_IN_FACTOR = 10;
  /** The population has at least this many chains per dimension. */
  static final int CHAINS_PER_DIMENSION = 128;

  /**
   * How a population started: the population, or the importance-weighted batches the fit uses
   * instead, with a warning when that is a fallback (none when the weights were good enough).
   *
   * @param first weighted batch 1, evaluated, when the start chose weighted batches on its
   *     weights; else null
   */
  record Start(Optional<Population> population, Optional<String> warning,
      ImportanceBatches.Evaluated first) {}

  /** What the start needs from the fit. */
  record Context(ScoreEvaluator evaluator, RandomStreams streams, List<String> parameterNames,
      String targetName, int batchSize, int threads, Progress progress,
      java.util.function.Consumer<String> stage, int chains) {
    /** With {@link #size} chains. */
    Context(ScoreEvaluator evaluator, RandomStreams streams, List<String> parameterNames,
        String targetName, int batchSize, int threads, Progress progress,
        java.util.function.Consumer<String> stage) {
      this(evaluator, streams, parameterNames, targetName, batchSize, threads, progress, stage,
          size(batchSize, parameterNames.size()));
    }
  }

  /**
   * Batch 1 of the weighted batches, drawn and evaluated before anything else decides between
   * them and a population (population = auto).
   *
   * @param drawn its draws, log p̃ and scores
   * @param ess the Kish ESS of its weights p̃/r
   * @param enough whether its weights keep min-ess-fraction of the draws effective untempered
   */
  record FirstBatch(ImportanceBatches.Evaluated drawn, double ess, boolean enough) {}

  /** Batch 1, evaluated, under population = auto; null otherwise (nothing is evaluated). */
  static FirstBatch firstBatch(UnderPSettings settings, MultivariateT proposal, Context fit) {
    if (settings.population() != PopulationMode.AUTO) {
      return null;
    }
    int n = fit.batchSize();
    Weighed batch1 = weigh(ImportanceBatches.Evaluated.draw(proposal, fit.streams(), n,
        fit.threads()), n, 1, proposal, fit);
    double ess = LogSpace.effectiveSampleSize(batch1.logW(), 0, n);
    boolean enough = ImportanceBatches.temper(batch1.logW(), settings.minEssFraction() * n) >= 1;
    return new FirstBatch(batch1.drawn(), ess, enough);
  }

  /**
   * The population for {@code settings} around the preliminary Gaussian, or weighted batches
   * when the first batch's weights keep enough draws (population = auto) or the population fails
   * Stein's identity after burn-in. Under population = auto, weighted batch 1 ({@link
   * #firstBatch}, evaluated by the caller) decides first: when its weights keep enough draws it
   * is the first weighted batch and nothing more is evaluated here. Otherwise (or under
   * population = always) the population comes from its own batch of max(batch size, 128·D)
   * draws (the stream of batch 0): under auto, when all those draws keep enough effective draws
   * the fit still takes weighted batches, as it does when the population fails (the fit then
   * goes on from its first q, whose iteration was their first: {@link FirstIteration}).
   *
   * @param batch1 {@link #firstBatch}'s answer (null unless population = auto)
   */
  static Start start(UnderPSettings settings, MultivariateT proposal, GaussianFit gaussian,
      Context fit, FirstBatch batch1) {
    int dim = proposal.dim();
    if (batch1 != null && batch1.enough()) {
      return weighted(fit, batch1.ess(), fit.batchSize(), batch1.drawn());
    }
    int b = fit.chains();
    double[] z = new double[b * dim];
    ImportanceTask.drawBatch(proposal, fit.streams(), 0, b, z, fit.threads());
    Weighed all = weigh(z, b, 0, proposal, fit);
    double[] logW = all.logW();
    double tau = ImportanceBatches.temper(logW, settings.minEssFraction() * b);
    double ess = LogSpace.effectiveSampleSize(logW, 0, b);
    if (settings.population() == PopulationMode.AUTO && tau >= 1) {
      // All b draws keep enough effective draws though batch 1 did not: weighted batches, as the
      // decision on all b draws always gave.
      return weighted(fit, ess, b, null);
    }
    fit.stage().accept("population of " + b + " MALA chains (at least "
        + settings.moveBurnIn() + " burn-in steps)");
    ResampleMove mover = new ResampleMove(fit.evaluator(), dim, gaussian.covariance(),
        fit.streams());
    mover.independence(proposal, settings.proposalScale(), settings.independenceEvery());
    ImportanceBatches.Evaluated drawn = all.drawn();
    Chains chains = mover.resample(new Chains(z, drawn.logP(), drawn.scores(), dim), logW, 0);
    return burnIn(settings, mover, chains, ess, tau, fit, gaussian.covariance());
  }

  /** Draws evaluated and their log weights p̃/r. */
  private record Weighed(ImportanceBatches.Evaluated drawn, double[] logW) {}

  /** log p̃, the scores and the log weights at the n draws z of batch {@code batch}. */
  private static Weighed weigh(double[] z, int n, long batch, MultivariateT proposal,
      Context fit) {
    double[] logP = new double[n];
    double[] scores = new double[n * proposal.dim()];
    fit.evaluator().evaluate(z, n, logP, scores);
    double[] logW = new double[n];
    ImportanceTask.logWeights(proposal, z, logP, logW, 0, n, 0);
    ImportanceBatches.checkedEss(logW, batch, fit.targetName());
    return new Weighed(new ImportanceBatches.Evaluated(z, logP, scores), logW);
  }

  /** Weighted batches, said to the user, starting with {@code first} (null: none). */
  private static Start weighted(Context fit, double ess, int n,
      ImportanceBatches.Evaluated first) {
    fit.progress().phase(String.format("importance weights keep %.0f of %d draws effective:"
        + " weighted batches", ess, n));
    return new Start(Optional.empty(), Optional.empty(), first);
  }

  /**
   * At least move-burn-in steps, then on until Stein's identity holds in every coordinate, up
   * to {@value #MAX_BURN_IN_FACTOR} times as many.
   */
  private static Start burnIn(UnderPSettings settings, ResampleMove mover, Chains chains,
      double ess, double tau, Context fit, double[] prior) {
    int maxBurnIn = MAX_BURN_IN_FACTOR * settings.moveBurnIn();
    int done = 0;
    // Without burn-in steps (move-burn-in = 0) the resampled draws themselves are checked.
    int bad = maxBurnIn == 0 ? ResampleMove.steinViolation(chains) : 0;
    while (done < maxBurnIn) {
      int steps = Math.min(settings.moveSteps(), maxBurnIn - done);
      chains = mover.adapt(chains, steps, -1 - done);
      mover.preconditionFrom(chains);
      mover.keepIndependenceIf((double) settings.independenceEvery()
          / Math.max(settings.moveBurnIn(), 1));
      done += steps;
      // The bar fills at move-burn-in steps; a longer burn-in goes past it.
      fit.progress().advance(done, Math.max(done, settings.moveBurnIn()));
      if (done >= settings.moveBurnIn() && (bad = ResampleMove.steinViolation(chains)) < 0) {
        break;
      }
    }
    if (bad >= 0) {
      return new Start(Optional.empty(), Optional.of("the MALA population has not reached p"
          + " after " + done + " burn-in steps (Stein's identity fails in "
          + fit.parameterNames().get(bad) + "); the fit uses importance-weighted batches"
          + " instead"), null);
    }
    fit.progress().phase("population reached p after " + done + " burn-in steps"
        + mover.independenceReport());
    PopulationReport report = mover.report(chains.size(), done);
    double[] pooled = null;
    double[] pooledMean = null;
    if (chains.size() < CHAINS_PER_DIMENSION * (long) chains.dim()) {
      PooledCovariance.Result r = PooledCovariance.pool(mover, chains, settings.moveSteps(),
          settings.moveBurnIn(), done, prior.clone());
      chains = r.chains();
      pooled = r.covariance();
      pooledMean = r.mean();
      fit.progress().phase(String.format(java.util.Locale.ROOT, "covariance pooled over %d more"
          + " steps of the %d chains (its KL error about %.2g nats by split halves; shrunk by"
          + " %.2f towards the preliminary covariance)", r.steps(), chains.size(), r.error(),
          r.shrinkage()));
    }
    // The chains that feed the fit move by MALA alone: they are already spread over p, and an
    // independence step's chains pile up where r is thin (the centred eight schools' neck:
    // docs/benchmarks.md).
    return new Start(Optional.of(new Population(chains, mover.kernel(), ess, tau, pooled,
        pooledMean, report)), Optional.empty(), null);
  }

  /**
   * Chains in the population: the batch size, and at least {@value #CHAINS_PER_DIMENSION}·D.
   * The population's covariance replaces S and shapes the pool, and its relative error is about
   * √(D/n): 9% at 128·D. With 2048 chains at D = 50 (error 16%) the fitted q lost to the oracle
   * Gaussian even in Fisher divergence on one of two 50-D targets (docs/design-study.md).
   */
  static int size(int batchSize, int dim) {
    return (int) Math.min(Integer.MAX_VALUE / Math.max(dim, 1),
        Math.max(batchSize, (long) CHAINS_PER_DIMENSION * dim));
  }

  /**
   * The population's moments, which replace the preliminary Gaussian: in high dimension its
   * importance weights degenerate and (m, S) can be off by more than a standard deviation. Both
   * are Stein's (pooled over steps when there are fewer than 128·D chains): the scores cancel the
   * Gaussian part of the error ({@link PooledCovariance#steinRatio}). From one snapshot this took
   * sinh-arcsinh D = 50 from KL 4.932 to 4.854 ± 0.028 and the funnel from 3.456 to 3.394
   * (docs/benchmarks.md).
   */
  GaussianFit moments() {
    int n = chains.size();
    int dim = chains.dim();
    double[] scores = chains.scores();
    double[] information = new double[dim * dim];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < dim; a++) {
        for (int b = 0; b < dim; b++) {
          information[a * dim + b] += scores[i * dim + a] * scores[i * dim + b] / n;
        }
      }
    }
    if (pooledCovariance != null) {
      return new GaussianFit(pooledMean.clone(), pooledCovariance.clone(), n, information);
    }
    // One snapshot: Stein's ratio and mean, as the pooled ones (PooledCovariance).
    double[] sums = new double[2 * dim * dim];
    double[] meanSums = new double[2 * dim];
    PooledCovariance.addCovariance(chains, new double[n * dim], sums);
    PooledCovariance.addMeans(chains, meanSums);
    double[] covariance = PooledCovariance.steinRatio(sums, 1, dim);
    return new GaussianFit(PooledCovariance.steinMean(meanSums, 1, covariance, dim), covariance,
        n, information);
  }

  /**
   * The Gaussian the pool is built around once the population has reached p: the chains'
   * moments, whose covariance a population of fewer than 128·D chains pools over its steps after
   * burn-in ({@link PooledCovariance}; the structured pool's metric is its precision). A
   * structured pool without a pooled covariance keeps the preliminary one.
   */
  GaussianFit poolGaussian(GaussianFit preliminary, boolean structured) {
    GaussianFit moments = moments();
    return structured && pooledCovariance() == null ? new GaussianFit(moments.mean(),
        preliminary.covariance(), moments.ess(), moments.information()) : moments;
  }
}
