package org.poevi.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.poevi.family.Expert;
import org.poevi.family.FeynmanSampler;
import org.poevi.family.NormalizerValidation;
import org.poevi.family.ProductOfExperts;
import org.poevi.family.SampleOptions;
import org.poevi.family.SampleResult;
import org.poevi.family.ScoreBasis;
import org.poevi.family.ValidatedSampler;
import org.poevi.math.Cholesky;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.LogSpace;
import org.poevi.math.MultivariateT;
import org.poevi.math.ParetoTail;
import org.poevi.math.RandomStreams;
import org.poevi.math.SampleMoments;
import org.poevi.qp.QpProblem;
import org.poevi.qp.QpResult;
import org.poevi.qp.QpSolver;
import org.poevi.targets.Target;

/**
 * Fits the exponents α of a product of experts to a target (SPEC §3–4).
 *
 * <ol>
 *   <li>Modes of log p̃ by multi-start L-BFGS, a Laplace start at the best one, and a preliminary
 *       Gaussian (m, S) by adaptive importance sampling ({@link GaussianFit}).
 *   <li>Under p, when the first batch's importance weights p̃/r keep too few draws effective (or
 *       always, fit.population): a population of MALA chains resampled from that batch and burnt
 *       in until Stein's identity holds ({@link ResampleMove}); its moments replace (m, S).
 *   <li>An oversized expert pool: experts at the modes, over the bulk of N(m, S) with local
 *       curvatures, and broad ones ({@link ExpertPool}).
 *   <li>Iterations, each one batch of target scores, reduced into G and h ({@link ScoreSums})
 *       and one QP over {α ≥ 0, Σα ≥ D/2 + ε}:
 *       <ul>
 *         <li><b>under-p</b> (default): the batch is drawn from r = t_ν(m, c²S) and weighted by
 *             p̃/r (tempered to (p̃/r)^τ if that keeps too few effective draws), or it is the
 *             population after a few more MALA steps; G and h are averaged over the batches so
 *             far, and a proximal term keeps α near its last value;
 *         <li><b>under-q</b>, the paper's Algorithm 1: the batch is drawn from q_α (or q_τα) with
 *             its Feynman weights C(w); with step control (Σα may grow by at most a factor per
 *             step, η is halved when the ESS fraction drops, divergence stops the fit).
 *       </ul>
 *       The fit stops when α, or the objective, changes by less than the tolerance.
 *   <li>Unweighted draws of the fitted q, its validated log-normaliser, and the PSIS k̂ of
 *       log p̃ − log q over those draws.
 * </ol>
 *
 * Every random choice comes from streams keyed by the seed and a purpose, iteration and block
 * index, so the fit is the same for any number of threads.
 */
public final class PoeFitter {
  /** The MALA burn-in goes on, while Stein's identity fails, up to this many times move-burn-in. */
  static final int MAX_BURN_IN_FACTOR = 10;
  /** The MALA population has at least this many chains per dimension. */
  static final int CHAINS_PER_DIMENSION = 128;

  /**
   * Receives progress: phases, the work done within a long phase, and one row per iteration.
   * {@link #advance} may be called from several threads at once.
   */
  public interface Progress {
    void phase(String description);

    void iteration(TraceRow row);

    /** Within the current phase, {@code done} of {@code total} units (starts, steps, parts). */
    default void advance(long done, long total) {}

    Progress SILENT = new Progress() {
      @Override
      public void phase(String description) {}

      @Override
      public void iteration(TraceRow row) {}
    };
  }

  private final Target target;
  private final FitSettings settings;
  private final ScoreEvaluator evaluator;
  private final QpSolver qp;
  private final Progress progress;
  private final RandomStreams streams;
  private final int dim;
  private final long start = System.nanoTime();
  private final long[] directEvaluations = new long[1];
  private final List<String> warnings = new ArrayList<>();

  private PoeFitter(Target target, FitSettings settings, ScoreEvaluator evaluator, QpSolver qp,
      Progress progress) {
    this.target = target;
    this.settings = settings;
    this.evaluator = evaluator;
    this.qp = qp;
    this.progress = progress;
    this.streams = RandomStreams.of(settings.seed());
    this.dim = target.dim();
  }

  public static FitResult fit(Target target, FitSettings settings, ScoreEvaluator evaluator,
      QpSolver qp, Progress progress) {
    return new PoeFitter(target, settings, evaluator, qp, progress).run();
  }

