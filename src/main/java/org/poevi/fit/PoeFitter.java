package org.poevi.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.poevi.InvalidInputException;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.AffineMap;
import org.poevi.targets.FramedTarget;
import org.poevi.family.Expert;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.qp.QpSolver;
import org.poevi.targets.Target;

/**
 * Fits the exponents α of a product of experts to a target (SPEC §3–4), as init → steps →
 * finish:
 *
 * <ol>
 *   <li><b>init</b>: the modes and a preliminary Gaussian (m, S) ({@link Preliminary}); under p,
 *       when the first batch's importance weights keep too few draws effective (or always,
 *       fit.under-p.population), a burnt-in MALA population whose moments replace (m, S)
 *       ({@link Population}); the expert pool ({@link ExpertPool}) or a model's experts; the
 *       first {@link FitState} with its {@link BatchSource}. Its α: equal exponents, or under p
 *       with weighted batches chosen on the first batch's weights (not after a failed
 *       population) the α that best matches the preliminary Gaussian's scores
 *       ({@link GaussianStart}) when that batch prefers it.
 *   <li><b>steps</b> ({@link AlphaIterations}): each a batch of target scores reduced into the
 *       QP's sums, one proximal step on α, the stopping rule. Under p (default) the batches come
 *       from r = t_ν(m, c²S) weighted by p̃/r, or from the moved population, and the objective
 *       averages them all; under q (the paper's Algorithm 1) they come from q_α with its Feynman
 *       weights, with step control.
 *   <li><b>finish</b> ({@link FitFinish}): draws of q, its normaliser, lp__, lq__ and PSIS k̂;
 *       when the draws miss mass of q, α is fitted again with p's scores there ({@link
 *       MassRepair}).
 * </ol>
 * Under experts.axes = auto the steps and the finish may run again, in rounds, with coordinate
 * and priced experts ({@link Pricing}); {@link AxisChoice} keeps the q closer to p. A fit with a
 * MALA population then ends with the affine map of q fitted to half its chains, if the other
 * half and both q's draws judge it closer to p ({@link AffineCalibration},
 * fit.under-p.affine-calibration). Every random choice comes from streams keyed by the seed and
 * a purpose, iteration and block index: the same fit for any threads, partitions or executors.
 */
public final class PoeFitter implements Fitter {
  private final PoeSettings settings;
  private final QpSolver qp;

  /** The fitter for {@code settings}, solving its QPs with {@code qp}. */
  public PoeFitter(PoeSettings settings, QpSolver qp) {
    this.settings = settings;
    this.qp = qp;
  }

  @Override
  public PoeResult fit(Target target, ScoreEvaluator evaluator, Progress progress) {
    // The fit's time includes the mode search, which comes before the frame is chosen.
    long start = System.nanoTime();
    InitSettings init = settings.init();
    int dim = target.dim();
    if (settings.experts() instanceof ExpertPool.Settings pool) {
      pool.checkAxes(dim);
    }
    ModeFinder.Search search = Preliminary.search(target, init,
        RandomStreams.of(settings.run().seed()), settings.run().threads(), progress,
        stage -> { progress.phase(stage); evaluator.stage(stage); });
    AffineMap map = settings.experts() instanceof ExpertSource.Given ? null
        : Frames.choose(init.frame(), search.modes(), dim);
    if (map == null) {
      return new Run(target, evaluator, progress, search, start, null).run();
    }
    progress.phase("fitting in the Laplace frame (init.frame = "
        + init.frame().name().toLowerCase(java.util.Locale.ROOT) + ")");
    List<String> names = Frames.names(dim);
    ModeFinder.Search framed = new ModeFinder.Search(Frames.into(search.modes(), map),
        search.evaluations());
    return new Run(FramedTarget.of(target, map, names), new FramedEvaluator(evaluator, map),
        progress, framed, start, map.a()).run().mapped(map, target.parameterNames());
  }

