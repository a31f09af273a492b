package org.poevi.fit;

import java.util.Arrays;
import java.util.List;
import org.poevi.evaluator.BlockRun;
import org.poevi.evaluator.BlockTask;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.evaluator.Shared;
import org.poevi.family.Expert;
import org.poevi.math.BlockParallel;
import org.poevi.math.RandomStreams;

/**
 * MALA steps of a population of chains by a frozen kernel (the one place the MALA step is
 * written: propose, evaluate the target at the proposals, accept), optionally followed by the
 * QP's sums over the moved chains with equal weights. Chains of different kernel blocks never
 * interact and block b's random numbers at step s come from the stream (MOVE, key, s, b), so
 * each run moves the kernel blocks covering its own blocks through every step where its points
 * are evaluated, and brings back its own chains, its partial sums and the moves' counts.
 */
public final class MoveTask implements BlockTask<MovedPart> {
  private static final long serialVersionUID = 1L;
  private final MalaKernel kernel;
  private final Shared<Chains> chains;
  /** The experts to fold the moved chains over, or null to move only. */
  private final Shared<List<Expert>> basis;
  private final long seed;
  private final long key;
  private final int firstStep;
  private final int steps;
  private final int block;
  private final int n;

  private MoveTask(MalaKernel kernel, Shared<Chains> chains, int n, Shared<List<Expert>> basis,
      long seed, long key, int firstStep, int steps, int block) {
    this.n = n;
    this.kernel = kernel;
    this.chains = chains;
    this.basis = basis;
    this.seed = seed;
    this.key = key;
    this.firstStep = firstStep;
    this.steps = steps;
    this.block = block;
  }

  /**
   * What moving a population did: the moved chains, the accepted proposals per step, the chains
   * that moved at least once, and the sums over the moved chains (when asked for).
   */
  public record Moved(Chains chains, long[] accepted, long movedChains, ScoreSums sums) {}

  /**
   * Moves the chains {@code steps} steps (numbered firstStep, firstStep + 1, …; streams keyed by
   * {@code key}); no sums.
   */
  static Moved move(ScoreEvaluator evaluator, MalaKernel kernel, Chains chains,
      RandomStreams streams, long key, int firstStep, int steps) {
    return run(evaluator, kernel, chains, null, streams, key, firstStep, steps,
        MalaKernel.BLOCK);
  }

  /**
   * One iteration of the under-p population: the chains moved {@code steps} steps (numbered from
   * 0), then the QP's sums over {@code experts} at the moved chains with equal weights: one
   * distributed job where the evaluator is distributed.
   */
  public static Moved moveAndSum(ScoreEvaluator evaluator, MalaKernel kernel, Chains chains,
      List<Expert> experts, RandomStreams streams, long key, int steps) {
    return run(evaluator, kernel, chains, experts, streams, key, 0, steps,
        ScoreAccumulation.blockSize(kernel.dim(), experts.size()));
  }

  /**
   * The QP's sums over {@code experts} at moves made before ({@link Trajectory}): the same job as
   * {@link #moveAndSum} with no steps, so the same blocks and the same bits, and no evaluations.
   */
  static Moved sumOver(ScoreEvaluator evaluator, MalaKernel kernel, Moved recorded,
      List<Expert> experts, RandomStreams streams, long key) {
    Moved summed = run(evaluator, kernel, recorded.chains(), experts, streams, key, 0, 0,
        ScoreAccumulation.blockSize(kernel.dim(), experts.size()));
    return new Moved(recorded.chains(), recorded.accepted(), recorded.movedChains(),
        summed.sums());
  }

  private static Moved run(ScoreEvaluator evaluator, MalaKernel kernel, Chains chains,
      List<Expert> experts, RandomStreams streams, long key, int firstStep, int steps,
      int block) {
    int n = chains.size();
    MovedPart part = evaluator.run((steps == 0 ? "recorded " + n + " chains" : steps
        + " MALA steps of " + n + " chains") + (experts == null ? ""
        : " and score sums over " + experts.size() + " experts"),
        sharing -> new MoveTask(kernel, sharing.share(chains, chains.bytes()), n,
            experts == null ? null : ExpertSharing.share(sharing, experts), streams.seed(), key,
            firstStep, steps, block));
    return new Moved(part.chains(n, kernel.dim()), part.accepted, part.moved,
        experts == null ? null : part.total());
  }

  @Override
  public int numBlocks() {
    return (n + block - 1) / block;
  }

  @Override
  public MovedPart run(BlockRun run) {
    MovedPart part = new MovedPart(steps, numBlocks(), basis == null ? 0
        : basis.value().size());
    if (run.isEmpty()) {
      return part;
    }
    Chains all = chains.value();
    int dim = all.dim();
    PointRange my = PointRange.of(run.first(), run.last(), block, n, MalaKernel.BLOCK);
    int base = my.base();
    int held = my.held();
    // This run's copies of the chains it moves, indexed from base.
    double[] z = Arrays.copyOfRange(all.z(), base * dim, (base + held) * dim);
    double[] logP = Arrays.copyOfRange(all.logP(), base, base + held);
    double[] scores = Arrays.copyOfRange(all.scores(), base * dim, (base + held) * dim);
    MalaKernel.Buffers buffers = new MalaKernel.Buffers(base, held, dim);
    boolean[] moved = new boolean[held];
    RandomStreams streams = RandomStreams.of(seed);
    for (int s = 0; s < steps; s++) {
      long step = firstStep + s;
      BlockParallel.forEach(my.drawBlocks(), run.threads(),
          () -> new double[kernel.scratchLength()],
          (i, scratch) -> kernel.propose(streams, key, step, my.drawFirst() + i, n, z, scores,
              buffers, scratch));
      run.target().evaluate(MalaKernel.proposals(buffers), base, base, base + held,
          MalaKernel.proposalLogDensities(buffers), MalaKernel.proposalScores(buffers), base);
      BlockParallel.forEach(my.drawBlocks(), run.threads(),
          () -> new double[kernel.scratchLength()],
          (i, scratch) -> kernel.accept(my.drawFirst() + i, n, z, logP, scores, buffers, moved,
              scratch));
      for (int i = my.from(); i < my.to(); i++) {
        part.accepted[s] += MalaKernel.accepted(buffers, i) ? 1 : 0;
      }
    }
    for (int i = my.from(); i < my.to(); i++) {
      part.moved += moved[i - base] ? 1 : 0;
    }
    if (basis != null) {
      ScoreAccumulation.fold(part.sums(), basis.value(), run.first(), run.last(), block, z,
          scores, new double[held], n, base, run.threads());
    }
    part.chains.put(my.from(), my.own(z, dim), my.own(logP, 1), my.own(scores, dim));
    return part;
  }

  @Override
  public MovedPart merge(MovedPart left, MovedPart right) {
    return left.merge(right);
  }

  @Override
  public long evaluations() {
    return (long) steps * n;
  }
}