  private FitResult run() {
    stage("mode search (" + settings.modeStarts() + " L-BFGS starts)");
    List<ModeFinder.Mode> modes = ModeFinder.find(target, settings.modeStarts(),
        settings.startScale(), streams, settings.threads(), directEvaluations, progress);
    double[] start;
    double[] laplace;
    if (modes.isEmpty()) {
      // No stationary point (an unbounded density, e.g. a funnel's neck): the preliminary
      // Gaussian starts from the distribution of the mode search's starts, N(0, s² I).
      warnings.add("the mode search found no stationary point in " + settings.modeStarts()
          + " starts (the density may be unbounded, as in a funnel's neck): the preliminary"
          + " Gaussian starts from N(0, experts.start-scale^2 I)");
      start = new double[dim];
      laplace = new double[dim * dim];
      for (int d = 0; d < dim; d++) {
        laplace[d * dim + d] = settings.startScale() * settings.startScale();
      }
    } else {
      ModeFinder.Mode best = modes.get(0);
      double[] h = best.negativeHessian();
      double[] range = Hessians.eigenRange(h, dim);
      start = best.location();
      laplace = Cholesky.inverse(Hessians.floored(h, dim,
          Math.max(1e-8 * Math.abs(range[1]), 1e-12)), dim);
    }
    stage("preliminary Gaussian (" + settings.gaussianRounds() + " rounds of "
        + settings.gaussianDraws() + " draws)");
    GaussianFit gaussian = GaussianFit.of(evaluator, dim, start, laplace,
        settings.gaussianRounds(), settings.gaussianDraws(), streams, settings.threads(),
        progress);
    Population population = null;
    if (settings.objective() == Objective.UNDER_P
        && settings.population() != PopulationMode.NEVER) {
      population = population(gaussian);
      if (population != null) {
        // The population's moments replace the preliminary Gaussian: in high dimension its
        // importance weights degenerate and (m, S) can be off by more than a standard deviation.
        gaussian = population.moments();
      }
    }
    ExpertPool pool;
    double minSum = dim / 2.0 + settings.sumSlack();
    double[] alpha;
    if (settings.initial() != null) {
      ProductOfExperts initial = settings.initial();
      if (initial.dim() != dim) {
        throw new org.poevi.InvalidInputException("experts.from has dimension " + initial.dim()
            + " but the target has dimension " + dim);
      }
      List<String> kinds = new ArrayList<>();
      for (int i = 0; i < initial.numExperts(); i++) {
        kinds.add("given");
      }
      pool = new ExpertPool(initial.experts(), List.copyOf(kinds));
      alpha = initial.alpha();
      double total = sum(alpha);
      if (total < minSum + 1e-9) {
        // Start inside the constraint set: scale α up to Σα = c + 1.
        for (int i = 0; i < alpha.length; i++) {
          alpha[i] *= (minSum + 1) / total;
        }
      }
    } else {
      stage("expert pool");
      pool = ExpertPool.build(target, modes, gaussian, new ExpertPool.Settings(
          settings.placement(), settings.locations(), settings.plannedAlpha(), settings.widths(),
          settings.broadFactors(), settings.globalWidths(), settings.hessianFloor()), streams,
          settings.threads(),
          directEvaluations, progress);
      alpha = new double[pool.experts().size()];
      Arrays.fill(alpha, (minSum + 1) / alpha.length);
    }
    int k = pool.experts().size();
    List<TraceRow> trace = new ArrayList<>();
    List<double[]> alphaPath = new ArrayList<>();
    stage("fitting alpha (" + settings.objective().label() + ", " + k + " experts)");
    // The experts as the QP sees them: in the metric of the preliminary Gaussian's covariance
    // (the objective in whitened coordinates), or of the identity.
    List<Expert> basis = switch (settings.metric()) {
      case COVARIANCE -> ScoreBasis.of(pool.experts(), Hessians.floored(gaussian.covariance(),
          dim, 0, Hessians.MAX_CONDITION));
      case INFORMATION -> ScoreBasis.of(pool.experts(), informationMetric(gaussian));
      case IDENTITY -> pool.experts();
    };
    FitResult.StopReason stop = settings.objective() == Objective.UNDER_P
        ? underP(pool, basis, gaussian, population, alpha, minSum, trace, alphaPath)
        : underQ(pool, basis, alpha, minSum, trace, alphaPath);
    ProductOfExperts family = ProductOfExperts.of(pool.experts(), alpha);
    if (stop != FitResult.StopReason.CONVERGED) {
      warnings.add("the fit did not converge: " + stop.label() + " after " + trace.size()
          + " iterations");
    }
    stage("final draws and normaliser");
    // The z-space normaliser also draws from the target's bulk (the under-p proposal): a fitted
    // q holds its mass there, even when its own sampler is drawn to a spike elsewhere.
    ValidatedSampler.Outcome outcome = ValidatedSampler.sample(family, SampleOptions.builder()
        .draws(settings.outputDraws()).seed(settings.seed()).threads(settings.threads())
        .build(), proposal(gaussian), progress::advance);
    SampleResult sample = outcome.draws();
    NormalizerValidation normalizer = outcome.normalizer();
    warnings.addAll(outcome.warnings());
    double khat = psisKhat(family, sample, normalizer.chosenEstimate().estimate());
    if (khat > ParetoTail.RELIABLE_KHAT) {
      warnings.add(String.format("PSIS k-hat of log p - log q is %.2f > 0.7: q misses parts of"
          + " p (importance-weighted estimates under q are unreliable)", khat));
    }
    long evaluations = evaluator.evaluations() + directEvaluations[0];
    return new FitResult(family, pool.kinds(), target.parameterNames(), List.copyOf(trace),
        List.copyOf(alphaPath), stop,
        sample, normalizer, khat, evaluations, seconds(), modes.size(), List.copyOf(warnings));
  }