  /** One fit of one target: init, steps, finish. */
  private final class Run {
    private final Target target;
    private final ScoreEvaluator evaluator;
    private final Progress progress;
    private final RandomStreams streams;
    private final long start;
    private final ModeFinder.Search search;
    private final double[] axes; // the user's coordinates in the fit's (the frame's A) or null
    private MassRepair.Pending last; // the last run's fit, to repair

    Run(Target target, ScoreEvaluator evaluator, Progress progress, ModeFinder.Search search,
        long start, double[] axes) {
      this.axes = axes;
      this.search = search;
      this.start = start;
      this.target = target;
      this.evaluator = evaluator;
      this.progress = progress;
      this.streams = RandomStreams.of(settings.run().seed());
    }

    /**
     * What init hands to the iterations and to finish: {@code taken}, the first step if init
     * took it (the first q's, when the fit goes on from it), else null; {@code firstQ}, the first
     * q, superseded by a population's fit, or null; {@code withAxes}, under experts.axes = auto
     * the pool with the coordinate experts (this start's has none), or null.
     */
    private record Start(FitState state, AlphaIterations iterations, ExpertPool pool,
        AlphaIterations.Step taken, PoeResult.FirstQ firstQ, Launch launch, ExpertPool withAxes) {}

    private PoeResult run() {
      Start init = init();
      PoeResult fit = priced(init);
      init.launch().recorded().close();  // no later fit reads the batches: free them
      if (!(settings.alpha().objective() instanceof UnderPSettings p) || structured(target.dim())) {
        return fit;
      }
      fit = p.affineCalibration() ? AffineCalibration.after(fit, init.launch().population(),
          evaluator, settings.run().threads(), this::stage, progress) : fit;
      return p.klProjection() ? KlProjection.after(fit, init.launch().population(), settings,
          evaluator, init.launch().gaussian(), this::stage, progress) : fit;
    }

    /** The fit, with rounds of pricing under experts.axes = auto. */
    private PoeResult priced(Start init) {
      PoeResult fit = run(init);
      boolean second = auto() && !structured(target.dim())
          && (init.withAxes() != null || settings.refine().count(target.dim()) > 0);
      if (!second || !AxisChoice.worthTrying(fit, progress)) {
        return fit;
      }
      Launch launch = init.launch();
      ExpertPool pool = init.pool();
      ExpertPool withAxes = init.withAxes();
      // Rounds of pricing, each at the last kept fit's alpha, until one is dropped.
      for (int round = 1; round <= settings.refine().rounds()
          && fit.axes().map(AxisChoice.Outcome::kept).orElse(true); round++) {
        Pricing.Refined refined = Pricing.refine(new Pricing.Fit(target, settings, evaluator,
            streams, progress, axes), pool, withAxes, launch.population(),
            launch.gaussian(), fit.alphaPath(), round - 1, init.withAxes() != null);
        if (refined.chosen() == 0 && withAxes == null) {
          break;
        }
        stage("fitting alpha again, with " + AxisChoice.added(refined.chosen(),
            withAxes != null) + " (experts.axes = auto)");
        launch = launch.plus(refined.evaluations());
        PoeResult next = run(start(refined.pool(), launch, init.firstQ(), null));
        fit = AxisChoice.chooseOrRepair(fit, next, last, launch.population(),
            settings.run().threads(), refined, round, progress);
        progress.phase(fit.axes().orElseThrow().describe());
        pool = refined.pool();
        withAxes = null;
      }
      return fit;
    }

