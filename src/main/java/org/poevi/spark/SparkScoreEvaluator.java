package org.poevi.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.poevi.family.Expert;
import org.poevi.family.FeynmanSampler;
import org.poevi.family.ProductOfExperts;
import org.poevi.family.QMatrixBlock;
import org.poevi.fit.LocalScoreEvaluator;
import org.poevi.fit.MalaKernel;
import org.poevi.fit.ScoreAccumulation;
import org.poevi.fit.ScoreEvaluator;
import org.poevi.fit.ScoreSums;
import org.poevi.math.DyadicSum;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.targets.Target;
import org.poevi.targets.TargetEvaluationException;
import scala.Tuple3;

/**
 * Evaluates the target on Spark executors, sample-parallel: fixed blocks of points are spread over
 * {@code partitions} partitions in contiguous runs, and each task works on its own blocks with the
 * same per-point and per-block code as the local evaluator. Every point's result depends on the
 * point only (random streams are keyed by stage and block, never by partition), so every result
 * is bit-identical to {@link LocalScoreEvaluator}'s for any number of partitions, executors or
 * cores.
 *
 * <p>A fit's iteration is one Spark job: the tasks draw their points (of q, of the importance
 * proposal, or by moving their MALA chains), evaluate the target there and fold their blocks into
 * the QP's sums, a partial {@link ScoreSums#overBlocks} sum of O(log blocks) values per task that
 * the driver completes; only those sums and the weights or chains the driver needs travel back.
 * Values the tasks share (the experts, the proposal, tempered weights) travel inside the task
 * when small and in a broadcast of their own, destroyed after the job, when large ({@link
 * Shared}); α (K numbers) always inside the task. {@link #evaluate} and {@link #accumulate} serve
 * points the driver holds: the points are broadcast, and {@link #evaluate}'s results come back
 * keyed by block.
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
            evaluateRange(t, shared.value(), 0, from, to, lp, sc2, from);
            out.add(new Tuple3<>(b, lp, sc2));
          }
          return out;
        }), Shared.of(shared));
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
   * The QP's sums reduced on the executors: the points, scores and weights are broadcast, each
   * task folds its blocks (BLAS-3, as on one JVM) into a partial {@link ScoreSums#overBlocks}
   * sum, and the driver completes the tree, so the result is bit-identical to
   * {@link ScoreEvaluator}'s local default for any partitioning.
   */
  @Override
  public ScoreSums accumulate(List<Expert> experts, double[] z, double[] scores,
      double[] logWeights, int n, int dim, int threads) {
    int k = experts.size();
    int block = ScoreAccumulation.blockSize(dim, k);
    int numBlocks = (n + block - 1) / block;
    if (numBlocks == 0) {
      return ScoreSums.empty(k);
    }
    JavaRDD<Integer> blocks = blockIndices(numBlocks);
    Shared<List<Expert>> basis = basis(experts);
    Broadcast<Object[]> points = sc.broadcast(new Object[] {Arrays.copyOf(z, n * dim),
        Arrays.copyOf(scores, n * dim), Arrays.copyOf(logWeights, n)});
    return job("score sums over " + k + " experts at " + n + " points", () -> merge(
        PartitionJobs.run(blocks, indices -> {
          Object[] data = points.value();
          DyadicSum<ScoreSums> acc = ScoreSums.overBlocks(numBlocks);
          fold(acc, basis.value(), mine(indices), block, (double[]) data[0], (double[]) data[1],
              (double[]) data[2], n, 0);
          return acc;
        }), DyadicSum::merge), basis, Shared.of(points)).total();
  }

  /** A partition's share of a weighted batch: its blocks' partial sums and its log weights. */
  private static final class WeightedPart implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final DyadicSum<ScoreSums> sums;
    /** The log weights of points [key, key + length), where the driver needs them. */
    final java.util.TreeMap<Integer, double[]> logWeights = new java.util.TreeMap<>();

    WeightedPart(int numBlocks) {
      sums = ScoreSums.overBlocks(numBlocks);
    }

    WeightedPart merge(WeightedPart other) {
      sums.merge(other.sums);
      logWeights.putAll(other.logWeights);
      return this;
    }

    /** The n log weights, from the partitions' runs. */
    double[] logWeights(int n) {
      double[] logW = new double[n];
      logWeights.forEach((from, values) -> System.arraycopy(values, 0, logW, from,
          values.length));
      return logW;
    }
  }

  /**
   * One job: each task draws the sampler blocks that cover its accumulation blocks (streams keyed
   * by stage and sampler block, as on one JVM), evaluates the target there and folds its blocks;
   * only the partial sums and the n log weights travel back. Bit-identical to the local default.
   */
  @Override
  public WeightedSums drawEvaluateAccumulate(List<Expert> experts, double[] drawAlpha,
      RandomStreams streams, long samplerStage, int n, int threads) {
    if (n == 0) {
      return ScoreEvaluator.super.drawEvaluateAccumulate(experts, drawAlpha, streams,
          samplerStage, n, threads);
    }
    int dim = target.dim();
    int k = experts.size();
    int block = ScoreAccumulation.blockSize(dim, k);
    int numBlocks = (n + block - 1) / block;
    JavaRDD<Integer> blocks = blockIndices(numBlocks);
    // Checked here (not normalisable, no active expert: the error it is on one JVM); the tasks
    // rebuild it from the experts and exponents.
    ProductOfExperts.of(experts, drawAlpha);
    Shared<List<Expert>> basis = basis(experts);
    double[] alpha = drawAlpha.clone();
    long seed = streams.seed();
    Target t = target;
    WeightedPart total = job(n + " draws of q, target " + target.name()
        + " and score sums over " + k + " experts", () -> merge(PartitionJobs.run(blocks,
          indices -> {
            List<Integer> mine = mine(indices);
            WeightedPart part = new WeightedPart(numBlocks);
            if (mine.isEmpty()) {
              return part;
            }
            List<Expert> ex = basis.value();
            FeynmanSampler sampler = FeynmanSampler.of(ProductOfExperts.of(ex, alpha));
            RandomStreams rs = RandomStreams.of(seed);
            Share my = Share.of(mine, block, n, FeynmanSampler.BLOCK_SIZE);
            int base = my.base();
            double[] z = new double[my.held() * dim];
            double[] logW = new double[my.held()];
            double[] scores = new double[my.held() * dim];
            Object scratch = sampler.blockScratch();
            for (int sb = my.first(); sb <= my.last(); sb++) {
              sampler.weightedBlock(rs, samplerStage, n, sb, scratch, z, logW, base);
            }
            ScoreEvaluator.zeroUndrawn(z, logW, my.from(), my.to(), dim, base);
            evaluateRange(t, z, base, my.from(), my.to(), new double[my.held()], scores, base);
            fold(part.sums, ex, mine, block, z, scores, logW, n, base);
            part.logWeights.put(my.from(), Arrays.copyOfRange(logW, my.from() - base,
                my.to() - base));
            return part;
          }), WeightedPart::merge), basis);
    evaluations.addAndGet(n);
    return new WeightedSums(total.sums.total(), total.logWeights(n));
  }

  /** A partition's share of a moved population: its chains, partial sums and move counts. */
  private static final class MovedPart implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final DyadicSum<ScoreSums> sums;
    /** Chains [from, from + length): z (length·D), log p̃, scores (length·D). */
    final java.util.TreeMap<Integer, double[][]> chains = new java.util.TreeMap<>();
    long[] accepted;
    long moved;

    MovedPart(int steps, int numBlocks) {
      accepted = new long[steps];
      sums = ScoreSums.overBlocks(numBlocks);
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
    if (n == 0) {
      return ScoreEvaluator.super.moveAndAccumulate(kernel, streams, key, steps, experts, z, logP,
          scores, n, threads);
    }
    int dim = target.dim();
    int k = experts.size();
    int block = ScoreAccumulation.blockSize(dim, k);
    int numBlocks = (n + block - 1) / block;
    JavaRDD<Integer> blocks = blockIndices(numBlocks);
    Shared<List<Expert>> basis = basis(experts);
    Broadcast<Object[]> shared = sc.broadcast(new Object[] {kernel,
        Arrays.copyOf(z, n * dim), Arrays.copyOf(logP, n), Arrays.copyOf(scores, n * dim)});
    long seed = streams.seed();
    Target t = target;
    MovedPart total = job(steps + " MALA steps of " + n + " chains, target " + target.name()
        + " and score sums over " + k + " experts", () -> merge(PartitionJobs.run(blocks,
          indices -> {
            List<Integer> mine = mine(indices);
            MovedPart part = new MovedPart(steps, numBlocks);
            if (mine.isEmpty()) {
              return part;
            }
            Object[] data = shared.value();
            MalaKernel mala = (MalaKernel) data[0];
            RandomStreams rs = RandomStreams.of(seed);
            Share my = Share.of(mine, block, n, MalaKernel.BLOCK);
            int from = my.from();
            int to = my.to();
            int firstMala = my.first();
            int lastMala = my.last();
            int chainsFrom = my.base();
            int held = my.held();
            int chainsTo = chainsFrom + held;
            // This task's copies of its own chains (the broadcast values are shared by the
            // executor's tasks), indexed from chainsFrom.
            double[] zz = Arrays.copyOfRange((double[]) data[1], chainsFrom * dim, chainsTo * dim);
            double[] lp = Arrays.copyOfRange((double[]) data[2], chainsFrom, chainsTo);
            double[] sc2 = Arrays.copyOfRange((double[]) data[3], chainsFrom * dim,
                chainsTo * dim);
            MalaKernel.Buffers buffers = new MalaKernel.Buffers(chainsFrom, held, dim);
            boolean[] moved = new boolean[held];
            double[] scratch = new double[2 * dim];
            double[] proposals = MalaKernel.proposals(buffers);
            double[] proposalLogP = MalaKernel.proposalLogDensities(buffers);
            double[] proposalScores = MalaKernel.proposalScores(buffers);
            for (int s = 0; s < steps; s++) {
              for (int mb = firstMala; mb <= lastMala; mb++) {
                mala.propose(rs, key, s, mb, n, zz, sc2, buffers, scratch);
              }
              evaluateRange(t, proposals, chainsFrom, chainsFrom, chainsTo, proposalLogP,
                  proposalScores, chainsFrom);
              for (int mb = firstMala; mb <= lastMala; mb++) {
                mala.accept(mb, n, zz, lp, sc2, buffers, moved, scratch);
              }
              for (int i = from; i < to; i++) {
                part.accepted[s] += MalaKernel.accepted(buffers, i) ? 1 : 0;
              }
            }
            for (int i = from; i < to; i++) {
              part.moved += moved[i - chainsFrom] ? 1 : 0;
            }
            fold(part.sums, basis.value(), mine, block, zz, sc2, new double[held], n, chainsFrom);
            int at = from - chainsFrom;
            part.chains.put(from, new double[][] {Arrays.copyOfRange(zz, at * dim,
                (at + to - from) * dim), Arrays.copyOfRange(lp, at, at + to - from),
                Arrays.copyOfRange(sc2, at * dim, (at + to - from) * dim)});
            return part;
          }), MovedPart::merge), basis, Shared.of(shared));
    total.chains.forEach((from, chains) -> {
      System.arraycopy(chains[0], 0, z, from * dim, chains[0].length);
      System.arraycopy(chains[1], 0, logP, from, chains[1].length);
      System.arraycopy(chains[2], 0, scores, from * dim, chains[2].length);
    });
    evaluations.addAndGet((long) steps * n);
    return new MovedSums(total.sums.total(), total.accepted, total.moved);
  }

  /**
   * One job, and a second only when the weights are tempered; no points leave the executors or
   * stay cached there. The first job draws each task's share of the proposal's blocks (streams
   * keyed by iteration and block, as on one JVM), evaluates the target there, folds its blocks
   * with the untempered log weights and brings back those sums and the n log weights. The driver
   * tempers the weights over the whole batch. When they stay as drawn (tau = 1, the usual case:
   * the fit takes weighted batches only when tempering was not needed at its start) the first
   * job's sums are the answer. Otherwise a second job draws and evaluates the same points again
   * (the same streams, so the same numbers) and folds them with the tempered weights: a tempered
   * batch costs two passes over the target, where caching every batch's points would cost every
   * batch a store and a removal on the executors. Bit-identical to the local default either way:
   * the same blocks folded with the same weights. {@link #evaluations()} counts the batch once.
   */
  @Override
  public WeightedSums importanceAccumulate(MultivariateT proposal, RandomStreams streams,
      long iteration, int n, List<Expert> experts, java.util.function.Consumer<double[]> weigh,
      int threads) {
    if (n == 0) {
      return ScoreEvaluator.super.importanceAccumulate(proposal, streams, iteration, n, experts,
          weigh, threads);
    }
    int dim = target.dim();
    int k = experts.size();
    int block = ScoreAccumulation.blockSize(dim, k);
    int numBlocks = (n + block - 1) / block;
    JavaRDD<Integer> blocks = blockIndices(numBlocks);
    Shared<List<Expert>> basis = basis(experts);
    // Location and packed Cholesky factor: fewer than D·(D + 4) numbers.
    Shared<MultivariateT> shared = Shared.of(sc, proposal, 8L * dim * (dim + 4));
    long seed = streams.seed();
    Target t = target;
    // The experts and the proposal live until the end: both jobs draw and fold with them.
    try {
      ImportanceTask drawn = new ImportanceTask(t, shared, basis, seed, iteration, n, block,
          numBlocks, null);
      WeightedPart untempered = job(n + " draws of the proposal, target " + target.name()
          + " and score sums over " + k + " experts", () -> merge(PartitionJobs.run(blocks,
            drawn), WeightedPart::merge));
      double[] logW = untempered.logWeights(n);
      double[] drawnWeights = logW.clone();
      evaluations.addAndGet(n);
      // The caller's own code (it may throw its own errors): outside the unwrapping.
      weigh.accept(logW);
      if (Arrays.equals(drawnWeights, logW)) {
        return new WeightedSums(untempered.sums.total(), logW);
      }
      Shared<double[]> tempered = Shared.of(sc, logW.clone(), 8L * n);
      ImportanceTask redrawn = new ImportanceTask(t, shared, basis, seed, iteration, n, block,
          numBlocks, tempered);
      WeightedPart sums = job(n + " draws of the proposal again, target " + target.name()
          + " and score sums with tempered weights", () -> merge(PartitionJobs.run(blocks,
            redrawn), WeightedPart::merge), tempered);
      return new WeightedSums(sums.sums.total(), logW);
    } finally {
      basis.destroy();
      shared.destroy();
    }
  }

  /**
   * A task of {@link #importanceAccumulate}: draws, evaluates and weighs its blocks' points, then
   * folds them with those weights (and returns the weights), or with the driver's tempered
   * weights when given.
   */
  private static final class ImportanceTask implements PartitionJobs.Task<Integer, WeightedPart> {
    private static final long serialVersionUID = 1L;
    private final Target target;
    private final Shared<MultivariateT> proposal;
    private final Shared<List<Expert>> basis;
    private final long seed;
    private final long iteration;
    private final int n;
    private final int block;
    private final int numBlocks;
    private final Shared<double[]> tempered;

    ImportanceTask(Target target, Shared<MultivariateT> proposal, Shared<List<Expert>> basis,
        long seed, long iteration, int n, int block, int numBlocks, Shared<double[]> tempered) {
      this.target = target;
      this.proposal = proposal;
      this.basis = basis;
      this.seed = seed;
      this.iteration = iteration;
      this.n = n;
      this.block = block;
      this.numBlocks = numBlocks;
      this.tempered = tempered;
    }

    @Override
    public WeightedPart run(java.util.Iterator<Integer> indices) {
      List<Integer> mine = mine(indices);
      WeightedPart part = new WeightedPart(numBlocks);
      if (mine.isEmpty()) {
        return part;
      }
      int dim = target.dim();
      MultivariateT r = proposal.value();
      RandomStreams rs = RandomStreams.of(seed);
      Share my = Share.of(mine, block, n, ScoreEvaluator.PROPOSAL_BLOCK);
      int base = my.base();
      int held = my.held();
      double[] z = new double[held * dim];
      for (int pb = my.first(); pb <= my.last(); pb++) {
        ScoreEvaluator.drawProposalBlock(r, rs, iteration, pb, n, z, base);
      }
      double[] logP = new double[held];
      double[] scores = new double[held * dim];
      evaluateRange(target, z, base, my.from(), my.to(), logP, scores, base);
      double[] logW;
      if (tempered == null) {
        logW = new double[held];
        ScoreEvaluator.importanceLogWeights(r, z, logP, logW, my.from(), my.to(), base);
        part.logWeights.put(my.from(), Arrays.copyOfRange(logW, my.from() - base,
            my.to() - base));
      } else {
        // This task's share of the driver's weights.
        logW = Arrays.copyOfRange(tempered.value(), base, base + held);
      }
      fold(part.sums, basis.value(), mine, block, z, scores, logW, n, base);
      return part;
    }
  }

  /**
   * A value the tasks of one job share. Up to {@value #INLINE_BYTES} bytes it travels inside the
   * task itself, which Spark broadcasts with the job (once per executor and job, cleaned up by
   * Spark); larger values get their own broadcast, read once per executor and destroyed after the
   * job. A broadcast of its own costs about 1.5 ms per job on the driver (creating, storing and
   * destroying it; docs/benchmarks.md), as much as the experts' bytes themselves at K = 64,
   * D = 10.
   */
  static final class Shared<T> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** Values inside the task up to this size; Spark warns of task binaries above 1000 KiB. */
    static final long INLINE_BYTES = 256 * 1024;
    private final T value;
    private final Broadcast<T> broadcast;

    private Shared(T value, Broadcast<T> broadcast) {
      this.value = value;
      this.broadcast = broadcast;
    }

    /** {@code value} (about {@code bytes} serialized), inside the task or broadcast. */
    static <T> Shared<T> of(JavaSparkContext sc, T value, long bytes) {
      return bytes <= INLINE_BYTES ? new Shared<>(value, null)
          : new Shared<>(null, sc.broadcast(value));
    }

    /** An existing broadcast, destroyed with the job. */
    static <T> Shared<T> of(Broadcast<T> broadcast) {
      return new Shared<>(null, broadcast);
    }

    T value() {
      return broadcast == null ? value : broadcast.value();
    }

    void destroy() {
      if (broadcast != null) {
        broadcast.destroy();
      }
    }
  }

  /** The experts in their score metric, shared by a job's tasks. */
  private Shared<List<Expert>> basis(List<Expert> experts) {
    int k = experts.size();
    int dim = experts.get(0).dim();
    // Location, Λ, Λ·location and a null-space basis per expert, and the metric's factor.
    long bytes = 8L * ((long) k * (2L * dim * dim + 2L * dim) + (long) dim * dim);
    return Shared.of(sc, org.poevi.family.ScoreBasis.copyOf(experts), bytes);
  }

  /**
   * A task's points: [from, to), its accumulation blocks, and the blocks of {@code drawBlock}
   * points that cover them (draw blocks first..last, points [base, base + held)), which it draws
   * or moves and holds.
   */
  private record Share(int from, int to, int first, int last, int base, int held) {
    /** The share of accumulation blocks {@code mine} (ascending, contiguous, not empty). */
    static Share of(List<Integer> mine, int block, int n, int drawBlock) {
      int from = mine.get(0) * block;
      int to = Math.min(n, (mine.get(mine.size() - 1) + 1) * block);
      int first = from / drawBlock;
      int last = (to - 1) / drawBlock;
      int base = first * drawBlock;
      return new Share(from, to, first, last, base, Math.min(n, (last + 1) * drawBlock) - base);
    }
  }

  /** A partition's block indices, in order. */
  private static List<Integer> mine(java.util.Iterator<Integer> indices) {
    List<Integer> mine = new ArrayList<>();
    indices.forEachRemaining(mine::add);
    return mine;
  }

  /**
   * Runs Spark actions under a job description naming the fit's stage (the Spark UI shows the
   * fit's progress); a failure on an executor becomes the one-line error it was there (Spark
   * rethrows it as a checked SparkException holding the original's message); the broadcasts are
   * destroyed afterwards, whatever happened.
   */
  private <T> T job(String description, java.util.function.Supplier<T> actions,
      Shared<?>... shared) {
    sc.setJobDescription("poevi " + stage + ": " + description);
    try {
      return actions.get();
    } catch (Exception e) {
      throw unwrap(e);
    } finally {
      sc.setJobDescription(null);
      RuntimeException failed = null;
      for (Shared<?> v : shared) {
        try {
          v.destroy();
        } catch (RuntimeException e) {
          failed = failed == null ? e : failed;
        }
      }
      if (failed != null) {
        throw failed;
      }
    }
  }

  /**
   * The partitions' results merged on the driver, in partition order (their sums are partial
   * sums over a fixed tree on the block indices, so the order never changes a bit).
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

  /**
   * log p̃ and scores of points [from, to) (the contract enforced), point i read at index
   * i − zBase of z and written at index i − outBase of logP and scores.
   */
  private static void evaluateRange(Target t, double[] z, int zBase, int from, int to,
      double[] logP, double[] scores, int outBase) {
    int dim = t.dim();
    double[] x = new double[dim];
    double[] g = new double[dim];
    for (int i = from; i < to; i++) {
      System.arraycopy(z, (i - zBase) * dim, x, 0, dim);
      logP[i - outBase] = LocalScoreEvaluator.evaluateOne(t, x, g, i);
      System.arraycopy(g, 0, scores, (i - outBase) * dim, dim);
    }
  }

  /**
   * Adds the sums of accumulation blocks {@code mine} (of {@code block} points) to {@code acc};
   * z, scores and logW hold the points from point {@code base} on.
   */
  private static void fold(DyadicSum<ScoreSums> acc, List<Expert> experts, List<Integer> mine,
      int block, double[] z, double[] scores, double[] logW, int n, int base) {
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
          dim, k, base));
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