  /**
   * F⁻¹ with F = E_p[∇log p ∇log pᵀ] (eigenvalues floored at 1e-8 of the largest); the
   * covariance S when F is zero (no importance round had any weight).
   */
  private double[] informationMetric(GaussianFit gaussian) {
    double[] f = gaussian.information();
    if (!(Hessians.eigenRange(f, dim)[1] > 0)) {
      return Hessians.floored(gaussian.covariance(), dim, 0, Hessians.MAX_CONDITION);
    }
    return Cholesky.inverse(Hessians.floored(f, dim, 0, Hessians.MAX_CONDITION), dim);
  }

  /** A phase of the fit: reported to the user and named on the evaluator's jobs. */
  private void stage(String description) {
    progress.phase(description);
    evaluator.stage(description);
  }

  private double seconds() {
    return (System.nanoTime() - start) * 1e-9;
  }

  /**
   * The MALA population of the under-p objective with moves: a batch from the proposal
   * t_ν(m, c²S), resampled by its importance weights (tempered to keep min-ess-fraction of the
   * draws effective), then move-burn-in adaptive MALA steps re-preconditioned from the
   * population's covariance every move-steps steps.
   */
  private record Population(double[] z, double[] logP, double[] scores, ResampleMove mover,
      double ess, double tau, int dim) {
    GaussianFit moments() {
      int n = logP.length;
      double[] mean = SampleMoments.mean(z, n, dim);
      double[] information = new double[dim * dim];
      for (int i = 0; i < n; i++) {
        for (int a = 0; a < dim; a++) {
          for (int b = 0; b < dim; b++) {
            information[a * dim + b] += scores[i * dim + a] * scores[i * dim + b] / n;
          }
        }
      }
      return new GaussianFit(mean, SampleMoments.covariance(z, n, mean, dim), n, information);
    }
  }

