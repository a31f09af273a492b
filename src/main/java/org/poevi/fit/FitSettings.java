package org.poevi.fit;

import org.poevi.InvalidInputException;
import org.poevi.math.BlockParallel;

/**
 * Every setting of a product-of-experts fit, with its default. Build with {@link #builder()};
 * {@code build()} validates; the defaults live here only and are documented in
 * {@code conf/reference.conf}.
 *
 * @param objective under-p (default) or under-q (the paper's Algorithm 1)
 * @param iterations maximum iterations (batches)
 * @param batchSize points per iteration (score evaluations per iteration)
 * @param seed master seed
 * @param threads worker threads (never changes the result)
 * @param eta proximal step η, relative: the proximal weight is trace(G)/(K·η)
 * @param sumSlack ε in the constraint Σα ≥ D/2 + ε
 * @param tolerance stop when ‖Δα‖ ≤ tolerance·‖α‖, or when the step lowers the objective by at most
 *     tolerance relatively
 * @param modeStarts L-BFGS starts for the mode search
 * @param startScale starts are N(0, startScale²·I)
 * @param locations bulk expert centres (experts.count)
 * @param plannedAlpha the exponent a at which an expert's curvature matches the target's
 * @param widths width factors s of the mode and bulk experts
 * @param broadFactors factors c of the broad experts Λ = S⁻¹/(2ac)
 * @param globalWidths width factors s of the global-shape experts at the bulk locations,
 *     Λ = S⁻¹/(2as) (none: only local curvatures)
 * @param hessianFloor eigenvalue floor of local curvatures, relative to λ_min(S⁻¹)
 * @param gaussianRounds adaptive importance-sampling rounds of the preliminary Gaussian
 * @param gaussianDraws draws per round
 * @param proposalDof degrees of freedom of the under-p proposal t(m, scale²·S)
 * @param proposalScale its scale factor
 * @param minEssFraction under-p weights are tempered (p̃/r)^τ, τ ≤ 1 as large as keeps this
 *     effective fraction
 * @param growthCap under-q: Σα may grow by at most this factor per iteration
 * @param essFloor under-q: η is halved when the batch's ESS fraction falls below this
 * @param population under-p: when a population of MALA chains replaces importance-weighted
 *     batches ({@link PopulationMode})
 * @param moveSteps under-p with a population: MALA steps per iteration ({@link ResampleMove})
 * @param moveBurnIn under-p with moves: MALA steps on the first population before its first batch
 * @param qTemper under-q: batches are drawn from q with exponents τ·α, τ ∈ (0, 1] (1 = the paper)
 * @param outputDraws unweighted draws of the fitted q written out
 * @param placement where the pool's experts go (bulk: the default; modes: the paper's heuristic)
 * @param metric how the objective measures score differences ({@link ScoreMetric})
 * @param initial a previous model whose experts form the pool and whose α is the starting point
 *     (warm start, or explicit experts), or null to build the pool
 */
