package org.poevi.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import java.util.Arrays;
import org.poevi.family.Expert;
import org.poevi.family.FeynmanSampler;
import org.poevi.family.ProductOfExperts;
import org.poevi.family.QMatrixBlock;
import org.poevi.fit.BlockSums;
import org.poevi.fit.LocalScoreEvaluator;
import org.poevi.fit.MalaKernel;
import org.poevi.fit.ScoreAccumulation;
import org.poevi.fit.ScoreSums;
import org.poevi.fit.ScoreEvaluator;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.target.Target;
import org.poevi.target.TargetEvaluationException;
import scala.Tuple3;

/**
 * Evaluates the target on Spark executors: the points are broadcast, fixed blocks of
 * {@value #BLOCK} points are spread over {@code partitions} partitions, each task evaluates its
 * blocks with the same per-point code as {@link LocalScoreEvaluator}, and the results come back
 * keyed by block index. Every point's result depends on the point only, so the output is
 * bit-identical to the local evaluator's for any number of partitions, executors or cores.
 *
 * <p>The QP's sums are reduced on the executors too ({@link #accumulate}). This is the
 * sample-parallel evaluation of points the driver drew (issue #4's first step); drawing the points
 * on the executors and the data-parallel targets build on it.
 */
public final class SparkScoreEvaluator implements ScoreEvaluator {
  static final int BLOCK = 256;

  private final JavaSparkContext sc;
  private final Target target;
  private final int partitions;
  private final AtomicLong evaluations = new AtomicLong();
  private volatile String stage = "";

  /**
   * @param partitions how many partitions the blocks are spread over (never changes the result)
   */
  public SparkScoreEvaluator(JavaSparkContext sc, Target target, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    this.sc = sc;
    this.target = target;
    this.partitions = partitions;
  }

  @Override
  public void evaluate(double[] points, int n, double[] logDensity, double[] scores) {
    int dim = target.dim();
    int numBlocks = (n + BLOCK - 1) / BLOCK;
    JavaRDD<Integer> blocks = blockIndices(numBlocks);
    Broadcast<double[]> shared = sc.broadcast(Arrays.copyOf(points, n * dim));
    Target t = target;
    List<List<Tuple3<Integer, double[], double[]>>> results = job("target " + target.name()
        + " at " + n + " points", () -> PartitionJobs.run(blocks, indices -> {
          List<Tuple3<Integer, double[], double[]>> out = new ArrayList<>();
          while (indices.hasNext()) {
            int b = indices.next();
            int from = b * BLOCK;
            int to = Math.min(n, from + BLOCK);
            double[] lp = new double[to - from];
            double[] sc2 = new double[(to - from) * dim];
            evaluateRange(t, shared.value(), from, to, lp, sc2, from);
            out.add(new Tuple3<>(b, lp, sc2));
          }
          return out;
        }), shared);
    for (List<Tuple3<Integer, double[], double[]>> part : results) {
      for (Tuple3<Integer, double[], double[]> r : part) {
        int from = r._1() * BLOCK;
        System.arraycopy(r._2(), 0, logDensity, from, r._2().length);
        System.arraycopy(r._3(), 0, scores, from * dim, r._3().length);
      }
    }
    evaluations.addAndGet(n);
  }

  /**
   * The QP's sums reduced on the executors: the experts, points, scores and weights are broadcast,
   * each task folds its blocks (BLAS-3, as on one JVM) into {@link BlockSums} keyed by block
   * index, and {@code treeReduce} unions them; the driver folds the blocks in index order, so
   * the result is bit-identical to {@link ScoreEvaluator}'s local default for any partitioning.
   */
  @Override
  public ScoreSums accumulate(List<Expert> experts, double[] z, double[] scores,
      double[] logWeights, int n, int dim, int threads) {
    int k = experts.size();
    int block = ScoreAccumulation.blockSize(dim, k);
    int numBlocks = (n + block - 1) / block;
    JavaRDD<Integer> blocks = blockIndices(numBlocks);
    Broadcast<Object[]> shared = sc.broadcast(new Object[] {org.poevi.family.ScoreBasis.copyOf(experts),
        Arrays.copyOf(z, n * dim), Arrays.copyOf(scores, n * dim), Arrays.copyOf(logWeights, n)});
    // One task per partition folds its blocks with scratch allocated once (Q block and its stack
    // are the large arrays); treeReduce then unions the partitions' BlockSums.
    return job("score sums over " + k + " experts at " + n + " points", () -> merge(
        PartitionJobs.run(blocks, indices -> {
          Object[] data = shared.value();
          @SuppressWarnings("unchecked")
          List<Expert> ex = (List<Expert>) data[0];
          List<Integer> mine = new ArrayList<>();
          indices.forEachRemaining(mine::add);
          BlockSums acc = new BlockSums();
          fold(acc, ex, mine, block, (double[]) data[1], (double[]) data[2], (double[]) data[3],
              n);
          return acc;
        }), BlockSums::merge), shared).total(k);
  }