  /**
   * The population, or null (with a warning) when it fails Stein's identity after burn-in: the
   * fit then uses importance-weighted batches.
   */
  private Population population(GaussianFit gaussian) {
    int b = populationSize();
    MultivariateT proposal = proposal(gaussian);
    double[] z = new double[b * dim];
    double[] logP = new double[b];
    double[] scores = new double[b * dim];
    double[] logW = new double[b];
    importanceBatch(proposal, 0, z, logP, scores, logW);
    double tau = temper(logW, settings.minEssFraction() * b);
    double ess = LogSpace.effectiveSampleSize(logW, 0, b);
    if (settings.population() == PopulationMode.AUTO && tau >= 1) {
      progress.phase(String.format("importance weights keep %.0f of %d draws effective:"
          + " weighted batches", ess, b));
      return null;
    }
    stage("population of " + b + " MALA chains (at least " + settings.moveBurnIn()
        + " burn-in steps)");
    ResampleMove mover = new ResampleMove(evaluator, dim, gaussian.covariance(), streams,
        settings.threads());
    mover.resample(z, logP, scores, logW, b, 0);
    // Burn-in: at least move-burn-in steps, then on until Stein's identity holds in every
    // coordinate, up to MAX_BURN_IN_FACTOR times as many.
    int maxBurnIn = MAX_BURN_IN_FACTOR * settings.moveBurnIn();
    int done = 0;
    int bad = 0;
    while (done < maxBurnIn) {
      int steps = Math.min(settings.moveSteps(), maxBurnIn - done);
      mover.move(z, logP, scores, b, steps, -1 - done, true);
      mover.preconditionFrom(z, b);
      done += steps;
      // The bar fills at move-burn-in steps; a longer burn-in goes past it.
      progress.advance(done, Math.max(done, settings.moveBurnIn()));
      if (done >= settings.moveBurnIn()
          && (bad = ResampleMove.steinViolation(z, scores, b, dim)) < 0) {
        break;
      }
    }
    if (bad >= 0) {
      warnings.add("the MALA population has not reached p after " + done + " burn-in steps"
          + " (Stein's identity fails in " + target.parameterNames().get(bad) + "); the fit"
          + " uses importance-weighted batches instead");
      return null;
    }
    progress.phase("population reached p after " + done + " burn-in steps");
    return new Population(z, logP, scores, mover, ess, tau, dim);
  }

  /**
   * Chains in the MALA population: the batch size, and at least {@value #CHAINS_PER_DIMENSION}·D.
   * The population's covariance replaces S and shapes the pool, and its relative error is about
   * √(D/n): 9% at 128·D. With 2048 chains at D = 50 (error 16%) the fitted q lost to the oracle
   * Gaussian even in Fisher divergence on one of two 50-D targets (docs/design-study.md).
   */
  private int populationSize() {
    return (int) Math.min(Integer.MAX_VALUE / Math.max(dim, 1),
        Math.max(settings.batchSize(), (long) CHAINS_PER_DIMENSION * dim));
  }

  private MultivariateT proposal(GaussianFit gaussian) {
    return MultivariateT.of(gaussian.mean(), GaussianFit.scaled(gaussian.covariance(),
        settings.proposalScale() * settings.proposalScale()), settings.proposalDof());
  }

  /**
   * One batch from the proposal with its log weights p̃/r; returns their Kish ESS.
   *
   * @throws TargetEvaluationException when p̃ is 0 at every draw (nothing to fit)
   */
  private double importanceBatch(MultivariateT proposal, long iteration, double[] z,
      double[] logP, double[] scores, double[] logW) {
    int b = logW.length;
    ScoreEvaluator.drawProposalBatch(proposal, streams, iteration, b, z, settings.threads());
    evaluator.evaluate(z, b, logP, scores);
    ScoreEvaluator.importanceLogWeights(proposal, z, logP, logW, 0, b, 0);
    return checkedEss(logW, iteration);
  }

  /**
   * The Kish ESS of a batch's log weights.
   *
   * @throws TargetEvaluationException when p̃ is 0 at every draw (nothing to fit)
   */
  private double checkedEss(double[] logW, long iteration) {
    int b = logW.length;
    double ess = LogSpace.effectiveSampleSize(logW, 0, b);
    if (!(ess >= 1)) {
      throw new org.poevi.targets.TargetEvaluationException("target " + target.name()
          + " has log density -infinity at all " + b + " draws of the proposal around the"
          + " preliminary Gaussian (batch " + iteration + "): its support is not where the mode"
          + " search and the Gaussian put it");
    }
    return ess;
  }

