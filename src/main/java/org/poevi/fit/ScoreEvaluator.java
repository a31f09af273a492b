package org.poevi.fit;

import java.util.List;
import org.poevi.family.Expert;
import org.poevi.family.FeynmanSampler;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;

/**
 * Evaluates the target's log density and score at a batch of points: the expensive step of every
 * iteration (SPEC §3, step 2). {@link LocalScoreEvaluator} runs it on threads of one JVM; the
 * Spark evaluators distribute it.
 *
 * <p>Contract: the results depend only on the points, never on how the work was split. A target
 * that throws or returns a non-finite gradient at a finite point fails the whole call with a
 * {@link org.poevi.targets.TargetEvaluationException} naming the point and the target.
 */
public interface ScoreEvaluator {
  /**
   * @param points n×D row-major
   * @param logDensity receives log p̃ at each point (n)
   * @param scores receives ∇log p̃ at each point (n×D row-major)
   */
  void evaluate(double[] points, int n, double[] logDensity, double[] scores);

  /**
   * Folds weighted points and their scores into the QP's sums over the experts' Q (SPEC §3): on
   * this JVM by default ({@link ScoreAccumulation}); a distributed evaluator may reduce on its
   * workers, with the same result bit for bit.
   */
  default ScoreSums accumulate(List<Expert> experts, double[] z,
      double[] scores, double[] logWeights, int n, int dim, int threads) {
    return ScoreAccumulation.accumulate(experts, z, scores, logWeights, n, dim, threads);
  }

  /** The sums of one under-q batch and the batch's log importance weights (n). */
  record WeightedSums(ScoreSums sums, double[] logWeights) {}

  /**
   * One batch of the under-q objective (SPEC §3, Algorithm 1): n weighted draws of the product of
   * {@code experts} with exponents {@code drawAlpha} (the sampler's stage {@code stage}), the
   * target's scores there, and the QP's sums over {@code experts}. A draw of weight zero has no z;
   * it is evaluated at the origin and adds nothing. Locally: draw, evaluate, accumulate; a
   * distributed evaluator does all three in one job, each task drawing its own blocks, with the
   * same result bit for bit.
   */
  default WeightedSums drawEvaluateAccumulate(List<Expert> experts, double[] drawAlpha,
      RandomStreams streams, long stage, int n, int threads) {
    int dim = experts.get(0).dim();
    FeynmanSampler.WeightedDraws batch = FeynmanSampler.of(ProductOfExperts.of(experts,
        drawAlpha)).weighted(streams, stage, n, threads);
    double[] z = batch.z();
    double[] logW = batch.logWeights();
    zeroUndrawn(z, logW, 0, n, dim, 0);
    double[] logP = new double[n];
    double[] scores = new double[n * dim];
    evaluate(z, n, logP, scores);
    return new WeightedSums(accumulate(experts, z, scores, logW, n, dim, threads), logW);
  }

  /**
   * The sums of one iteration of a moved population, with the moves' counts.
   *
   * @param accepted accepted proposals at each step
   * @param movedChains chains that moved at least once
   */
  record MovedSums(ScoreSums sums, long[] accepted, long movedChains) {}

  /**
   * One iteration of the under-p population: the n chains (z, log p̃, scores, updated in place)
   * moved {@code steps} steps by a frozen kernel (streams keyed by (key, step, block)), then the
   * QP's sums over them with equal weights. Locally: one batch of target evaluations per step,
   * then the sums; a distributed evaluator moves each block of chains where it is evaluated, all
   * steps and the sums in one job, with the same result bit for bit.
   */
  default MovedSums moveAndAccumulate(MalaKernel kernel, RandomStreams streams, long key,
      int steps, List<Expert> experts, double[] z, double[] logP, double[] scores, int n,
      int threads) {
    boolean[] moved = new boolean[n];
    long[] accepted = kernel.move(this, streams, key, 0, steps, z, logP, scores, n, threads,
        moved);
    long movedChains = 0;
    for (boolean m : moved) {
      movedChains += m ? 1 : 0;
    }
    return new MovedSums(accumulate(experts, z, scores, new double[n], n, kernel.dim(), threads),
        accepted, movedChains);
  }

