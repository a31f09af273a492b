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
 * @param projection what the KL projection of α did, if it ran ({@link KlProjection})
 * @param population what the MALA population's burn-in did, if the fit had one
 * @param repairs the rounds that fitted α again because q's draws missed mass or reached where
 *     p is small ({@link MassRepair}), in order; empty when none ran
 * @param frame null when the family's experts are in the target's coordinates z; else the map
 *     z = A z̃ + b from the coordinates z̃ they are in (the draws, log-normaliser and log q are
 *     always in z): see {@link #mapped}
 */
public record PoeResult(ProductOfExperts family, List<String> kinds, List<String> parameterNames,
    List<TraceRow> trace, List<double[]> alphaPath, StopReason stop, Finish finish,
    long scoreEvaluations, double seconds, int modes, List<String> warnings,
    Optional<FirstQ> firstQ, Optional<AxisChoice.Outcome> axes,
    Optional<AffineCalibration.Outcome> calibration, Optional<KlProjection.Outcome> projection,
    Optional<PopulationReport> population, List<Repair> repairs, AffineMap frame)
    implements FitResult {

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
        scoreEvaluations, seconds, modes, warnings, firstQ, axes, calibration, projection,
        population, repairs, frame);
  }

  /** This fit, chosen by {@code outcome}; the evaluations and time of both fits. */
  PoeResult chosen(AxisChoice.Outcome outcome, long evaluations, double totalSeconds) {
    return new PoeResult(family, kinds, parameterNames, trace, alphaPath, stop, finish,
        evaluations, totalSeconds, modes, warnings, firstQ, Optional.of(outcome), calibration,
        projection, population, repairs, frame);
  }

  /**
   * This fit, chosen by the affine calibration's {@code outcome}, with {@code evaluations} and
   * {@code extraSeconds} more wall time.
   */
  PoeResult calibrated(AffineCalibration.Outcome outcome, long evaluations,
      double extraSeconds) {
    return new PoeResult(family, kinds, parameterNames, trace, alphaPath, stop, finish,
        evaluations, seconds + extraSeconds, modes, warnings, firstQ, axes,
        Optional.of(outcome), projection, population, repairs, frame);
  }

  /**
   * This fit with {@code family} finished as {@code finish}: {@code warnings} are the fit's,
   * {@code evaluations} its evaluations in all.
   */
  PoeResult refinished(ProductOfExperts family, Finish finish, List<String> warnings,
      long evaluations) {
    return new PoeResult(family, kinds, parameterNames, trace, alphaPath, stop, finish,
        evaluations, seconds, modes, List.copyOf(warnings), firstQ, axes, calibration, projection,
        population, repairs, frame);
  }

  /**
   * {@code with}'s family and finish, or this fit's, as the KL projection's {@code outcome}
   * chose, with {@code evaluations} in all and {@code extraSeconds} more wall time.
   */
  PoeResult projected(KlProjection.Outcome outcome, PoeResult with, long evaluations,
      double extraSeconds) {
    PoeResult from = outcome.kept() ? with : this;
    return new PoeResult(from.family, kinds, parameterNames, trace, alphaPath, stop,
        from.finish, evaluations, seconds + extraSeconds, modes, from.warnings, firstQ, axes,
        calibration, Optional.of(outcome), population, repairs, frame);
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
        new Finish(m.finish.draws, m.finish.normalizer, khat, logP, m.finish.logQ,
            m.finish.warnings),
        scoreEvaluations + evaluations, seconds, modes, List.copyOf(w), firstQ, axes,
        calibration, projection, population, repairs, m.frame);
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
   * @param warnings the warnings the finish added to the fit's (sampler, normaliser, k̂)
   */
  public record Finish(SampleResult draws, NormalizerValidation normalizer, double psisKhat,
      double[] logP, double[] logQ, List<String> warnings) {
    /** A finish that added no warnings. */
    public Finish(SampleResult draws, NormalizerValidation normalizer, double psisKhat,
        double[] logP, double[] logQ) {
      this(draws, normalizer, psisKhat, logP, logQ, List.of());
    }

    public Finish {
      warnings = List.copyOf(warnings);
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
        logC.standardError(), logC.draws()), frame);
  }

  @Override
  public int iterations() {
    return trace.size();
  }

  public boolean converged() {
    return stop == StopReason.CONVERGED;
  }

  /**
   * This fit in the coordinates z = A z̃ + b. The product of t's is closed under the map, so the
   * experts are carried over exactly when the mapped family passes the normalisability analysis
   * with the same tails and gives the same log density at the fit's draws. In coordinates too
   * badly scaled for that (a raw timestamp as a regression predictor: an intercept–slope
   * correlation of 1 − 10⁻⁹), rounding in the dense Λ_k hides the rank of singular experts or
   * moves the density; then the family stays where it was fitted and the map becomes its
   * {@link #frame} (model.json's "frame"), so q is still exactly the image of the fitted q.
   */
  @Override
  public PoeResult mapped(AffineMap map, List<String> names) {
    double[] points = finish.draws().draws();
    ProductOfExperts carried = frame == null ? carried(map, family, points) : null;
    AffineMap outer = carried != null ? null : frame == null ? map : frame.then(map);
    return new PoeResult(carried != null ? carried : family, kinds, List.copyOf(names), trace,
        alphaPath, stop, new Finish(map.map(finish.draws()), map.map(finish.normalizer()),
        finish.psisKhat(), finish.logP(), shifted(finish.logQ(), -map.logAbsDet()),
        finish.warnings()),
        scoreEvaluations, seconds, modes, warnings,
        // The first q by the same test, at the same points (any points of z̃ serve).
        carried != null ? firstQ.flatMap(f -> Optional.ofNullable(carried(map, f.family(),
        points)).map(c -> new FirstQ(c, f.row()))) : Optional.empty(), axes, calibration,
        projection, population, repairs, outer);
  }

  /** Draws at which {@link #carried} compares the two families' log densities, at most. */
  static final int CARRY_CHECK_POINTS = 256;

  /**
   * Relative disagreement of the carried family's unnormalised log density with the fitted
   * one's that rounding explains: measured 1.1·10⁻¹³ at most on StandardizationTest's predictor
   * near 2000 with sd 90 (posterior condition 10¹¹), 10⁻⁸ to 10⁻¹⁵ on most of
   * AffineEquivarianceTest's maps. Its banana rotated by 30° and scaled by 10³ and 10⁻³ keeps
   * its tails but moves by 1.4–2.0·10⁻⁶ and is caught here; the timestamp fits fail the tails
   * test first.
   */
  static final double CARRY_TOLERANCE = 1e-7;

  /**
   * {@code map.map(family)} when it keeps the family's tails and its unnormalised log density
   * at up to {@value #CARRY_CHECK_POINTS} of {@code draws} (n×D row-major points of the family's
   * own coordinates; the quadratic forms are the same numbers in exact arithmetic), or null.
   */
  static ProductOfExperts carried(AffineMap map, ProductOfExperts family, double[] draws) {
    ProductOfExperts m;
    try {
      m = map.map(family);
    } catch (org.poevi.InvalidInputException e) {
      return null;
    }
    double tolerance = 1e-9 * Math.max(1, Math.abs(family.minDecayExponent()));
    if (Math.abs(m.minTailDof() - family.minTailDof()) > tolerance
        || Math.abs(m.minDecayExponent() - family.minDecayExponent()) > tolerance) {
      return null;
    }
    int dim = family.dim();
    int n = Math.min(CARRY_CHECK_POINTS, draws.length / dim);
    double[] points = java.util.Arrays.copyOf(draws, n * dim);
    double[] before = family.logDensities(points, 0, 1);
    double[] after = m.logDensities(map.apply(points, n), 0, 1);
    for (int i = 0; i < n; i++) {
      if (!(Math.abs(after[i] - before[i]) <= CARRY_TOLERANCE * Math.max(1,
          Math.abs(before[i])))) {
        return null;
      }
    }
    return m;
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