  private FitResult.StopReason underP(ExpertPool pool, List<Expert> basis, GaussianFit gaussian,
      Population population, double[] alpha, double minSum, List<TraceRow> trace,
      List<double[]> alphaPath) {
    int k = alpha.length;
    int b = population == null ? settings.batchSize() : population.logP().length;
    MultivariateT proposal = population == null ? proposal(gaussian) : null;
    double[] gramSum = new double[k * k];
    double[] crossSum = new double[k];
    double scoreNormSum = 0;
    // The population's chains (moved in place); importance batches are drawn afresh.
    double[] z = population == null ? null : population.z();
    double[] logP = population == null ? null : population.logP();
    double[] scores = population == null ? null : population.scores();
    for (int t = 1; t <= settings.iterations(); t++) {
      evaluator.stage("iteration " + t + " (under p)");
      double tau;
      ResampleMove.Moves moves = new ResampleMove.Moves(Double.NaN, Double.NaN);
      double ess;
      ScoreSums sums;
      if (population == null) {
        // Draws of the proposal, the target there, weights p̃/r tempered over the whole batch,
        // and the sums; on Spark the points never leave the executors that drew them.
        long iteration = t;
        double[] tempering = new double[1];
        sums = evaluator.importanceAccumulate(proposal, streams, iteration, b, basis,
            w -> {
              checkedEss(w, iteration);
              tempering[0] = temper(w, settings.minEssFraction() * b);
            }, settings.threads()).sums();
        tau = tempering[0];
        ess = Double.NaN;
      } else {
        // Moved draws are equally weighted draws of p (correlated with the previous iteration's);
        // the first iteration reports the tempered weights the population was resampled from.
        ess = t == 1 ? population.ess() : b;
        tau = t == 1 ? population.tau() : 1;
        // The chains move by the frozen kernel and are then weighted equally: one distributed
        // job where the evaluator is distributed.
        ScoreEvaluator.MovedSums moved = evaluator.moveAndAccumulate(population.mover().kernel(),
            streams, t, settings.moveSteps(), basis, z, logP, scores, b,
            settings.threads());
        double rates = 0;
        for (long a : moved.accepted()) {
          rates += (double) a / b;
        }
        moves = ResampleMove.moves(rates, moved.movedChains(), b, settings.moveSteps());
        sums = moved.sums();
      }
      double reportedEss = population == null ? sums.effectiveSampleSize() : ess;
      if (!allFinite(sums.normalizedGram()) || !allFinite(sums.normalizedCross())) {
        warnings.add("under-p iteration " + t + ": the batch's score sums are not finite;"
            + " stopped");
        return FitResult.StopReason.DIVERGED;
      }
      addInto(gramSum, sums.normalizedGram());
      addInto(crossSum, sums.normalizedCross());
      scoreNormSum += sums.fisherDivergence(new double[k]);
      double[] g = scaledCopy(gramSum, 1.0 / t);
      double[] hVec = scaledCopy(crossSum, 1.0 / t);
      Step step = solve(g, hVec, alpha, minSum, settings.eta());
      if (step == null) {
        return FitResult.StopReason.QP_FAILED;
      }
      double delta = distance(step.alpha, alpha);
      double constant = scoreNormSum / t;
      double objectiveChange = relativeImprovement(quadratic(g, hVec, constant, alpha),
          quadratic(g, hVec, constant, step.alpha));
      System.arraycopy(step.alpha, 0, alpha, 0, k);
      TraceRow row = new TraceRow(t, sums.fisherDivergence(alpha), delta, objectiveChange,
          countActive(alpha),
          sum(alpha), 2 * sum(alpha) - dim, reportedEss, reportedEss / b, tau, moves.acceptance(), moves.unmovedFraction(),
          runningLogNormalizer(pool.experts(), alpha, t), step.status, step.millis,
          settings.eta(), evaluator.evaluations() + directEvaluations[0], seconds());
      trace.add(row);
      alphaPath.add(alpha.clone());
      progress.iteration(row);
      if (t >= 2 && converged(delta, alpha, objectiveChange)) {
        return FitResult.StopReason.CONVERGED;
      }
    }
    return FitResult.StopReason.MAX_ITERATIONS;
  }

  /**
   * The stopping rule (SPEC §3): the relative change of α, or the relative decrease of the
   * objective that the step bought, at most fit.tolerance. The second is blind to moves of α
   * along directions the objective cannot see (near-duplicate experts trading weight), which
   * keep ‖Δα‖ large long after q itself has stopped changing.
   */
  private boolean converged(double delta, double[] alpha, double objectiveChange) {
    return delta <= settings.tolerance() * norm(alpha)
        || (objectiveChange >= 0 && objectiveChange <= settings.tolerance());
  }

  /** (F(before) − F(after)) / |F(after)|, 0 when both are 0. */
  private static double relativeImprovement(double before, double after) {
    double scale = Math.abs(after);
    return scale > 0 ? (before - after) / scale : before == after ? 0 : Double.POSITIVE_INFINITY;
  }

