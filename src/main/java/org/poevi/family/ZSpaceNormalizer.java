package org.poevi.family;

import org.apache.commons.rng.UniformRandomProvider;
import org.poevi.math.BlockParallel;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.LogSpace;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;

/**
 * An estimate of log C_α that does not use the Feynman weights: importance sampling in z,
 *
 * <pre>  C_α = E_{z ~ r}[ Π_k A_k(z)^(−α_k) / r(z) ],</pre>
 *
 * with r a multivariate t fitted to draws of q. Its density must decay no faster than q's along
 * any ray, or the weights are unbounded: q falls like |z|^(−e) along its slowest ridge,
 * e = {@link ProductOfExperts#minDecayExponent()}, and a t_ν in R^D like |z|^(−(ν+D)), so r takes
 * ν_r = min(e − D, 4), floored at {@value #MIN_PROPOSAL_DOF} (below that floor, only reached with
 * singular experts whose null spaces are barely constrained, the weights may be heavy-tailed and
 * k̂ says so). Location and scatter come from the robust EM fit of a t to q's draws,
 * widened by {@value #INFLATION}; a first round of importance sampling then refits them to the
 * weighted draws (adaptive importance sampling), and the second round gives the estimate.
 *
 * <p>The proposal is a defensive mixture: with probability {@value #WIDE_WEIGHT} the same t with
 * its scatter multiplied by {@value #WIDE_SCALE}. A single fitted t can be thin exactly where q's
 * tail has not yet reached its asymptotic slope (e.g. between a narrow expert's and a broad
 * expert's scale), and there the weights q/r are large but rarely drawn: the estimate then comes out
 * low with a standard error that looks fine. The wide component caps those weights.
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
  private static final int EM_ITERATIONS = 50;
  /** The EM fit uses at most this many of q's draws: more change the fit by less than its noise. */
  private static final int MAX_FIT_POINTS = 20_000;
  private static final int BLOCK = FeynmanSampler.BLOCK_SIZE;

  private ZSpaceNormalizer() {}

  /**
   * @param draws unweighted draws of q (n×D row-major), used only to place the proposal
   * @param numDraws importance draws in the final round (the first round uses a quarter)
   */
  public static LogMeanEstimate estimate(ProductOfExperts family, double[] draws,
      RandomStreams streams, long stage, int numDraws, int threads) {
    int dim = family.dim;
    double dof = Math.max(Math.min(family.minDecayExponent() - dim, MAX_PROPOSAL_DOF),
        MIN_PROPOSAL_DOF);
    int fitRows = Math.min(draws.length / dim, MAX_FIT_POINTS);
    double[] fitPoints = java.util.Arrays.copyOf(draws, fitRows * dim);
    MultivariateT proposal = MultivariateT.fit(fitPoints, null, dim, dof, EM_ITERATIONS,
        INFLATION);
    ExpertStack stack = ExpertStack.of(family);

    int pilotDraws = Math.max(numDraws / 4, 16 * BLOCK);
    double[] pilotZ = new double[pilotDraws * dim];
    double[] pilotLogW = new double[pilotDraws];
    importanceRound(stack, proposal, streams, stage, 0, pilotZ, pilotLogW, threads);
    double max = Double.NEGATIVE_INFINITY;
    for (double v : pilotLogW) {
      max = Math.max(max, v);
    }
    double[] weights = new double[pilotDraws];
    for (int i = 0; i < pilotDraws; i++) {
      weights[i] = Math.exp(pilotLogW[i] - max);
    }
    proposal = MultivariateT.fit(pilotZ, weights, dim, dof, EM_ITERATIONS, INFLATION);

    double[] z = new double[numDraws * dim];
    double[] logW = new double[numDraws];
    importanceRound(stack, proposal, streams, stage, 1, z, logW, threads);
    return LogMeanEstimate.of(logW);
  }

  /**
   * Fills z with draws of r = (1 − ω)·t + ω·t_wide and logW with log q̃(z) − log r(z), block by
   * block (each draw: one uniform picks the component, then the t draw).
   */
  private static void importanceRound(ExpertStack stack, MultivariateT proposal,
      RandomStreams streams, long stage, long round, double[] z, double[] logW, int threads) {
    int n = logW.length;
    int dim = stack.dim;
    MultivariateT wide = proposal.withScatterScaled(WIDE_SCALE);
    double logNarrowWeight = Math.log1p(-WIDE_WEIGHT);
    double logWideWeight = Math.log(WIDE_WEIGHT);
    int numBlocks = (n + BLOCK - 1) / BLOCK;
    BlockParallel.forEach(numBlocks, threads,
        () -> new double[][] {new double[stack.rows * BLOCK], new double[stack.count * BLOCK],
            new double[dim]},
        (block, scratch) -> {
          int from = block * BLOCK;
          int nb = Math.min(BLOCK, n - from);
          UniformRandomProvider rng = streams.stream(RandomStreams.Z_IMPORTANCE, stage, round,
              block);
          MultivariateT.Sampler narrowSampler = proposal.sampler(rng);
          MultivariateT.Sampler wideSampler = wide.sampler(rng);
          for (int i = 0; i < nb; i++) {
            if (rng.nextDouble() < WIDE_WEIGHT) {
              wideSampler.sample(z, (from + i) * dim);
            } else {
              narrowSampler.sample(z, (from + i) * dim);
            }
          }
          stack.logDensity(z, from * dim, nb, scratch[0], scratch[1], logW, from);
          for (int i = 0; i < nb; i++) {
            int off = (from + i) * dim;
            logW[from + i] -= LogSpace.logAddExp(
                logNarrowWeight + proposal.logDensity(z, off, scratch[2]),
                logWideWeight + wide.logDensity(z, off, scratch[2]));
          }
        });
  }
}
