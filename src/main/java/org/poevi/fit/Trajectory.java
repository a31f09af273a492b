package org.poevi.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The MALA population's moves during the α-iterations, kept so that a later fit from the same
 * population reads them instead of evaluating the target again. The moves do not depend on α or
 * on the pool: iteration t moves the chains of iteration t − 1 by the frozen kernel with the
 * streams keyed by t ({@link MoveTask#moveAndSum}). So every fit that starts from the same
 * population, as experts.axes = auto's later rounds do, would draw the same chains at iteration
 * t, and only its score sums over its own pool differ ({@link PopulationBatches}). Its results
 * are the same bits; it costs no evaluations for the iterations already recorded.
 *
 * <p>Iterations are recorded in order, from 1, while their chains fit in {@code maxBytes}: a
 * later fit goes past the last recorded iteration by moving the chains as before. Shared by the
 * fits of one run on the driver; the chains' arrays are never written once made ({@link
 * Chains}), so recording keeps references, not copies.
 */
final class Trajectory {
  /**
   * The default bound on the recorded chains: about 12 iterations of the 6,400 chains of a D = 50
   * population (positions, log p̃ and scores), 200 of a D = 3 one.
   */
  static final long MAX_BYTES = 64L << 20;

  /** Records nothing: for fits that no later fit follows. */
  static final Trajectory NONE = new Trajectory(0);

  private final long maxBytes;
  private final List<MoveTask.Moved> moves = new ArrayList<>();
  private long bytes;

  Trajectory(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Iteration {@code t}'s moves (from 1), if recorded. */
  synchronized Optional<MoveTask.Moved> at(int t) {
    return t >= 1 && t <= moves.size() ? Optional.of(moves.get(t - 1)) : Optional.empty();
  }

  /**
   * Records iteration {@code t}'s moves when they are the next ones and fit in the bound; once one
   * does not fit, the record stops growing.
   */
  synchronized void record(int t, MoveTask.Moved moved) {
    long more = moved.chains().bytes();
    if (t == moves.size() + 1 && bytes + more <= maxBytes) {
      moves.add(new MoveTask.Moved(moved.chains(), moved.accepted(), moved.movedChains(), null));
      bytes += more;
    }
  }

  /** The iterations recorded. */
  synchronized int size() {
    return moves.size();
  }
}