  /** αᵀGα − 2hᵀα + c: the sample Fisher divergence at α. */
  private static double quadratic(double[] g, double[] h, double c, double[] alpha) {
    int k = alpha.length;
    double value = c;
    for (int i = 0; i < k; i++) {
      double gi = 0;
      for (int j = 0; j < k; j++) {
        gi += g[i * k + j] * alpha[j];
      }
      value += alpha[i] * gi - 2 * h[i] * alpha[i];
    }
    return value;
  }

  private FitResult.StopReason underQ(ExpertPool pool, List<Expert> basis, double[] alpha,
      double minSum,
      List<TraceRow> trace, List<double[]> alphaPath) {
    int k = alpha.length;
    int b = settings.batchSize();
    double eta = settings.eta();
    for (int t = 1; t <= settings.iterations(); t++) {
      evaluator.stage("iteration " + t + " (under q)");
      double qTau = batchTemper(pool.experts(), alpha);
      // Draws of q (a degenerate proposal, weight 0, is put at the origin), the target's scores
      // there and the QP's sums: one distributed job where the evaluator is distributed.
      ScoreEvaluator.WeightedSums batch = evaluator.drawEvaluateAccumulate(basis,
          scaledCopy(alpha, qTau), streams, t, b, settings.threads());
      double[] logW = batch.logWeights();
      ScoreSums sums = batch.sums();
      if (!allFinite(sums.normalizedGram()) || !allFinite(sums.normalizedCross())) {
        warnings.add("under-q iteration " + t + ": the batch's score sums are not finite;"
            + " stopped");
        return FitResult.StopReason.DIVERGED;
      }
      double essFraction = sums.effectiveSampleSize() / b;
      if (essFraction < settings.essFloor()) {
        eta /= 2;
      }
      Step step = solve(sums.normalizedGram(), sums.normalizedCross(), alpha, minSum, eta);
      if (step == null) {
        return FitResult.StopReason.QP_FAILED;
      }
      double[] next = step.alpha;
      double before = sums.fisherDivergence(alpha);
      double growth = sum(next) / sum(alpha);
      boolean capped = growth > settings.growthCap();
      if (capped) {
        // Cap the growth of Σα (runaway α was the prototype's failure mode 3); Σα stays ≥ c.
        double f = settings.growthCap() / growth;
        for (int i = 0; i < k; i++) {
          next[i] *= f;
        }
      }
      if (!allFinite(next)) {
        warnings.add("under-q iteration " + t + " produced a non-finite alpha; stopped");
        return FitResult.StopReason.DIVERGED;
      }
      double delta = distance(next, alpha);
      // A capped step is not the QP's answer: its objective change says nothing about convergence.
      double objectiveChange = capped ? Double.NaN
          : relativeImprovement(before, sums.fisherDivergence(next));
      System.arraycopy(next, 0, alpha, 0, k);
      TraceRow row = new TraceRow(t, sums.fisherDivergence(alpha), delta, objectiveChange,
          countActive(alpha),
          sum(alpha), 2 * sum(alpha) - dim, sums.effectiveSampleSize(), essFraction, qTau,
          Double.NaN, Double.NaN, qTau < 1 ? runningLogNormalizer(pool.experts(), alpha, t)
          : LogMeanEstimate.of(logW).estimate(), step.status, step.millis, eta,
          evaluator.evaluations() + directEvaluations[0], seconds());
      trace.add(row);
      alphaPath.add(alpha.clone());
      progress.iteration(row);
      if (2 * sum(alpha) - dim > 1e6) {
        warnings.add("under-q diverged: nu = 2 sum(alpha) - D exceeded 1e6 at iteration " + t);
        return FitResult.StopReason.DIVERGED;
      }
      if (t >= 2 && converged(delta, alpha, objectiveChange)) {
        return FitResult.StopReason.CONVERGED;
      }
    }
    return FitResult.StopReason.MAX_ITERATIONS;
  }

