package org.poevi.fit;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.poevi.evaluator.BlockRun;
import org.poevi.evaluator.BlockTask;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.evaluator.Shared;
import org.poevi.family.Expert;
import org.poevi.math.BlockParallel;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;

/**
 * One importance-weighted batch of the under-p objective: n draws of the proposal r (block b from
 * the stream (BATCH, iteration, b), {@value #BLOCK} draws per block), log p̃ and the scores there,
 * log weights log p̃ − log r, which the driver sees whole and may temper, and the QP's sums with
 * the final weights.
 *
 * <p>Where the part stays on this JVM, a single run draws and evaluates the batch and keeps the
 * points; the driver weighs and folds them: one pass. On Spark the points never leave the
 * executors that drew them: the first job folds them with the weights as drawn and brings back
 * those sums and the n log weights; when the driver tempers the weights, a second job draws and
 * evaluates the same points again (the same streams, so the same numbers) and folds them with the
 * tempered weights. Either way the same blocks are folded with the same weights, so the sums are
 * bit-identical; {@link #evaluations()} counts the batch once.
 */
public final class ImportanceTask implements BlockTask<WeightedPart> {
  private static final long serialVersionUID = 1L;
  /** Draws per block of an importance batch (one random stream per block). */
  public static final int BLOCK = 256;

  private final Shared<MultivariateT> proposal;
  private final Shared<List<Expert>> basis;
  private final long seed;
  private final long iteration;
  private final int n;
  private final int block;
  /** The driver's tempered weights to fold with, or null to fold with the weights as drawn. */
  private final Shared<double[]> tempered;
  /** Whether every run brings its points back instead of folding them. */
  private final boolean bring;

  private ImportanceTask(Shared<MultivariateT> proposal, Shared<List<Expert>> basis, long seed,
      long iteration, int n, int block, Shared<double[]> tempered, boolean bring) {
    this.bring = bring;
    this.proposal = proposal;
    this.basis = basis;
    this.seed = seed;
    this.iteration = iteration;
    this.n = n;
    this.block = block;
    this.tempered = tempered;
  }

  /**
   * An importance batch's sums, its final log weights, the exponent τ they were tempered by, and
   * its points where the driver holds them (else null: on Spark they stay on the executors).
   */
  public record Weighted(ScoreSums sums, double[] logWeights, double tempering, Drawn drawn) {}

  /**
   * A batch's points as the driver holds them where the run stays on this JVM: the n×D draws,
   * their log weights as drawn (before tempering) and the n×D scores.
   */
  public record Drawn(double[] z, double[] logWeights, double[] scores) {
    /** Bytes of the three arrays. */
    long bytes() {
      return 8L * (z.length + logWeights.length + scores.length);
    }
  }

  /**
   * The batch's sums over {@code experts} with the weights {@code temper} leaves: it sees all n
   * log weights, may temper them in place (or throw), and returns the exponent τ it applied.
   */
  public static Weighted run(ScoreEvaluator evaluator, MultivariateT proposal,
      List<Expert> experts, RandomStreams streams, long iteration, int n,
      ToDoubleFunction<double[]> temper, int threads) {
    return run(evaluator, proposal, experts, streams, iteration, n, temper, threads, false);
  }

