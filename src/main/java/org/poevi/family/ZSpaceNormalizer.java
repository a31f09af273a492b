package org.poevi.family;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.poevi.math.BlockParallel;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.LogSpace;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.math.Resampling;

/**
 * An estimate of log C_α that does not use the Feynman weights: importance sampling in z,
 *
 * <pre>  C_α = E_{z ~ r}[ Π_k A_k(z)^(−α_k) / r(z) ],</pre>
 *
 * with r a multivariate t fitted to draws of q. Its density must decay no faster than q's along
 * any ray, or the weights are unbounded: q falls like |z|^(−e) along its slowest ridge,
 * e = {@link ProductOfExperts#minDecayExponent()}, and a t_ν in R^D like |z|^(−(ν+D)), so r takes
 * ν_r = min(e − D, 4). Below a floor of {@value #MIN_PROPOSAL_DOF} (only reached with singular
 * experts whose null spaces are barely constrained) the proposal cannot follow q's tails, the
 * weights can have infinite variance while k̂ looks fine, and the estimate is marked as not
 * covering the tails ({@link Result#tailsCovered()}).
 *
 * <p>The proposal's location and scatter come from the robust EM fit of a t (started from the
 * coordinate-wise median and MAD, so it needs no moments) to {@value #FIT_DRAWS} C(w)-weighted
 * Feynman draws of q, drawn here from their own streams so that the check never depends on how
 * many draws the caller keeps; the scatter is widened by {@value #INFLATION}. When those weights
 * keep fewer than {@value #MIN_FIT_ESS} effective draws, the start is the better (by a trial
 * round's ESS) of a t fitted to the unweighted draws and q's Laplace approximation, and it is
 * adapted for three rounds. A pilot round of importance sampling refits the proposal to its
 * weighted draws (adaptive importance sampling), and the final round gives the estimate.
 *
 * <p>The proposal is a defensive mixture: with probability {@value #WIDE_WEIGHT} the same t with
 * its scatter multiplied by {@value #WIDE_SCALE}. A single fitted t can be thin exactly where q's
 * tail has not yet reached its asymptotic slope (e.g. between a narrow expert's and a broad
 * expert's scale), and there the weights q/r are large but rarely drawn: the estimate then comes out
 * low with a standard error that looks fine. The wide component caps those weights.
 *
 * <p>A single t also misses whole regions of a q with a sharp spike away from its bulk: adapted to
 * the spike it never draws the bulk, the weights it sees look well behaved, and log C comes out
 * tens of nats low (a fitted funnel, docs/design-study.md). So with probability
 * {@value #DEFENSIVE_WEIGHT} the proposal draws from fixed defensive components that cover the
 * bulk: when the Feynman weights are degenerate, both candidate starts (the t of the unweighted
 * Feynman draws and q's Laplace approximation), and an anchor the caller may give (for a fitted
 * q: a t around the target's own mean and covariance).
 */
public final class ZSpaceNormalizer {
  /** Scatter widening: an over-dispersed proposal keeps the weights bounded in the bulk. */
  static final double INFLATION = 1.25;
  /** Heavier proposal tails than needed cost little; ν above this gains nothing in practice. */
  static final double MAX_PROPOSAL_DOF = 4;
  /** Lighter than this the proposal wastes almost every draw in its tails. */
  static final double MIN_PROPOSAL_DOF = 0.25;
  /** Probability of the wide component of the proposal. */
  static final double WIDE_WEIGHT = 0.2;
  /** Scatter factor of the wide component (its scale is 4 times the fitted one). */
  static final double WIDE_SCALE = 16;
  /** Probability of the defensive components, when there are any. */
  static final double DEFENSIVE_WEIGHT = 0.3;
  /** Weighted Feynman draws the first proposal is fitted to. */
  static final int FIT_DRAWS = 20_000;
  /** More importance draws than this refine an already small standard error at a high cost. */
  public static final int MAX_DRAWS = 200_000;
  private static final int MAX_PILOT_DRAWS = 50_000;
  /** Fewer effective fit draws than this and the proposal's start is chosen by trial rounds. */
  static final int MIN_FIT_ESS = 200;
  /** Draws of each trial round that picks the start when the fit draws are degenerate. */
  private static final int TRIAL_DRAWS = 8 * FeynmanSampler.BLOCK_SIZE;
  private static final int EM_ITERATIONS = 50;
  private static final int BLOCK = FeynmanSampler.BLOCK_SIZE;
  /** Stage of the Feynman streams used for the fit sample, apart from every other use. */
  private static final long FIT_STAGE = -1;
  /** Why {@link #fitted} gives no t, the end of a {@link Result#failed} reason. */
  private static final String FIT_FAILURE = " (none has finite coordinates and positive weight,"
      + " or their spread overflows double precision)";

