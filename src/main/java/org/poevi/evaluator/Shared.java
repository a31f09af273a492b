package org.poevi.evaluator;

import java.io.Serializable;

/**
 * A value the runs of one task share (the experts, a proposal, the points of the driver),
 * obtained from a {@link Sharing}: on this JVM a plain reference; on Spark inside the task or in
 * a broadcast, which the Spark evaluator destroys after the task's job.
 */
public interface Shared<T> extends Serializable {
  T value();
}
