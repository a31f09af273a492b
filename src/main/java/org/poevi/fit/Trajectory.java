package org.poevi.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The batches of the α-iterations, kept so that a later fit on the same batches reads them
 * instead of evaluating the target again. Under p the batches do not depend on α or on the pool:
 * a MALA population's iteration t moves the chains of iteration t − 1 by the frozen kernel with
 * the streams keyed by t ({@link PopulationBatches}), and a weighted batch t is drawn from the
 * fixed proposal with the streams keyed by t ({@link ImportanceBatches}). So every fit that
 * starts from the same population or proposal, as experts.axes = auto's later rounds do, gets
 * the same points at iteration t, and only its score sums over its own pool differ. Its results
 * are the same bits; it costs no evaluations for the iterations recorded.
 *
 * <p>Iterations are recorded in order, from 1, while they fit in {@code maxBytes}: a later fit
 * goes past the last recorded iteration by evaluating as before. Shared by the fits of one run on
 * the driver; the recorded arrays are never written once made, so recording keeps references,
 * not copies.
 *
 * @param <T> what an iteration's batch leaves to read again
 */
final class Trajectory<T> {
  /**
   * The default bound on the recorded batches: about 12 iterations of the 6,400 chains of a
   * D = 50 population (positions, log p̃ and scores), 200 of a D = 3 one.
   */
  static final long MAX_BYTES = 64L << 20;

  private final long maxBytes;
  private final List<T> steps = new ArrayList<>();
  private long bytes;
  private boolean closed;
  /** An iteration did not fit: the record grows no more. */
  private boolean full;

  Trajectory(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A trajectory that records nothing: for fits that no later fit follows. */
  static <T> Trajectory<T> none() {
    return new Trajectory<>(0);
  }

  /** Iteration {@code t}'s batch (from 1), if recorded. */
  synchronized Optional<T> at(int t) {
    return t >= 1 && t <= steps.size() ? Optional.of(steps.get(t - 1)) : Optional.empty();
  }

  /**
   * Records iteration {@code t}'s batch, of {@code size} bytes, when it is the next one and fits
   * in the bound; once one does not fit, the record stops growing.
   */
  synchronized void record(int t, T step, long size) {
    if (closed || full || t != steps.size() + 1) {
      return;
    }
    if (bytes + size <= maxBytes) {
      steps.add(step);
      bytes += size;
    } else {
      full = true;
    }
  }

  /**
   * What a run's fits share: a population's moves, or the weighted batches' draws (one of them is
   * used; both record while their bound allows).
   */
  record Both(Trajectory<MoveTask.Moved> moves, Trajectory<ImportanceTask.Drawn> draws) {
    /** Records nothing. */
    static Both none() {
      return new Both(Trajectory.none(), Trajectory.none());
    }

    /** Records up to {@link #MAX_BYTES} each. */
    static Both bounded() {
      return new Both(new Trajectory<>(MAX_BYTES), new Trajectory<>(MAX_BYTES));
    }

    /** Closes both ({@link Trajectory#close}). */
    void close() {
      moves.close();
      draws.close();
    }
  }

  /**
   * Whether the record may still grow: it is open and no iteration has failed to fit (so a
   * caller that only gathers what the record needs, as a Spark run bringing its points back,
   * stops once it is full). A record with no room left, as {@link #none}'s, never grows: that
   * is what {@code bytes < maxBytes} says before any iteration has failed to fit.
   */
  synchronized boolean recording() {
    return !closed && !full && bytes < maxBytes;
  }

  /** Forgets every recorded iteration and records no more: no later fit will read them. */
  synchronized void close() {
    steps.clear();
    closed = true;
  }

  /** The iterations recorded. */
  synchronized int size() {
    return steps.size();
  }
}
