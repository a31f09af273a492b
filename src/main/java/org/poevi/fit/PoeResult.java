package org.poevi.fit;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.poevi.family.AffineMap;
import org.poevi.family.NormalizerValidation;
import org.poevi.family.PoeModel;
import org.poevi.family.ProductOfExperts;
import org.poevi.family.SampleResult;
import org.poevi.math.LogMeanEstimate;

/**
 * What a product-of-experts fit produced.
 *
 * @param family the fitted product of experts (the whole pool, most α_k = 0)
 * @param kinds "mode", "bulk", "global", "broad", "jitter" or "given" per expert
 * @param parameterNames the target's coordinate names
 * @param trace one row per iteration
 * @param alphaPath α after each iteration (α⁽¹⁾, α⁽²⁾, …)
 * @param stop why the iterations ended
 * @param finish the fitted q's unweighted draws, validated normaliser and PSIS k̂
 * @param scoreEvaluations target evaluations in all (each gives log p̃ and its gradient)
 * @param seconds wall time
 * @param modes number of distinct modes found
 * @param warnings what a user should know
 * @param firstQ the q a population fit had before its population: see {@link FirstQ}
 * @param axes under experts.axes = auto, the two fits it chose between ({@link AxisChoice})
 * @param calibration what the affine calibration did, if it ran ({@link AffineCalibration})
 * @param population what the MALA population's burn-in did, if the fit had one
 * @param repairs the rounds that fitted α again because q's draws missed mass or reached where
 *     p is small ({@link MassRepair}), in order; empty when none ran
 */