  private ZSpaceNormalizer() {}

  /**
   * The estimate; whether the proposal's tails are heavy enough for q's (when false the weights
   * may have infinite variance whatever k̂ says); resampled draws of q when they were asked for
   * (else null); and, when no t proposal could be fitted, {@code failure}: one line saying why
   * (else null). A failed result's estimate is NaN with 0 draws.
   */
  public record Result(LogMeanEstimate estimate, boolean tailsCovered, SampleResult draws,
      String failure) {
    public Result(LogMeanEstimate estimate, boolean tailsCovered) {
      this(estimate, tailsCovered, null, null);
    }

    static Result failed(boolean tailsCovered, String failure) {
      return new Result(new LogMeanEstimate(Double.NaN, Double.NaN, 0, Double.NaN, 0),
          tailsCovered, null, failure);
    }
  }

  /**
   * @param numDraws importance draws in the final round, at least 2 (capped at
   *     {@value #MAX_DRAWS})
   */
  public static Result estimate(ProductOfExperts family, RandomStreams streams, long stage,
      int numDraws, int threads) {
    return estimate(family, streams, stage, numDraws, threads, 0);
  }

  /**
   * As above, and when {@code resampleDraws} &gt; 0 also that many unweighted draws of q by
   * systematic resampling of the final round (SIR in z, mode {@link SamplingMode#Z_SIR}).
   */
  public static Result estimate(ProductOfExperts family, RandomStreams streams, long stage,
      int numDraws, int threads, int resampleDraws) {
    return estimate(family, streams, stage, numDraws, threads, resampleDraws, null);
  }

  /**
   * As above, with {@code anchor} (or null) as one more defensive component of the proposal: a t
   * over the region where q is expected to hold its mass (for a fitted q, the target's bulk).
   * When the t proposal cannot be fitted to the draws meant to place it (see {@link #fitted}) the
   * result is {@link Result#failed}; any other exception propagates.
   */
  public static Result estimate(ProductOfExperts family, RandomStreams streams, long stage,
      int numDraws, int threads, int resampleDraws, MultivariateT anchor) {
    int dim = family.dim;
    if (anchor != null && anchor.dim() != dim) {
      throw new IllegalArgumentException("anchor has dimension " + anchor.dim() + ", q " + dim);
    }
    double dof = family.tProposalDof();
    boolean covered = family.tProposalCoversTails();
    FeynmanSampler.WeightedDraws fitSample = FeynmanSampler.of(family).weighted(streams,
        FIT_STAGE - stage, FIT_DRAWS, threads);
    List<MultivariateT> defensive = new ArrayList<>();
    if (anchor != null) {
      defensive.add(anchor);
    }
    ConditionalForm stack = ConditionalForm.of(family);
    // Degenerate Feynman weights (a handful of effective draws) would fit the t to a point;
    // then the start is chosen by trial rounds instead, and adapted two rounds more.
    boolean degenerate = LogSpace.effectiveSampleSize(fitSample.logWeights(), 0,
        fitSample.size()) < MIN_FIT_ESS;
    MultivariateT proposal = degenerate
        ? trialStart(family, stack, fitSample, dof, defensive, streams, stage, threads)
        : fitted(fitSample.z(), normalisedWeights(fitSample.logWeights()), dim, dof);
    if (proposal == null) {
      return Result.failed(covered, "its t proposal could not be fitted to the " + FIT_DRAWS
          + (degenerate ? " unweighted" : " C(w)-weighted") + " Feynman draws" + FIT_FAILURE);
    }
    int pilotDraws = Math.min(Math.max(numDraws / 4, 16 * BLOCK), MAX_PILOT_DRAWS);
    double[] pilotZ = new double[pilotDraws * dim];
    double[] pilotLogW = new double[pilotDraws];
    for (int round = 0; round < (degenerate ? 3 : 1); round++) {
      importanceRound(stack, proposal, defensive, streams, stage, 10 + round, pilotZ, pilotLogW,
          threads);
      proposal = fitted(pilotZ, normalisedWeights(pilotLogW), dim, dof);
      if (proposal == null) {
        return Result.failed(covered, "its t proposal could not be refitted to the "
            + pilotDraws + " weighted draws of pilot round " + (round + 1) + FIT_FAILURE);
      }
    }
    int finalDraws = Math.min(numDraws, MAX_DRAWS);
    double[] logW = new double[finalDraws];
    double[] z = resampleDraws > 0 ? new double[finalDraws * dim] : null;
    importanceRound(stack, proposal, defensive, streams, stage, 1, z, logW, threads);
    LogMeanEstimate estimate = LogMeanEstimate.of(logW);
    SampleResult draws = resampleDraws > 0
        ? resampled(z, logW, dim, resampleDraws, estimate, streams.stream(
            RandomStreams.RESAMPLE, stage, 1)) : null;
    return new Result(estimate, covered, draws, null);
  }