  /**
   * The exponent τ of the family q_τα the under-q batch is drawn from (fit.q-temper): a flatter q
   * whose batches reach further into p's tails. τ is raised so that q_τα keeps ν = 2Στα − D ≥ 4
   * (below that the batch's G has infinite variance for targets whose score grows linearly), and
   * is 1 when τ·α would not be normalisable.
   */
  private double batchTemper(List<Expert> experts, double[] alpha) {
    if (settings.qTemper() >= 1) {
      return 1;
    }
    double tau = Math.min(1, Math.max(settings.qTemper(), (dim + 4) / (2 * sum(alpha))));
    try {
      ProductOfExperts.of(experts, scaledCopy(alpha, tau));
      return tau;
    } catch (org.poevi.InvalidInputException notNormalisable) {
      return 1;
    }
  }

  private record Step(double[] alpha, String status, double millis) {}

  /**
   * argmin ½ αᵀ(G + λI)α − (h + λ α_prev)ᵀ α over {α ≥ 0, Σα ≥ c}, λ = trace(G)/(K·η). Returns
   * null (and records a warning) when the QP fails.
   */
  private Step solve(double[] g, double[] h, double[] previous, double minSum, double eta) {
    int k = previous.length;
    double trace = 0;
    for (int i = 0; i < k; i++) {
      trace += g[i * k + i];
    }
    double prox = Math.max(trace, 1e-300) / (k * eta);
    double[] gProx = g.clone();
    double[] hProx = h.clone();
    for (int i = 0; i < k; i++) {
      gProx[i * k + i] += prox;
      hProx[i] += prox * previous[i];
    }
    QpResult r = qp.solve(QpProblem.of(gProx, hProx, minSum, previous));
    if (r.status() == QpResult.Status.FAILED) {
      warnings.add("QP failed: " + r.message());
      return null;
    }
    double[] alpha = r.solution();
    for (int i = 0; i < k; i++) {
      alpha[i] = Math.max(alpha[i], 0);
    }
    return new Step(alpha, r.status().name().toLowerCase(java.util.Locale.ROOT),
        r.nanos() * 1e-6);
  }

  /**
   * Tempers log weights in place to τ·logW with τ ∈ (0, 1] the largest keeping an effective
   * sample size of at least {@code minEss} (bisection; the ESS of τ·logW falls as τ grows for
   * weights that are not all equal). Returns τ.
   */
  static double temper(double[] logW, double minEss) {
    int n = logW.length;
    if (LogSpace.effectiveSampleSize(logW, 0, n) >= minEss) {
      return 1;
    }
    double lo = 0;
    double hi = 1;
    double[] scaled = new double[n];
    for (int it = 0; it < 40; it++) {
      double mid = 0.5 * (lo + hi);
      for (int i = 0; i < n; i++) {
        scaled[i] = mid * logW[i];
      }
      if (LogSpace.effectiveSampleSize(scaled, 0, n) >= minEss) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double tau = Math.max(lo, 1e-6);
    for (int i = 0; i < n; i++) {
      logW[i] *= tau;
    }
    return tau;
  }

  /** A cheap Dirichlet estimate of log C_α (4096 draws, no target evaluations). */
  private double runningLogNormalizer(List<Expert> experts, double[] alpha, int iteration) {
    ProductOfExperts family = ProductOfExperts.of(experts, alpha);
    return LogMeanEstimate.of(FeynmanSampler.of(family).weighted(streams, 1_000_000L + iteration,
        4096, settings.threads()).logWeights()).estimate();
  }

  /** PSIS k̂ of log p̃(z) − log q(z) over the fit's draws (evaluates the target there). */
  private double psisKhat(ProductOfExperts family, SampleResult sample, double logC) {
    int n = sample.numDraws();
    double[] logP = new double[n];
    double[] scores = new double[n * dim];
    evaluator.evaluate(sample.draws(), n, logP, scores);
    double[] logRatio = new double[n];
    double[] z = new double[dim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(sample.draws(), i * dim, z, 0, dim);
      logRatio[i] = logP[i] - (family.logDensityUnnormalized(z) - logC);
    }
    return ParetoTail.khat(logRatio);
  }

  private static void addInto(double[] target, double[] values) {
    for (int i = 0; i < target.length; i++) {
      target[i] += values[i];
    }
  }

  private static double[] scaledCopy(double[] v, double f) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] *= f;
    }
    return out;
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  private static double norm(double[] a) {
    return distance(a, new double[a.length]);
  }

  private static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s;
  }

  private static int countActive(double[] a) {
    int n = 0;
    for (double v : a) {
      if (v > 0) {
        n++;
      }
    }
    return n;
  }

  private static boolean allFinite(double[] a) {
    for (double v : a) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