    private PoeResult run(Start init) {
      List<String> warnings = new ArrayList<>(init.launch().warnings());
      List<TraceRow> trace = new ArrayList<>();
      List<double[]> alphaPath = new ArrayList<>();
      FitState state = init.state();
      Optional<StopReason> stop;
      AlphaIterations.Step step = init.taken();
      do {
        if (step == null) {
          step = init.iterations().step(state);
        }
        warnings.addAll(step.warnings());
        AlphaIterations.Step done = step;
        step.row().ifPresent(row -> {
          trace.add(row);
          alphaPath.add(done.state().alpha());
          progress.iteration(row);
        });
        state = step.state();
        stop = step.stop();
        step = null;
      } while (stop.isEmpty());
      List<String> before = List.copyOf(warnings);
      StopReason why = stop.get();
      java.util.function.Function<FitState, PoeResult> finisher = s -> finish(init, s,
          List.copyOf(trace), List.copyOf(alphaPath), why, new ArrayList<>(before));
      last = new MassRepair.Pending(state, new MassRepair.Fit(settings.alpha().metric().basis(
          init.pool().experts(), init.launch().gaussian()), evaluator,
          init.iterations().alphaStep(), settings.alpha().tolerance(), settings.run().threads(),
          this::stage), finisher, alphaPath);
      return last.finished();
    }

    private Start init() {
      int dim = target.dim();
      int threads = settings.run().threads();
      Preliminary preliminary = Preliminary.of(search, target, settings.init(), evaluator,
          streams, threads, progress, this::stage);
      List<String> warnings = new ArrayList<>(target.warnings());
      warnings.addAll(preliminary.warnings());
      GaussianFit gaussian = preliminary.gaussian();
      AlphaSettings fit = settings.alpha();
      double minSum = dim / 2.0 + fit.sumSlack();
      Optional<Population> population = Optional.empty();
      // Later rounds of pricing fit on the same batches: they read them (Trajectory).
      Trajectory.Both recorded = auto() && !structured(dim) ? Trajectory.Both.bounded()
          : Trajectory.Both.none();
      ImportanceBatches.Evaluated first = null;
      boolean gaussianProposalWorks = false;
      FirstIteration firstQ = null;
      if (fit.objective() instanceof UnderPSettings underP
          && underP.population() != PopulationMode.NEVER) {
        // A structured pool keeps the preliminary precision as its metric and needs no
        // information matrix from the chains: batch-size chains suffice (issue #20).
        int chains = structured(dim) ? fit.batchSize() : Population.size(fit.batchSize(), dim);
        MultivariateT proposal = underP.proposal(gaussian);
        Population.Context context = new Population.Context(evaluator, streams,
            target.parameterNames(), target.name(), fit.batchSize(), threads, progress,
            this::stage, chains);
        Population.FirstBatch batch1 = Population.firstBatch(underP, proposal, context);
        if (batch1 != null && !batch1.enough()) {
          firstQ = firstQ(preliminary, gaussian, batch1.drawn(), minSum, recorded);
        }
        Population.Start started = Population.start(underP, proposal, gaussian, context, batch1);
        started.warning().ifPresent(warnings::add);
        population = started.population();
        if (population.isEmpty() && firstQ != null) {
          // Weighted batches after all: the first q's iteration was their first.
          Launch launch = new Launch(gaussian, population, started.first(), false,
              preliminary.evaluations() + firstQ.pool().evaluations(),
              preliminary.modes().size(), warnings, recorded);
          return new Start(firstQ.state(), firstQ.iterations(), firstQ.pool(), firstQ.step(),
              null, launch, auto() ? AxisChoice.affordable(firstQ.pool().withAxes(gaussian,
              axes, (ExpertPool.Settings) settings.experts()), progress) : null);
        }
        first = started.first();
        // Weighted batches chosen on batch 1's weights (not after a failed population).
        gaussianProposalWorks = first != null;
        if (population.isPresent()) {
          gaussian = population.get().poolGaussian(gaussian, structured(dim));
        }
      }
      ExpertPool pool = pool(preliminary, gaussian, true);
      Launch launch = new Launch(gaussian, population, first, gaussianProposalWorks,
          preliminary.evaluations() + pool.evaluations() + (firstQ == null ? 0
          : firstQ.pool().evaluations()), preliminary.modes().size(), warnings, recorded);
      return start(auto() ? pool.without(AxisExperts.KIND) : pool, launch,
          firstQ == null ? null : firstQ.result(), auto() ? AxisChoice.affordable(pool, progress)
          : null);
    }