  /**
   * The start when the fit draws' weights are degenerate: of a t fitted to the unweighted Feynman
   * draws (their distribution, ∫Dir(w)·t(z|w), is broader than q and covers it) and q's Laplace
   * approximation, the one whose trial importance round keeps more effective draws; both join
   * {@code defensive}. Null when the unweighted draws cannot be fitted ({@link #fitted}).
   */
  private static MultivariateT trialStart(ProductOfExperts family, ConditionalForm stack,
      FeynmanSampler.WeightedDraws fitSample, double dof, List<MultivariateT> defensive,
      RandomStreams streams, long stage, int threads) {
    int dim = family.dim;
    MultivariateT broad = fitted(fitSample.z(), null, dim, dof);
    if (broad == null) {
      return null;
    }
    MultivariateT local = LaplaceApproximation.of(family, dof);
    double[] trialZ = new double[TRIAL_DRAWS * dim];
    double[] trialLogW = new double[TRIAL_DRAWS];
    importanceRound(stack, broad, List.of(), streams, stage, 20, trialZ, trialLogW, threads);
    double broadEss = LogSpace.effectiveSampleSize(trialLogW, 0, TRIAL_DRAWS);
    importanceRound(stack, local, List.of(), streams, stage, 21, trialZ, trialLogW, threads);
    double localEss = LogSpace.effectiveSampleSize(trialLogW, 0, TRIAL_DRAWS);
    defensive.add(broad);
    defensive.add(local);
    return broadEss >= localEss ? broad : local;
  }

  /**
   * The EM fit ({@link MultivariateT#fit}) of a t with ν = {@code dof} to the rows of
   * {@code points} that have finite coordinates and positive weight ({@code weights} null: all
   * weight 1), or null when no row qualifies or when the fitted scatter is not numerically
   * positive definite. The left-out rows carry nothing about where q's mass is: a degenerate
   * Feynman draw (Λ(w) singular: z NaN, weight 0), a t draw that overflowed, or a weight that
   * underflowed to 0 (which the fit would ignore anyway). The scatter fails when the kept rows are
   * so spread (beyond about 10¹⁵⁴) that their squared spread overflows, which only the fit itself
   * can tell.
   */
  static MultivariateT fitted(double[] points, double[] weights, int dim, double dof) {
    int n = points.length / dim;
    double[] keptPoints = new double[points.length];
    double[] keptWeights = new double[n];
    int kept = 0;
    for (int i = 0; i < n; i++) {
      double w = weights == null ? 1 : weights[i];
      if (w > 0 && allFinite(points, i * dim, dim)) {
        System.arraycopy(points, i * dim, keptPoints, kept * dim, dim);
        keptWeights[kept++] = w;
      }
    }
    if (kept == 0) {
      return null;
    }
    try {
      return MultivariateT.fit(Arrays.copyOf(keptPoints, kept * dim),
          Arrays.copyOf(keptWeights, kept), dim, dof, EM_ITERATIONS, INFLATION);
    } catch (IllegalArgumentException e) {
      // ν > 0 and the shapes hold by construction, so the only IllegalArgumentException the fit
      // can throw here is MultivariateT.of's "scatter matrix is not positive definite".
      return null;
    }
  }