  /** A partition's share of an under-q batch: its blocks' sums and its points' log weights. */
  private static final class UnderQPart implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final BlockSums sums = new BlockSums();
    final java.util.TreeMap<Integer, double[]> logWeights = new java.util.TreeMap<>();

    UnderQPart merge(UnderQPart other) {
      sums.merge(other.sums);
      logWeights.putAll(other.logWeights);
      return this;
    }
  }

  /**
   * One job: each task draws the sampler blocks that cover its accumulation blocks (streams keyed
   * by stage and sampler block, as on one JVM), evaluates the target there and folds its blocks;
   * only the block sums and the n log weights travel back. Bit-identical to the local default.
   */
  @Override
  public WeightedSums drawEvaluateAccumulate(List<Expert> experts, double[] drawAlpha,
      RandomStreams streams, long samplerStage, int n, int threads) {
    int dim = target.dim();
    int k = experts.size();
    int block = ScoreAccumulation.blockSize(dim, k);
    int numBlocks = (n + block - 1) / block;
    JavaRDD<Integer> blocks = blockIndices(numBlocks);
    // Checked here (not normalisable, no active expert: the error it is on one JVM); the tasks
    // rebuild it from the experts and exponents.
    ProductOfExperts.of(experts, drawAlpha);
    Broadcast<Object[]> shared = sc.broadcast(new Object[] {org.poevi.family.ScoreBasis.copyOf(experts),
        drawAlpha.clone()});
    long seed = streams.seed();
    Target t = target;
    UnderQPart total = job(n + " draws of q, target " + target.name() + " and score sums over "
        + k + " experts", () -> merge(PartitionJobs.run(blocks, indices -> {
            List<Integer> mine = new ArrayList<>();
            indices.forEachRemaining(mine::add);
            UnderQPart part = new UnderQPart();
            if (mine.isEmpty()) {
              return part;
            }
            Object[] data = shared.value();
            @SuppressWarnings("unchecked")
            List<Expert> ex = (List<Expert>) data[0];
            FeynmanSampler sampler = FeynmanSampler.of(ProductOfExperts.of(ex, (double[]) data[1]));
            RandomStreams rs = RandomStreams.of(seed);
            int from = mine.get(0) * block;
            int to = Math.min(n, (mine.get(mine.size() - 1) + 1) * block);
            double[] z = new double[n * dim];
            double[] logW = new double[n];
            double[] scores = new double[n * dim];
            Object scratch = sampler.blockScratch();
            for (int sb = from / FeynmanSampler.BLOCK_SIZE;
                sb <= (to - 1) / FeynmanSampler.BLOCK_SIZE; sb++) {
              sampler.weightedBlock(rs, samplerStage, n, sb, scratch, z, logW);
            }
            ScoreEvaluator.zeroUndrawn(z, logW, from, to, dim);
            evaluateRange(t, z, from, to, new double[n], scores);
            fold(part.sums, ex, mine, block, z, scores, logW, n);
            part.logWeights.put(from, Arrays.copyOfRange(logW, from, to));
            return part;
          }), UnderQPart::merge), shared);
    double[] logW = new double[n];
    total.logWeights.forEach((from, values) -> System.arraycopy(values, 0, logW, from,
        values.length));
    evaluations.addAndGet(n);
    return new WeightedSums(total.sums.total(k), logW);
  }

  /** A partition's share of a moved population: its chains, block sums and move counts. */
  private static final class MovedPart implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final BlockSums sums = new BlockSums();
    /** Chains [from, from + length): z (length·D), log p̃, scores (length·D). */
    final java.util.TreeMap<Integer, double[][]> chains = new java.util.TreeMap<>();
    long[] accepted;
    long moved;

    MovedPart(int steps) {
      accepted = new long[steps];
    }

    MovedPart merge(MovedPart other) {
      sums.merge(other.sums);
      chains.putAll(other.chains);
      for (int s = 0; s < accepted.length; s++) {
        accepted[s] += other.accepted[s];
      }
      moved += other.moved;
      return this;
    }
  }

  /**
   * One job: each task moves the MALA blocks that cover its accumulation blocks through every
   * step (the kernel is frozen and chains of different blocks never interact; streams keyed by
   * key, step and block, as on one JVM), evaluating the target at its own proposals, then folds
   * its blocks with equal weights. The moved chains come back with the sums. Bit-identical to
   * the local default.
   */
  @Override
  public MovedSums moveAndAccumulate(MalaKernel kernel, RandomStreams streams, long key,
      int steps, List<Expert> experts, double[] z, double[] logP, double[] scores, int n,
      int threads) {
    int dim = target.dim();
    int k = experts.size();
    int block = ScoreAccumulation.blockSize(dim, k);
    int numBlocks = (n + block - 1) / block;
    JavaRDD<Integer> blocks = blockIndices(numBlocks);
    Broadcast<Object[]> shared = sc.broadcast(new Object[] {org.poevi.family.ScoreBasis.copyOf(experts), kernel,
        Arrays.copyOf(z, n * dim), Arrays.copyOf(logP, n), Arrays.copyOf(scores, n * dim)});
    long seed = streams.seed();
    Target t = target;
    MovedPart total = job(steps + " MALA steps of " + n + " chains, target " + target.name()
        + " and score sums over " + k + " experts", () -> merge(PartitionJobs.run(blocks,
          indices -> {
            List<Integer> mine = new ArrayList<>();
            indices.forEachRemaining(mine::add);
            MovedPart part = new MovedPart(steps);
            if (mine.isEmpty()) {
              return part;
            }
            Object[] data = shared.value();
            @SuppressWarnings("unchecked")
            List<Expert> ex = (List<Expert>) data[0];
            MalaKernel mala = (MalaKernel) data[1];
            // This task's copies: the broadcast values are shared by the executor's tasks.
            double[] zz = ((double[]) data[2]).clone();
            double[] lp = ((double[]) data[3]).clone();
            double[] sc2 = ((double[]) data[4]).clone();
            RandomStreams rs = RandomStreams.of(seed);
            int from = mine.get(0) * block;
            int to = Math.min(n, (mine.get(mine.size() - 1) + 1) * block);
            int firstMala = from / MalaKernel.BLOCK;
            int lastMala = (to - 1) / MalaKernel.BLOCK;
            int chainsFrom = firstMala * MalaKernel.BLOCK;
            int chainsTo = Math.min(n, (lastMala + 1) * MalaKernel.BLOCK);
            MalaKernel.Buffers buffers = new MalaKernel.Buffers(n, dim);
            boolean[] moved = new boolean[n];
            double[] scratch = new double[2 * dim];
            double[] proposals = MalaKernel.proposals(buffers);
            double[] proposalLogP = MalaKernel.proposalLogDensities(buffers);
            double[] proposalScores = MalaKernel.proposalScores(buffers);
            for (int s = 0; s < steps; s++) {
              for (int mb = firstMala; mb <= lastMala; mb++) {
                mala.propose(rs, key, s, mb, n, zz, sc2, buffers, scratch);
              }
              evaluateRange(t, proposals, chainsFrom, chainsTo, proposalLogP, proposalScores);
              for (int mb = firstMala; mb <= lastMala; mb++) {
                mala.accept(mb, n, zz, lp, sc2, buffers, moved, scratch);
              }
              for (int i = from; i < to; i++) {
                part.accepted[s] += MalaKernel.accepted(buffers, i) ? 1 : 0;
              }
            }
            for (int i = from; i < to; i++) {
              part.moved += moved[i] ? 1 : 0;
            }
            fold(part.sums, ex, mine, block, zz, sc2, new double[n], n);
            part.chains.put(from, new double[][] {Arrays.copyOfRange(zz, from * dim, to * dim),
                Arrays.copyOfRange(lp, from, to), Arrays.copyOfRange(sc2, from * dim, to * dim)});
            return part;
          }), MovedPart::merge), shared);
    total.chains.forEach((from, chains) -> {
      System.arraycopy(chains[0], 0, z, from * dim, chains[0].length);
      System.arraycopy(chains[1], 0, logP, from, chains[1].length);
      System.arraycopy(chains[2], 0, scores, from * dim, chains[2].length);
    });
    evaluations.addAndGet((long) steps * n);
    return new MovedSums(total.sums.total(k), total.accepted, total.moved);
  }

  /** A partition's drawn and evaluated points [from, to), cached between the two jobs. */
  private static final class DrawnPart implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final int from;
    final double[] z;
    final double[] scores;
    final double[] logW;
    final int[] blocks;
    /** The blocks folded with the untempered log weights (the sums when tau = 1). */
    final BlockSums untempered;

    DrawnPart(int from, double[] z, double[] scores, double[] logW, int[] blocks,
        BlockSums untempered) {
      this.from = from;
      this.z = z;
      this.scores = scores;
      this.logW = logW;
      this.blocks = blocks;
      this.untempered = untempered;
    }
  }

  /**
   * One job, and a second only when the weights are tempered, the points never leaving the
   * executors. The first draws each task's share of the proposal's blocks (streams keyed by
   * iteration and block, as on one JVM), evaluates the target there, folds its blocks with the
   * untempered log weights, caches the points with their scores and brings back the n log weights
   * and those sums. The driver tempers the weights over the whole batch. When they stay as drawn
   * (tau = 1, the usual case: the fit takes weighted batches only when tempering was not needed
   * at its start) the first job's sums are the answer; otherwise the second job folds the cached
   * blocks with the tempered weights. Bit-identical to the local default either way: the same
   * blocks folded with the same weights.
   */
  @Override
  public WeightedSums importanceAccumulate(MultivariateT proposal, RandomStreams streams,
      long iteration, int n, List<Expert> experts, java.util.function.Consumer<double[]> weigh,
      int threads) {
    int dim = target.dim();
    int k = experts.size();
    int block = ScoreAccumulation.blockSize(dim, k);
    int numBlocks = (n + block - 1) / block;
    JavaRDD<Integer> blocks = blockIndices(numBlocks);
    long seed = streams.seed();
    Target t = target;
    Broadcast<MultivariateT> sharedProposal = sc.broadcast(proposal);
    Broadcast<List<Expert>> sharedExperts = sc.broadcast(
        org.poevi.family.ScoreBasis.copyOf(experts));
    JavaRDD<DrawnPart> drawn = PartitionJobs.map(blocks, indices -> {
          List<Integer> mine = new ArrayList<>();
          indices.forEachRemaining(mine::add);
          if (mine.isEmpty()) {
            return null;
          }
          MultivariateT r = sharedProposal.value();
          RandomStreams rs = RandomStreams.of(seed);
          int from = mine.get(0) * block;
          int to = Math.min(n, (mine.get(mine.size() - 1) + 1) * block);
          double[] z = new double[n * dim];
          for (int pb = from / PROPOSAL_BLOCK; pb <= (to - 1) / PROPOSAL_BLOCK; pb++) {
            ScoreEvaluator.drawProposalBlock(r, rs, iteration, pb, n, z);
          }
          double[] logP = new double[n];
          double[] scores = new double[n * dim];
          evaluateRange(t, z, from, to, logP, scores);
          double[] logW = new double[n];
          ScoreEvaluator.importanceLogWeights(r, z, logP, logW, from, to);
          BlockSums untempered = new BlockSums();
          fold(untempered, sharedExperts.value(), mine, block, z, scores, logW, n);
          return new DrawnPart(from, Arrays.copyOfRange(z, from * dim, to * dim),
              Arrays.copyOfRange(scores, from * dim, to * dim), Arrays.copyOfRange(logW, from,
              to), mine.stream().mapToInt(Integer::intValue).toArray(), untempered);
        }).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      double[] logW = new double[n];
      BlockSums untempered = new BlockSums();
      // The broadcasts live until the end: a lost cached part is redrawn from them.
      for (List<DrawnPart> parts : job(n + " draws of the proposal, target " + target.name()
          + " and score sums over " + k + " experts", () -> PartitionJobs.run(drawn, cached -> {
            // Where the points start, their log weights and the untempered sums travel back.
            List<DrawnPart> out = new ArrayList<>();
            cached.forEachRemaining(p -> out.add(new DrawnPart(p.from, null, null, p.logW,
                null, p.untempered)));
            return out;
          }))) {
        for (DrawnPart part : parts) {
          System.arraycopy(part.logW, 0, logW, part.from, part.logW.length);
          untempered.merge(part.untempered);
        }
      }
      double[] drawnWeights = logW.clone();
      // The caller's own code (it may throw its own errors): outside the unwrapping.
      weigh.accept(logW);
      evaluations.addAndGet(n);
      if (Arrays.equals(drawnWeights, logW)) {
        return new WeightedSums(untempered.total(k), logW);
      }
      Broadcast<double[]> weights = sc.broadcast(logW.clone());
      BlockSums sums = job("score sums over " + k + " experts at " + n + " points (tempered)",
          () -> merge(PartitionJobs.run(drawn, cached -> {
            BlockSums acc = new BlockSums();
            if (!cached.hasNext()) {
              return acc;
            }
            double[] w = weights.value();
            double[] z = new double[n * dim];
            double[] scores = new double[n * dim];
            List<Integer> mine = new ArrayList<>();
            while (cached.hasNext()) {
              DrawnPart p = cached.next();
              System.arraycopy(p.z, 0, z, p.from * dim, p.z.length);
              System.arraycopy(p.scores, 0, scores, p.from * dim, p.scores.length);
              for (int b : p.blocks) {
                mine.add(b);
              }
            }
            fold(acc, sharedExperts.value(), mine, block, z, scores, w, n);
            return acc;
          }), BlockSums::merge), weights);
      return new WeightedSums(sums.total(k), logW);
    } finally {
      drawn.unpersist(false);
      sharedProposal.destroy();
      sharedExperts.destroy();
    }
  }

  /**
   * Runs Spark actions under a job description naming the fit's stage (the Spark UI shows the
   * fit's progress); a failure on an executor becomes the one-line error it was there (Spark
   * rethrows it as a checked SparkException holding the original's message); the broadcasts are
   * destroyed afterwards, whatever happened.
   */
  private <T> T job(String description, java.util.function.Supplier<T> actions,
      Broadcast<?>... broadcasts) {
    sc.setJobDescription("poevi " + stage + ": " + description);
    try {
      return actions.get();
    } catch (Exception e) {
      throw unwrap(e);
    } finally {
      for (Broadcast<?> b : broadcasts) {
        b.destroy();
      }
      sc.setJobDescription(null);
    }
  }

  /**
   * The partitions' results merged on the driver, in partition order (each merge is keyed by
   * block index, so the order never changes a bit).
   */
  private static <P> P merge(List<P> parts, java.util.function.BinaryOperator<P> merge) {
    P total = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      total = merge.apply(total, parts.get(i));
    }
    return total;
  }

  /** Block indices 0..count−1 spread over the partitions in contiguous runs. */
  private JavaRDD<Integer> blockIndices(int count) {
    List<Integer> indices = new ArrayList<>(count);
    for (int b = 0; b < count; b++) {
      indices.add(b);
    }
    return sc.parallelize(indices, Math.min(partitions, Math.max(count, 1)));
  }

  /** log p̃ and scores of points [from, to) of z, at their own indices (the contract enforced). */
  private static void evaluateRange(Target t, double[] z, int from, int to, double[] logP,
      double[] scores) {
    evaluateRange(t, z, from, to, logP, scores, 0);
  }

  /** The same, written at index i − base of logP and scores. */
  private static void evaluateRange(Target t, double[] z, int from, int to, double[] logP,
      double[] scores, int base) {
    int dim = t.dim();
    double[] x = new double[dim];
    double[] g = new double[dim];
    for (int i = from; i < to; i++) {
      System.arraycopy(z, i * dim, x, 0, dim);
      logP[i - base] = LocalScoreEvaluator.evaluateOne(t, x, g, i);
      System.arraycopy(g, 0, scores, (i - base) * dim, dim);
    }
  }

  /** Adds the sums of accumulation blocks {@code mine} (of {@code block} points) to {@code acc}. */
  private static void fold(BlockSums acc, List<Expert> experts, List<Integer> mine, int block,
      double[] z, double[] scores, double[] logW, int n) {
    if (mine.isEmpty()) {
      return;
    }
    int k = experts.size();
    int dim = experts.get(0).dim();
    QMatrixBlock q = new QMatrixBlock(experts, block);
    double[] stacked = new double[block * dim * k];
    double[] work = new double[ScoreAccumulation.scratchSize(block, dim)];
    for (int b : mine) {
      acc.add(b, ScoreAccumulation.block(b, block, q, experts, stacked, work, z, scores, logW, n,
          dim, k));
    }
  }

  /** A target failure on an executor as the one-line error it was there. */
  static RuntimeException unwrap(Exception e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof TargetEvaluationException t) {
        return new TargetEvaluationException(t.getMessage());
      }
    }
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    int at = message.indexOf("TargetEvaluationException: ");
    if (at >= 0) {
      String rest = message.substring(at + "TargetEvaluationException: ".length());
      return new TargetEvaluationException(rest.lines().findFirst().orElse(rest));
    }
    if (e instanceof RuntimeException r && !(e.getCause() instanceof SparkException)) {
      return r;
    }
    return new IllegalStateException("Spark job failed: " + message.lines().findFirst()
        .orElse(message), e);
  }

  @Override
  public void stage(String description) {
    stage = description;
  }

  @Override
  public long evaluations() {
    return evaluations.get();
  }
}
