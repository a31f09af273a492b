package org.poevi.fit;

import java.util.Arrays;
import java.util.List;
import org.poevi.evaluator.BlockRun;
import org.poevi.evaluator.BlockTask;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.evaluator.Shared;
import org.poevi.family.Expert;
import org.poevi.family.FeynmanSampler;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.BlockParallel;
import org.poevi.math.RandomStreams;

/**
 * One batch of the under-q objective (SPEC §3, Algorithm 1): n weighted draws of the product of
 * the experts with exponents {@code drawAlpha} (the Feynman sampler's streams of {@code stage}),
 * the target's scores there, and the QP's sums over the experts. A draw of weight zero has no z:
 * it is evaluated at the origin and adds nothing. Each run draws the sampler blocks that cover
 * its accumulation blocks, evaluates its own points and folds its blocks; only the partial sums
 * and the log weights come back.
 */
public final class QBatchTask implements BlockTask<WeightedPart> {
  private static final long serialVersionUID = 1L;
  private final Shared<List<Expert>> basis;
  private final double[] drawAlpha;
  private final long seed;
  private final long stage;
  private final int n;
  private final int block;

  private QBatchTask(Shared<List<Expert>> basis, double[] drawAlpha, long seed, long stage,
      int n, int block) {
    this.basis = basis;
    this.drawAlpha = drawAlpha.clone();
    this.seed = seed;
    this.stage = stage;
    this.n = n;
    this.block = block;
  }

  /**
   * The batch's sums over {@code experts} (in their score metric) and its log weights.
   *
   * @throws org.poevi.InvalidInputException when the exponents are not normalisable
   */
  public static WeightedSums run(ScoreEvaluator evaluator, List<Expert> experts,
      double[] drawAlpha, RandomStreams streams, long stage, int n) {
    // Checked here, on the driver (not normalisable, no active expert); runs rebuild it.
    ProductOfExperts.of(experts, drawAlpha);
    int dim = experts.get(0).dim();
    int k = experts.size();
    int block = ScoreAccumulation.blockSize(dim, k);
    WeightedPart part = evaluator.run(n + " draws of q, target and score sums over " + k
        + " experts", sharing -> new QBatchTask(ExpertSharing.share(sharing, experts),
        drawAlpha, streams.seed(), stage, n, block));
    return new WeightedSums(part.total(), part.logWeights(n));
  }

  @Override
  public int numBlocks() {
    return (n + block - 1) / block;
  }

  @Override
  public WeightedPart run(BlockRun run) {
    List<Expert> experts = basis.value();
    WeightedPart part = new WeightedPart(numBlocks(), experts.size());
    if (run.isEmpty()) {
      return part;
    }
    int dim = experts.get(0).dim();
    FeynmanSampler sampler = FeynmanSampler.of(ProductOfExperts.of(experts, drawAlpha));
    RandomStreams streams = RandomStreams.of(seed);
    PointRange my = PointRange.of(run.first(), run.last(), block, n, FeynmanSampler.BLOCK_SIZE);
    int base = my.base();
    double[] z = new double[my.held() * dim];
    double[] logW = new double[my.held()];
    BlockParallel.forEach(my.drawBlocks(), run.threads(), sampler::blockScratch,
        (i, scratch) -> sampler.weightedBlock(streams, stage, n, my.drawFirst() + i, scratch, z,
            logW, base));
    // Draws of weight zero have no z: put them at the origin, where they add nothing.
    for (int i = my.from() - base; i < my.to() - base; i++) {
      if (logW[i] == Double.NEGATIVE_INFINITY) {
        Arrays.fill(z, i * dim, (i + 1) * dim, 0);
      }
    }
    double[] scores = new double[my.held() * dim];
    run.target().evaluate(z, base, my.from(), my.to(), new double[my.held()], scores, base);
    ScoreAccumulation.fold(part.sums(), experts, run.first(), run.last(), block, z, scores, logW,
        n, base, run.threads());
    part.putLogWeights(my.from(), my.own(logW, 1));
    return part;
  }

  @Override
  public WeightedPart merge(WeightedPart left, WeightedPart right) {
    return left.merge(right);
  }

  @Override
  public long evaluations() {
    return n;
  }
}