  private static boolean allFinite(double[] v, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (!Double.isFinite(v[i])) {
        return false;
      }
    }
    return true;
  }

  /** Systematic resampling of n rows of z with probabilities ∝ exp(logW), then a shuffle. */
  private static SampleResult resampled(double[] z, double[] logW, int dim, int n,
      LogMeanEstimate estimate, UniformRandomProvider rng) {
    int[] counts = Resampling.systematicCounts(logW, logW.length, n, rng);
    double[] out = new double[n * dim];
    int row = 0;
    for (int i = 0; i < counts.length; i++) {
      for (int c = 0; c < counts[i]; c++) {
        System.arraycopy(z, i * dim, out, row++ * dim, dim);
      }
    }
    Resampling.shuffleRows(out, n, dim, rng);
    return new SampleResult(out, dim, n, SamplingMode.Z_SIR, logW.length, Double.NaN,
        estimate.ess(), estimate, 0, "t-mixture", java.util.List.of());
  }

  private static double[] normalisedWeights(double[] logW) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logW) {
      max = Math.max(max, v);
    }
    double[] w = new double[logW.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.exp(logW[i] - max);
    }
    return w;
  }

  /**
   * Draws of r = (1 − ω − δ)·t + ω·t_wide + δ·(mean of the defensive components; δ = 0 when there
   * are none), block by block (each draw: one uniform picks the component, then the t draw), with
   * logW = log q̃(z) − log r(z). The draws are kept in {@code z} when it is not null, and otherwise
   * only in a per-block scratch.
   */
  private static void importanceRound(ConditionalForm stack, MultivariateT proposal,
      List<MultivariateT> defensive, RandomStreams streams, long stage, long round, double[] z,
      double[] logW, int threads) {
    int n = logW.length;
    int dim = stack.dim();
    MultivariateT wide = proposal.withScatterScaled(WIDE_SCALE);
    int numDefensive = defensive.size();
    double defensiveWeight = numDefensive == 0 ? 0 : DEFENSIVE_WEIGHT;
    double logNarrowWeight = Math.log(1 - WIDE_WEIGHT - defensiveWeight);
    double logWideWeight = Math.log(WIDE_WEIGHT);
    double logEachDefensive = numDefensive == 0 ? 0 : Math.log(defensiveWeight / numDefensive);
    double tail = -0.5 * (proposal.dof() + dim);
    Mixture mixture = new Mixture(proposal, wide, defensive, logNarrowWeight, logWideWeight,
        logEachDefensive, tail);
    int numBlocks = (n + BLOCK - 1) / BLOCK;
    BlockParallel.forEach(numBlocks, threads,
        () -> new Object[] {stack.workspace(), new double[dim * BLOCK], new double[BLOCK * dim],
            new double[numDefensive + 1][BLOCK], new int[BLOCK]},
        (block, scratch) -> {
          int from = block * BLOCK;
          int nb = Math.min(BLOCK, n - from);
          double[] points = z != null ? z : (double[]) scratch[2];
          double[] mahalanobis = (double[]) scratch[1];
          int off = z != null ? from * dim : 0;
          UniformRandomProvider rng = streams.stream(RandomStreams.Z_IMPORTANCE, stage, round,
              block);
          mixture.draw(rng, points, off, nb, (int[]) scratch[4], mahalanobis);
          stack.logDensity(points, off, nb, scratch[0], logW, from);
          double[][] deltas = (double[][]) scratch[3];
          for (int c = 0; c <= numDefensive; c++) {
            (c == 0 ? proposal : defensive.get(c - 1)).mahalanobis(points, off, nb, deltas[c], 0,
                mahalanobis);
          }
          for (int i = 0; i < nb; i++) {
            logW[from + i] -= mixture.logR(deltas, i);
          }
        });
  }

  /**
   * Finishes the draws of one component: gathers its rows of {@code points} into {@code buffer},
   * maps them to z with one block product, and puts them back.
   */
  private static void placeComponent(MultivariateT t, int c, int[] component, double[] points,
      int off, int nb, double[] buffer) {
    int dim = t.dim();
    int count = 0;
    for (int i = 0; i < nb; i++) {
      if (component[i] == c) {
        System.arraycopy(points, off + i * dim, buffer, count++ * dim, dim);
      }
    }
    if (count == 0) {
      return;
    }
    t.place(buffer, 0, count);
    for (int i = 0, j = 0; i < nb; i++) {
      if (component[i] == c) {
        System.arraycopy(buffer, j++ * dim, points, off + i * dim, dim);
      }
    }
  }

  /** log r(z) of the importance mixture, from the Mahalanobis forms of its components. */
  private record Mixture(MultivariateT proposal, MultivariateT wide,
      List<MultivariateT> defensive, double logNarrowWeight, double logWideWeight,
      double logEachDefensive, double tail) {
    /**
     * nb draws into points[off, …) from one stream. Component 0 is the narrow t, 1 the wide one,
     * 2 + c defensive c: each draw's random numbers first (a uniform, then the t's), then one
     * block product per component over its draws ({@link MultivariateT#place}).
     */
    void draw(UniformRandomProvider rng, double[] points, int off, int nb, int[] component,
        double[] buffer) {
      int dim = proposal.dim();
      int numDefensive = defensive.size();
      double defensiveWeight = numDefensive == 0 ? 0 : DEFENSIVE_WEIGHT;
      MultivariateT.Sampler narrowSampler = proposal.sampler(rng);
      MultivariateT.Sampler wideSampler = wide.sampler(rng);
      MultivariateT.Sampler[] defensiveSamplers = new MultivariateT.Sampler[numDefensive];
      for (int c = 0; c < numDefensive; c++) {
        defensiveSamplers[c] = defensive.get(c).sampler(rng);
      }
      for (int i = 0; i < nb; i++) {
        double u = rng.nextDouble();
        if (u < WIDE_WEIGHT) {
          component[i] = 1;
          wideSampler.sampleStandard(points, off + i * dim);
        } else if (u < WIDE_WEIGHT + defensiveWeight) {
          int c = Math.min((int) ((u - WIDE_WEIGHT) / defensiveWeight * numDefensive),
              numDefensive - 1);
          component[i] = 2 + c;
          defensiveSamplers[c].sampleStandard(points, off + i * dim);
        } else {
          component[i] = 0;
          narrowSampler.sampleStandard(points, off + i * dim);
        }
      }
      for (int c = 0; c < 2 + numDefensive; c++) {
        placeComponent(c == 0 ? proposal : c == 1 ? wide : defensive.get(c - 2), c, component,
            points, off, nb, buffer);
      }
    }

    /** deltas[0] is the proposal's δ (the wide one's is δ/16), deltas[c + 1] component c's. */
    double logR(double[][] deltas, int i) {
      double delta = deltas[0][i];
      double logNarrow = proposal.logNormalizer() + tail * Math.log1p(delta / proposal.dof());
      double logWide = wide.logNormalizer() + tail * Math.log1p(delta / WIDE_SCALE
          / proposal.dof());
      double logR = LogSpace.logAddExp(logNarrowWeight + logNarrow, logWideWeight + logWide);
      for (int c = 0; c < defensive.size(); c++) {
        logR = LogSpace.logAddExp(logR, logEachDefensive
            + defensive.get(c).logDensityFromMahalanobis(deltas[c + 1][i]));
      }
      return logR;
    }
  }
}