  /** Draws per block of an importance batch (one random stream per block). */
  int PROPOSAL_BLOCK = 256;

  /**
   * One importance-weighted batch of the under-p objective: n draws of {@code proposal} (block b
   * from the stream (BATCH, iteration, b)), log p̃ and scores there, log weights log p̃ − log r,
   * which {@code weigh} sees whole and may change in place (tempering; it may also throw), then
   * the QP's sums. Locally in that order; a distributed evaluator draws, evaluates and folds
   * where the points are drawn (one job bringing back the n log weights and the sums), and when
   * {@code weigh} changes the weights it draws and evaluates them again to fold them with the new
   * weights (a second job), with the same result bit for bit.
   */
  default WeightedSums importanceAccumulate(MultivariateT proposal, RandomStreams streams,
      long iteration, int n, List<Expert> experts, java.util.function.Consumer<double[]> weigh,
      int threads) {
    int dim = proposal.dim();
    double[] z = new double[n * dim];
    drawProposalBatch(proposal, streams, iteration, n, z, threads);
    double[] logP = new double[n];
    double[] scores = new double[n * dim];
    evaluate(z, n, logP, scores);
    double[] logW = new double[n];
    importanceLogWeights(proposal, z, logP, logW, 0, n, 0);
    weigh.accept(logW);
    return new WeightedSums(accumulate(experts, z, scores, logW, n, dim, threads), logW);
  }

  /** All n draws of an importance batch into z, its blocks on {@code threads} threads. */
  static void drawProposalBatch(MultivariateT proposal, RandomStreams streams, long iteration,
      int n, double[] z, int threads) {
    int numBlocks = (n + PROPOSAL_BLOCK - 1) / PROPOSAL_BLOCK;
    org.poevi.math.BlockParallel.forEach(numBlocks, threads, () -> null,
        (block, unused) -> drawProposalBlock(proposal, streams, iteration, block, n, z, 0));
  }

  /**
   * Block {@code block} of an importance batch of n draws, written at the draws' indices less
   * {@code base} (the first draw that z holds).
   */
  static void drawProposalBlock(MultivariateT proposal, RandomStreams streams, long iteration,
      int block, int n, double[] z, int base) {
    int dim = proposal.dim();
    MultivariateT.Sampler sampler = proposal.sampler(streams.stream(RandomStreams.BATCH,
        iteration, block));
    for (int i = block * PROPOSAL_BLOCK; i < Math.min(n, (block + 1) * PROPOSAL_BLOCK); i++) {
      sampler.sample(z, (i - base) * dim);
    }
  }

  /**
   * logW[i] = log p̃(z_i) − log r(z_i) for i in [from, to), the arrays holding the points from
   * point {@code base} on.
   */
  static void importanceLogWeights(MultivariateT proposal, double[] z, double[] logP,
      double[] logW, int from, int to, int base) {
    int dim = proposal.dim();
    double[] scratch = new double[dim];
    for (int i = from - base; i < to - base; i++) {
      logW[i] = logP[i] - proposal.logDensity(z, i * dim, scratch);
    }
  }

  /**
   * Points from..to−1 of weight zero (log weight −∞, z undrawn) are put at the origin; the arrays
   * hold the points from point {@code base} on.
   */
  static void zeroUndrawn(double[] z, double[] logW, int from, int to, int dim, int base) {
    for (int i = from - base; i < to - base; i++) {
      if (logW[i] == Double.NEGATIVE_INFINITY) {
        java.util.Arrays.fill(z, i * dim, (i + 1) * dim, 0);
      }
    }
  }

  /**
   * What the fit is doing, for the evaluations that follow (e.g. "iteration 3"): a distributed
   * evaluator names its jobs with it (the Spark UI then shows the fit's progress). No-op here.
   */
  default void stage(String description) {}

  /** Number of (log density, score) evaluations made so far. */
  long evaluations();
}
