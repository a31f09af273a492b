package org.poevi.evaluator;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-point values that runs bring back for ranges of points (log weights, chains, evaluations),
 * keyed by the first point of each range so that merging in any order gives the same whole.
 * Each range holds one or more arrays with a fixed width per point (e.g. 1 for log p̃, D for z).
 */
public final class Ranges implements Serializable {
  private static final long serialVersionUID = 1L;
  private final TreeMap<Integer, double[][]> ranges = new TreeMap<>();

  /** Adds the values of points [from, from + n): {@code arrays[j]} has n·width_j numbers. */
  public void put(int from, double[]... arrays) {
    ranges.put(from, arrays);
  }

  /** Adds another run's ranges (disjoint from these) and returns this. */
  public Ranges merge(Ranges other) {
    ranges.putAll(other.ranges);
    return this;
  }

  /**
   * Writes array {@code j} of every range into {@code out} at its points, {@code width} numbers
   * per point.
   */
  public void copyInto(int j, double[] out, int width) {
    for (Map.Entry<Integer, double[][]> e : ranges.entrySet()) {
      double[] values = e.getValue()[j];
      System.arraycopy(values, 0, out, e.getKey() * width, values.length);
    }
  }
}