public record FitSettings(Objective objective, int iterations, int batchSize, long seed,
    int threads, double eta, double sumSlack, double tolerance, int modeStarts,
    double startScale, int locations, double plannedAlpha, double[] widths,
    double[] broadFactors, double[] globalWidths, double hessianFloor, int gaussianRounds, int gaussianDraws,
    double proposalDof, double proposalScale, double minEssFraction, double growthCap,
    double essFloor, PopulationMode population, int moveSteps, int moveBurnIn, double qTemper, int outputDraws, ExpertPool.Placement placement,
    ScoreMetric metric, org.poevi.family.ProductOfExperts initial) {

  public static Builder builder() {
    return new Builder();
  }

  /** Builder with the documented defaults. */
  public static final class Builder {
    private Objective objective = Objective.UNDER_P;
    private int iterations = 20;
    private int batchSize = 2048;
    private long seed = 1;
    private int threads = BlockParallel.defaultThreads();
    /** Relative proximal step; 100 won the design study (docs/design-study.md). */
    private double eta = 100;
    private double sumSlack = 0.5;
    private double tolerance = 1e-3;
    private int modeStarts = 16;
    private double startScale = 2;
    private int locations = 64;
    private double plannedAlpha = 2;
    private double[] widths = {0.5, 1, 2};
    private double[] broadFactors = {4, 16};
    private double[] globalWidths = {0.5, 2};
    private double hessianFloor = 0.1;
    private int gaussianRounds = 8;
    private int gaussianDraws = 20_000;
    private double proposalDof = 5;
    private double proposalScale = 1.5;
    private double minEssFraction = 0.05;
    private double growthCap = 1.2;
    private double essFloor = 0.2;
    /** Importance weights while they work, a MALA population when they do not (design study). */
    private PopulationMode population = PopulationMode.AUTO;
    private ScoreMetric metric = ScoreMetric.INFORMATION;
    private int moveSteps = 5;
    private int moveBurnIn = 50;
    private double qTemper = 1;
    private int outputDraws = 10_000;
    private ExpertPool.Placement placement = ExpertPool.Placement.BULK;
    private org.poevi.family.ProductOfExperts initial;

    /** Experts (and starting α) from a previous model; null builds the pool. */
    public Builder initial(org.poevi.family.ProductOfExperts v) {
      initial = v;
      return this;
    }

    public Builder placement(ExpertPool.Placement v) {
      placement = v;
      return this;
    }

    public Builder objective(Objective v) {
      objective = v;
      return this;
    }

    public Builder iterations(int v) {
      iterations = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
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

    public Builder eta(double v) {
      eta = v;
      return this;
    }

    public Builder sumSlack(double v) {
      sumSlack = v;
      return this;
    }

    public Builder tolerance(double v) {
      tolerance = v;
      return this;
    }

    public Builder modeStarts(int v) {
      modeStarts = v;
      return this;
    }

    public Builder startScale(double v) {
      startScale = v;
      return this;
    }

    public Builder locations(int v) {
      locations = v;
      return this;
    }

    public Builder plannedAlpha(double v) {
      plannedAlpha = v;
      return this;
    }

    public Builder widths(double... v) {
      widths = v.clone();
      return this;
    }

    public Builder globalWidths(double... v) {
      globalWidths = v.clone();
      return this;
    }

    public Builder broadFactors(double... v) {
      broadFactors = v.clone();
      return this;
    }

    public Builder hessianFloor(double v) {
      hessianFloor = v;
      return this;
    }

    public Builder gaussianRounds(int v) {
      gaussianRounds = v;
      return this;
    }

    public Builder gaussianDraws(int v) {
      gaussianDraws = v;
      return this;
    }

    public Builder proposalDof(double v) {
      proposalDof = v;
      return this;
    }

    public Builder proposalScale(double v) {
      proposalScale = v;
      return this;
    }

    public Builder minEssFraction(double v) {
      minEssFraction = v;
      return this;
    }

    public Builder growthCap(double v) {
      growthCap = v;
      return this;
    }

    public Builder essFloor(double v) {
      essFloor = v;
      return this;
    }

    public Builder population(PopulationMode v) {
      population = v;
      return this;
    }

    public Builder metric(ScoreMetric v) {
      metric = v;
      return this;
    }

    public Builder moveSteps(int v) {
      moveSteps = v;
      return this;
    }

    public Builder moveBurnIn(int v) {
      moveBurnIn = v;
      return this;
    }

    public Builder qTemper(double v) {
      qTemper = v;
      return this;
    }

    public Builder outputDraws(int v) {
      outputDraws = v;
      return this;
    }

    public FitSettings build() {
      positive(iterations, "fit.iterations");
      positive(batchSize, "fit.batch-size");
      positive(threads, "threads");
      positive(modeStarts, "experts.mode-starts");
      if (locations < 0) {
        throw new InvalidInputException("experts.count must be >= 0, got " + locations);
      }
      positive(gaussianRounds, "experts.gaussian-rounds");
      if (gaussianDraws < 1000) {
        throw new InvalidInputException("experts.gaussian-draws must be >= 1000, got "
            + gaussianDraws);
      }
      positive(outputDraws, "output.draws");
      positiveFinite(eta, "fit.eta");
      positiveFinite(sumSlack, "fit.sum-slack");
      positiveFinite(tolerance, "fit.tolerance");
      positiveFinite(startScale, "experts.start-scale");
      positiveFinite(plannedAlpha, "experts.planned-alpha");
      positiveFinite(hessianFloor, "experts.hessian-floor");
      positiveFinite(proposalDof, "fit.proposal-dof");
      positiveFinite(proposalScale, "fit.proposal-scale");
      if (!(minEssFraction > 0 && minEssFraction <= 1)) {
        throw new InvalidInputException("fit.min-ess-fraction must be in (0, 1], got "
            + minEssFraction);
      }
      if (!(growthCap > 1) || Double.isInfinite(growthCap)) {
        throw new InvalidInputException("fit.growth-cap must be finite and > 1, got "
            + growthCap);
      }
      if (!(essFloor >= 0 && essFloor < 1)) {
        throw new InvalidInputException("fit.ess-floor must be in [0, 1), got " + essFloor);
      }
      positive(moveSteps, "fit.move-steps");
      if (moveBurnIn < 0) {
        throw new InvalidInputException("fit.move-burn-in must be >= 0, got " + moveBurnIn);
      }
      if (!(qTemper > 0 && qTemper <= 1)) {
        throw new InvalidInputException("fit.q-temper must be in (0, 1], got " + qTemper);
      }
      if (widths.length == 0) {
        throw new InvalidInputException("experts.widths must not be empty");
      }
      for (double w : widths) {
        positiveFinite(w, "experts.widths");
      }
      for (double c : broadFactors) {
        positiveFinite(c, "experts.broad-factors");
      }
      for (double c : globalWidths) {
        positiveFinite(c, "experts.global-widths");
      }
      return new FitSettings(objective, iterations, batchSize, seed, threads, eta, sumSlack,
          tolerance, modeStarts, startScale, locations, plannedAlpha, widths.clone(),
          broadFactors.clone(), globalWidths.clone(), hessianFloor, gaussianRounds, gaussianDraws, proposalDof,
          proposalScale, minEssFraction, growthCap, essFloor, population, moveSteps, moveBurnIn, qTemper, outputDraws, placement,
          metric, initial);
    }

    private static void positive(int v, String key) {
      if (v < 1) {
        throw new InvalidInputException(key + " must be >= 1, got " + v);
      }
    }

    private static void positiveFinite(double v, String key) {
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new InvalidInputException(key + " must be finite and > 0, got " + v);
      }
    }
  }
}