    /** experts.axes = auto. */
    private boolean auto() {
      return settings.experts() instanceof ExpertPool.Settings p && p.axes() == AxisMode.AUTO;
    }

    /** What the α-iterations start from, whatever the pool. */
    private record Launch(GaussianFit gaussian, Optional<Population> population,
        ImportanceBatches.Evaluated first, boolean gaussianProposalWorks, long before, int modes,
        List<String> warnings, Trajectory.Both recorded) {
      /** The same launch, {@code evaluations} more score evaluations before the iterations. */
      Launch plus(long evaluations) {
        return new Launch(gaussian, population, first, gaussianProposalWorks,
            before + evaluations, modes, warnings, recorded);
      }
    }

    /** The start of the α-iterations on {@code pool}. */
    private Start start(ExpertPool pool, Launch launch, PoeResult.FirstQ firstQ,
        ExpertPool withAxes) {
      AlphaSettings fit = settings.alpha();
      double minSum = target.dim() / 2.0 + fit.sumSlack();
      double[] alpha = settings.experts().startingAlpha(pool.experts().size(), minSum);
      stage("fitting alpha (" + fit.objective().objective().label() + ", "
          + pool.experts().size() + " experts)");
      List<Expert> basis = fit.metric().basis(pool.experts(), launch.gaussian());
      BatchSource source = source(basis, pool, launch.gaussian(), launch.population(),
          launch.first(), launch.recorded());
      if (!(settings.experts() instanceof ExpertSource.Given) && launch.gaussianProposalWorks()) {
        alpha = GaussianStart.chosen(basis, launch.gaussian(), source, alpha,
            new AlphaStep(qp, minSum, fit.objective().growthCap()), fit, streams,
            settings.run().threads(), progress);
      }
      return new Start(startState(alpha, source), iterations(pool, launch.before(), minSum),
          pool, null, firstQ, launch, withAxes);
    }

    /** The state before iteration 1: α, the set η, an empty objective, the batch source. */
    private FitState startState(double[] alpha, BatchSource source) {
      AlphaSettings fit = settings.alpha();
      return new FitState(0, alpha, fit.eta(), fit.objective().quadratic(alpha.length), source);
    }

    /**
     * The first q, before a population: the pool around the preliminary Gaussian and one
     * iteration on weighted batch 1 ({@code batch1}, evaluated; {@link FirstIteration}).
     */
    private FirstIteration firstQ(Preliminary preliminary, GaussianFit gaussian,
        ImportanceBatches.Evaluated batch1, double minSum, Trajectory.Both recorded) {
      AlphaSettings fit = settings.alpha();
      ExpertPool pool = pool(preliminary, gaussian, false);
      double[] alpha = settings.experts().startingAlpha(pool.experts().size(), minSum);
      stage("a first q from weighted batch 1 (" + pool.experts().size() + " experts)");
      BatchSource source = source(fit.metric().basis(pool.experts(), gaussian), pool, gaussian,
          Optional.empty(), batch1, recorded);
      FitState state = startState(alpha, source);
      AlphaIterations iterations = iterations(pool, preliminary.evaluations()
          + pool.evaluations(), minSum);
      AlphaIterations.Step step = iterations.step(state);
      step.row().ifPresent(row -> progress.phase(String.format(java.util.Locale.ROOT,
          "first q after %d score evaluations: batch Fisher divergence %.4g, %d experts active,"
          + " nu = %.3g (a MALA population refines it)", row.scoreEvaluations(),
          row.step().fisher(), row.step().activeExperts(), row.step().nu())));
      return new FirstIteration(pool, iterations, state, step);
    }

    /** True when the pool will be structured ({@code experts.structure}). */
    private boolean structured(int dim) {
      return settings.experts() instanceof ExpertPool.Settings p && p.structure().structured(dim);
    }

