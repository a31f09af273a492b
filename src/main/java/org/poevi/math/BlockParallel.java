package org.poevi.math;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs independent, numbered blocks of work on a fixed number of threads.
 *
 * <p>Each block must write only to its own slice of the output and draw only from a random stream
 * keyed by its index, so that the result does not depend on which thread ran which block. Each
 * thread owns one scratch object, allocated once, for allocation-free inner loops.
 */
public final class BlockParallel {
  private BlockParallel() {}

  /** The work for one block, given that thread's scratch. */
  @FunctionalInterface
  public interface BlockTask<S> {
    void run(int block, S scratch);
  }

  /** Default thread count: every core the JVM may use. */
  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Runs blocks 0..numBlocks−1 on up to {@code threads} threads and returns when all are done. The
   * first exception thrown by any block is rethrown (unchecked exceptions as they are).
   */
  public static <S> void forEach(int numBlocks, int threads, Supplier<S> scratchFactory,
      BlockTask<S> task) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    int workers = Math.min(threads, numBlocks);
    if (workers <= 1) {
      S scratch = numBlocks > 0 ? scratchFactory.get() : null;
      for (int b = 0; b < numBlocks; b++) {
        task.run(b, scratch);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable worker = () -> {
      S scratch = scratchFactory.get();
      int b;
      while (failure.get() == null && (b = next.getAndIncrement()) < numBlocks) {
        try {
          task.run(b, scratch);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }
    };
    Thread[] pool = new Thread[workers - 1];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = new Thread(worker, "poevi-block-" + i);
      pool[i].setDaemon(true);
      pool[i].start();
    }
    worker.run();
    for (Thread t : pool) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for block workers", e);
      }
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }
}
