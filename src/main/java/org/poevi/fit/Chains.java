package org.poevi.fit;

import java.io.Serializable;

/**
 * A population of n MALA chains in D dimensions: positions, log p̃ and scores there. Immutable by
 * convention: moves make new arrays; the arrays are read, never written, once the chains exist.
 *
 * @param z n×D row-major
 * @param logP n
 * @param scores n×D row-major
 */
public record Chains(double[] z, double[] logP, double[] scores, int dim) implements Serializable {
  public int size() {
    return logP.length;
  }

  /** Bytes of the three arrays, about their serialized size. */
  long bytes() {
    return 8L * (z.length + logP.length + scores.length);
  }
}