    /**
     * The experts of experts.from, or the pool built around the target; under experts.axes =
     * auto with coordinate experts only when {@code auto}.
     */
    private ExpertPool pool(Preliminary preliminary, GaussianFit gaussian, boolean auto) {
      if (settings.experts() instanceof ExpertSource.Given given) {
        if (given.model().dim() != target.dim()) {
          throw new InvalidInputException("experts.from has dimension " + given.model().dim()
              + " but the target has dimension " + target.dim());
        }
        return ExpertPool.given(given.model().experts());
      }
      stage("expert pool");
      ExpertPool.Settings pool = (ExpertPool.Settings) settings.experts();
      if (!auto && pool.axes() == AxisMode.AUTO) {
        pool = pool.withAxes(AxisMode.NEVER);
      }
      return ExpertPool.build(target, preliminary.modes(), gaussian, pool, axes,
          pool.streams(streams), settings.run().threads(), progress);
    }

    /**
     * The first batch source of the chosen objective; weighted batches start with {@code first},
     * the population's evaluated first batch (null when there was none); a population's moves
     * are read from, or recorded in, {@code recorded}, as weighted batches' draws are.
     */
    private BatchSource source(List<Expert> basis, ExpertPool pool, GaussianFit gaussian,
        Optional<Population> population, ImportanceBatches.Evaluated first,
        Trajectory.Both recorded) {
      AlphaSettings fit = settings.alpha();
      int threads = settings.run().threads();
      if (fit.objective() instanceof UnderQSettings underQ) {
        return new QBatches(evaluator, pool.experts(), basis, streams, fit.batchSize(),
            underQ.qTemper());
      }
      UnderPSettings underP = (UnderPSettings) fit.objective();
      if (population.isPresent()) {
        return new PopulationBatches(evaluator, population.get(), basis, streams,
            underP.moveSteps(), recorded.moves());
      }
      return new ImportanceBatches(evaluator, underP.proposal(gaussian), basis, streams,
          fit.batchSize(), underP.minEssFraction() * fit.batchSize(), threads, target.name(),
          first, recorded.draws());
    }

    /** The step function of the chosen objective: its step control and stopping rule. */
    private AlphaIterations iterations(ExpertPool pool, long evaluationsBefore, double minSum) {
      AlphaSettings fit = settings.alpha();
      ObjectiveSettings objective = fit.objective();
      return new AlphaIterations(evaluator, new AlphaStep(qp, minSum, objective.growthCap()),
          new StoppingRule(fit.iterations(), fit.tolerance(), objective.maxNu()), pool.experts(),
          objective.objective().label() + (pool.kinds().contains(AxisExperts.KIND)
          ? " with coordinate experts" : ""), objective.essFloor(), streams,
          settings.run().threads(), evaluationsBefore, start);
    }

    private PoeResult finish(Start init, FitState state, List<TraceRow> trace,
        List<double[]> alphaPath, StopReason stop, List<String> warnings) {
      ProductOfExperts family = ProductOfExperts.of(init.pool().experts(), state.alpha());
      if (stop != StopReason.CONVERGED) {
        warnings.add("the fit did not converge: " + stop.label() + " after " + trace.size()
            + " iterations");
      }
      stage("final draws and normaliser");
      PoeResult.Finish finish = new FitFinish(evaluator, settings.run(), progress).of(family,
          FitFinish.proposal(settings.alpha().objective(), init.launch().gaussian()), warnings);
      long evaluations = evaluator.evaluations() + init.iterations().evaluationsBefore();
      return new PoeResult(family, init.pool().kinds(), target.parameterNames(), trace, alphaPath,
          stop, finish, evaluations, (System.nanoTime() - start) * 1e-9, init.launch().modes(),
          List.copyOf(warnings), Optional.ofNullable(init.firstQ()), Optional.empty(),
          Optional.empty(), Optional.empty(), init.launch().population().map(Population::report),
          List.of(), null);
    }

    /** A phase of the fit: reported to the user and named on the evaluator's jobs. */
    private void stage(String description) {
      progress.phase(description);
      evaluator.stage(description);
    }
  }
}