public record PoeResult(ProductOfExperts family, List<String> kinds, List<String> parameterNames,
    List<TraceRow> trace, List<double[]> alphaPath, StopReason stop, Finish finish,
    long scoreEvaluations, double seconds, int modes, List<String> warnings,
    Optional<FirstQ> firstQ, Optional<AxisChoice.Outcome> axes,
    Optional<AffineCalibration.Outcome> calibration, Optional<PopulationReport> population,
    List<Repair> repairs) implements FitResult {

  public PoeResult {
    repairs = List.copyOf(repairs);
  }

  /**
   * One round of {@link MassRepair}: α fitted again with p's scores at {@code points} more
   * points.
   *
   * @param reason "missed mass" (the points are where MCMC on q went beyond q's draws) or
   *     "own draws" (q's own draws, for a q dropped for a lower ELBO)
   */
  public record Repair(String reason, int points) {}

  /** This fit with {@code repairs} as the rounds that made it. */
  PoeResult withRepairs(List<Repair> repairs) {
    return new PoeResult(family, kinds, parameterNames, trace, alphaPath, stop, finish,
        scoreEvaluations, seconds, modes, warnings, firstQ, axes, calibration, population,
        repairs);
  }

  /** This fit, chosen by {@code outcome}; the evaluations and time of both fits. */
  PoeResult chosen(AxisChoice.Outcome outcome, long evaluations, double totalSeconds) {
    return new PoeResult(family, kinds, parameterNames, trace, alphaPath, stop, finish,
        evaluations, totalSeconds, modes, warnings, firstQ, Optional.of(outcome), calibration,
        population, repairs);
  }

  /**
   * This fit, chosen by the affine calibration's {@code outcome}, with {@code evaluations} and
   * {@code extraSeconds} more wall time.
   */
  PoeResult calibrated(AffineCalibration.Outcome outcome, long evaluations,
      double extraSeconds) {
    return new PoeResult(family, kinds, parameterNames, trace, alphaPath, stop, finish,
        evaluations, seconds + extraSeconds, modes, warnings, firstQ, axes,
        Optional.of(outcome), population, repairs);
  }

  /**
   * This fit's q moved by {@code map} within the same coordinates (the target unchanged): the
   * family, draws, normaliser and log q exactly, log p̃ at the moved draws from
   * {@code evaluator} (one evaluation per draw) and the PSIS k̂ (and its warning) from them.
   */
  PoeResult moved(AffineMap map, org.poevi.evaluator.ScoreEvaluator evaluator) {
    PoeResult m = mapped(map, parameterNames);
    double[] logP = new double[m.finish.draws.numDraws()];
    evaluator.logDensities(m.finish.draws.draws(), logP.length, logP);
    long evaluations = logP.length;
    double khat = org.poevi.math.ParetoTail.khatOfDifference(logP, m.finish.logQ);
    List<String> w = new java.util.ArrayList<>(warnings);
    FitFinish.khatWarning(finish.psisKhat()).ifPresent(w::remove);
    FitFinish.khatWarning(khat).ifPresent(w::add);
    return new PoeResult(m.family, kinds, parameterNames, trace, alphaPath, stop,
        new Finish(m.finish.draws, m.finish.normalizer, khat, logP, m.finish.logQ),
        scoreEvaluations + evaluations, seconds, modes, List.copyOf(w), firstQ, axes,
        calibration, population, repairs);
  }

  /**
   * The first q of a fit whose first weighted batch kept too few draws effective: one iteration
   * on that batch (tempered) with the pool around the preliminary Gaussian, before the MALA
   * population. The population's moments then shape a new pool and the fit starts again from
   * there, so this q is superseded; it is what the fit had early (`benchmark --trace` scores it)
   * and where the fit goes on from when the population fails.
   *
   * @param family its product of experts (the active experts only)
   * @param row its iteration: the score evaluations and time so far, its batch's diagnostics
   */
  public record FirstQ(ProductOfExperts family, TraceRow row) {
    /** The same q in the coordinates z → A z + b. */
    FirstQ mapped(AffineMap map) {
      return new FirstQ(map.map(family), row);
    }
  }

  /**
   * The finish of a fit.
   *
   * @param draws unweighted draws of the fitted q, with how they were made
   * @param normalizer the validated log-normaliser of q
   * @param psisKhat Pareto k̂ of log p̃ − log q over the draws (&gt; 0.7: q misses mass of p)
   * @param logP log p̃, the target's unnormalised log density, at each draw (draws.csv's
   *     {@code lp__}; copied)
   * @param logQ log q = −Σ_k α_k log A_k − log Ĉ_α with the chosen (model.json's) log-normaliser,
   *     at each draw (draws.csv's {@code lq__}; copied)
   */
  public record Finish(SampleResult draws, NormalizerValidation normalizer, double psisKhat,
      double[] logP, double[] logQ) {
    public Finish {
      if (logP.length != draws.numDraws() || logQ.length != draws.numDraws()) {
        throw new IllegalArgumentException("log p and log q need one value per draw ("
            + draws.numDraws() + "), got " + logP.length + " and " + logQ.length);
      }
      logP = logP.clone();
      logQ = logQ.clone();
    }

    /** log p̃ at each draw, a copy. */
    @Override
    public double[] logP() {
      return logP.clone();
    }

    /** log q at each draw, a copy. */
    @Override
    public double[] logQ() {
      return logQ.clone();
    }
  }

  /** The fitted product of experts with its chosen log-normaliser (what model.json holds). */
  @Override
  public PoeModel model() {
    LogMeanEstimate logC = finish.normalizer().chosenEstimate();
    return new PoeModel(parameterNames, family, new PoeModel.LogNormalizer(logC.estimate(),
        logC.standardError(), logC.draws()));
  }

  @Override
  public int iterations() {
    return trace.size();
  }

  public boolean converged() {
    return stop == StopReason.CONVERGED;
  }

  @Override
  public PoeResult mapped(AffineMap map, List<String> names) {
    SampleResult d = finish.draws();
    SampleResult draws = new SampleResult(map.apply(d.draws(), d.numDraws()), d.dim(),
        d.numDraws(), d.mode(), d.proposals(), d.acceptanceRate(), d.ess(),
        map.map(d.normalizer()), d.degenerateDraws(), d.proposal(), d.warnings());
    NormalizerValidation n = finish.normalizer();
    NormalizerValidation normalizer = new NormalizerValidation(map.map(n.dirichlet()),
        map.map(n.zSpace()), n.agree(), n.chosen(), n.warnings(), n.massMissed()
        ? map.apply(n.massPoints(), n.massPoints().length / d.dim()) : null);
    return new PoeResult(map.map(family), kinds, List.copyOf(names), trace, alphaPath, stop,
        new Finish(draws, normalizer, finish.psisKhat(), finish.logP(), shifted(finish.logQ(),
        -map.logAbsDet())), scoreEvaluations, seconds, modes, warnings,
        firstQ.map(f -> f.mapped(map)), axes, calibration, population, repairs);
  }

  /** log q in the new coordinates: the old one less log|det A| (the same points). */
  private static double[] shifted(double[] values, double shift) {
    double[] out = values.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += shift;
    }
    return out;
  }

  @Override
  public <R> R match(Function<PoeResult, R> poe, Function<GaussianResult, R> gaussian) {
    return poe.apply(this);
  }
}