  /**
   * As {@link #run(ScoreEvaluator, MultivariateT, List, RandomStreams, long, int,
   * ToDoubleFunction, int)}; with {@code keep}, the batch's points come back to the driver
   * wherever they were drawn ({@link Weighted#drawn}), and the driver folds them: the same sums.
   */
  public static Weighted run(ScoreEvaluator evaluator, MultivariateT proposal,
      List<Expert> experts, RandomStreams streams, long iteration, int n,
      ToDoubleFunction<double[]> temper, int threads, boolean keep) {
    int k = experts.size();
    int block = ScoreAccumulation.blockSize(proposal.dim(), k);
    // Location and packed Cholesky factor: fewer than D·(D + 4) numbers.
    long proposalBytes = 8L * proposal.dim() * (proposal.dim() + 4);
    WeightedPart drawn = evaluator.run(n + " draws of the proposal, target and score sums over "
        + k + " experts", sharing -> new ImportanceTask(sharing.share(proposal, proposalBytes),
        ExpertSharing.share(sharing, experts), streams.seed(), iteration, n, block, null,
        keep));
    double[] logW = drawn.logWeights(n);
    double[] asDrawn = logW.clone();
    double tau = temper.applyAsDouble(logW);
    if (drawn.holdsPoints() || drawn.broughtPoints()) {
      double[][] points = drawn.holdsPoints() ? new double[][] {drawn.z(), drawn.scores()}
          : drawn.points(n, proposal.dim());
      return new Weighted(ScoreAccumulation.accumulate(experts, points[0], points[1], logW, n,
          proposal.dim(), threads), logW, tau, new Drawn(points[0], asDrawn, points[1]));
    }
    if (Arrays.equals(asDrawn, logW)) {
      return new Weighted(drawn.total(), logW, tau, null);
    }
    WeightedPart reweighed = evaluator.run(n + " draws of the proposal again, target and score"
        + " sums with tempered weights", sharing -> new ImportanceTask(sharing.share(proposal,
        proposalBytes), ExpertSharing.share(sharing, experts), streams.seed(), iteration, n,
        block, sharing.share(logW.clone(), 8L * n), false));
    return new Weighted(reweighed.total(), logW, tau, null);
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
    MultivariateT r = proposal.value();
    int dim = r.dim();
    RandomStreams streams = RandomStreams.of(seed);
    PointRange my = PointRange.of(run.first(), run.last(), block, n, BLOCK);
    int base = my.base();
    double[] z = new double[my.held() * dim];
    BlockParallel.forEach(my.drawBlocks(), run.threads(), () -> null, (i, unused) ->
        drawBlock(r, streams, iteration, my.drawFirst() + i, n, z, base));
    double[] logP = new double[my.held()];
    double[] scores = new double[my.held() * dim];
    run.target().evaluate(z, base, my.from(), my.to(), logP, scores, base);
    double[] logW;
    if (tempered == null) {
      logW = new double[my.held()];
      logWeights(r, z, logP, logW, my.from(), my.to(), base);
      part.putLogWeights(my.from(), my.own(logW, 1));
      if (run.local()) {
        // One run holds the whole batch here: the driver folds it once its weights are final.
        part.keep(z, scores);
        return part;
      }
      if (bring) {
        part.putPoints(my.from(), my.own(z, dim), my.own(scores, dim));
        return part;
      }
    } else {
      logW = Arrays.copyOfRange(tempered.value(), base, base + my.held());
    }
    ScoreAccumulation.fold(part.sums(), experts, run.first(), run.last(), block, z, scores, logW,
        n, base, run.threads());
    return part;
  }

  @Override
  public WeightedPart merge(WeightedPart left, WeightedPart right) {
    return left.merge(right);
  }

  /** The first pass evaluates the batch; a second (tempered) pass repeats the same points. */
  @Override
  public long evaluations() {
    return tempered == null ? n : 0;
  }

  /** All n draws of an importance batch into z (n×D), its blocks on {@code threads} threads. */
  public static void drawBatch(MultivariateT proposal, RandomStreams streams, long iteration, int n,
      double[] z, int threads) {
    BlockParallel.forEach((n + BLOCK - 1) / BLOCK, threads, () -> null,
        (block, unused) -> drawBlock(proposal, streams, iteration, block, n, z, 0));
  }

  /**
   * Block {@code block} of an importance batch of n draws, written at the draws' indices less
   * {@code base} (the first draw that z holds).
   */
  private static void drawBlock(MultivariateT proposal, RandomStreams streams, long iteration,
      int block, int n, double[] z, int base) {
    int dim = proposal.dim();
    MultivariateT.Sampler sampler = proposal.sampler(streams.stream(RandomStreams.BATCH,
        iteration, block));
    for (int i = block * BLOCK; i < Math.min(n, (block + 1) * BLOCK); i++) {
      sampler.sample(z, (i - base) * dim);
    }
  }

  /**
   * logW[i] = log p̃(z_i) − log r(z_i) for points i in [from, to), the arrays holding the points
   * from point {@code base} on.
   */
  static void logWeights(MultivariateT proposal, double[] z, double[] logP, double[] logW,
      int from, int to, int base) {
    int dim = proposal.dim();
    double[] scratch = new double[dim];
    for (int i = from - base; i < to - base; i++) {
      logW[i] = logP[i] - proposal.logDensity(z, i * dim, scratch);
    }
  }
}
