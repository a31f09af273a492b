package org.poevi.math;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * An order-independent sum of values, one per numbered block: the sum over a fixed binary tree on
 * the block indices (SPEC §6). Node (level, i) covers blocks [i·2^level, (i+1)·2^level); its value
 * is its left child combined with its right child, in that order, or the one child that covers
 * any block. Blocks can arrive in any order and in any grouping ({@link #add}, {@link #merge}):
 * a node is formed only from its two canonical children, so the {@link #total} is bit-identical
 * however the blocks were spread over threads, partitions or executors. The values are
 * equal-length vectors ({@link #vectors}) or any other summary with a {@link Combiner}, such as
 * the QP's score sums.
 *
 * <p>A part that holds a contiguous run of blocks keeps at most about 2·log₂(blocks) nodes, so a
 * distributed reduction ships O(log blocks) values per partition, not one per block. Pairwise
 * summation also loses less to round-off than a left-to-right fold. An accumulator with an
 * identity ({@link #DyadicSum(int, Combiner)}), {@link #add} and {@link #merge}.
 *
 * @param <T> the summed values
 */
public final class DyadicSum<T> implements Serializable {
  private static final long serialVersionUID = 2L;

  /** How a left node and its right sibling combine into their parent. */
  @FunctionalInterface
  public interface Combiner<T> extends Serializable {
    /** left ⊕ right; may return either argument, added into (both are owned by the sum). */
    T combine(T left, T right);
  }

  /** Equal-length vectors, added element by element. */
  private enum VectorAdd implements Combiner<double[]> {
    INSTANCE;

    @Override
    public double[] combine(double[] left, double[] right) {
      if (left.length != right.length) {
        throw new IllegalArgumentException("vectors of lengths " + left.length + " and "
            + right.length);
      }
      for (int i = 0; i < left.length; i++) {
        left[i] += right[i];
      }
      return left;
    }
  }

  private final int blocks;
  private final int rootLevel;
  private final Combiner<T> combiner;
  /** Pending nodes keyed by (level, index). */
  private final Map<Long, T> nodes = new HashMap<>();

  /** The empty sum over {@code blocks} blocks (≥ 1), nodes combined by {@code combiner}. */
  public DyadicSum(int blocks, Combiner<T> combiner) {
    if (blocks < 1) {
      throw new IllegalArgumentException("blocks must be >= 1, got " + blocks);
    }
    this.blocks = blocks;
    this.rootLevel = 32 - Integer.numberOfLeadingZeros(blocks - 1);
    this.combiner = combiner;
  }

  /** The empty sum of equal-length vectors over {@code blocks} blocks (≥ 1). */
  public static DyadicSum<double[]> vectors(int blocks) {
    return new DyadicSum<>(blocks, VectorAdd.INSTANCE);
  }

  /**
   * Adds block {@code block}'s value, which this sum then owns (it may add into it). Each block
   * exactly once.
   */
  public DyadicSum<T> add(int block, T value) {
    if (block < 0 || block >= blocks) {
      throw new IllegalArgumentException("block " + block + " outside [0, " + blocks + ")");
    }
    insert(0, block, value);
    return this;
  }

  /**
   * Adds {@code other}'s nodes into this sum and returns this. {@code other} is consumed: its
   * values may be added into, and it is left empty.
   */
  public DyadicSum<T> merge(DyadicSum<T> other) {
    if (other == this) {
      throw new IllegalArgumentException("a sum cannot be merged with itself");
    }
    if (other.blocks != blocks) {
      throw new IllegalArgumentException("sums over " + blocks + " and " + other.blocks
          + " blocks");
    }
    Map<Long, T> taken = new HashMap<>(other.nodes);
    other.nodes.clear();
    for (Map.Entry<Long, T> e : taken.entrySet()) {
      long key = e.getKey();
      insert((int) (key >>> 32), (int) key, e.getValue());
    }
    return this;
  }

  /** Number of pending nodes (what a partial sum ships). */
  public int pendingNodes() {
    return nodes.size();
  }

  /**
   * The sum over every block.
   *
   * @throws IllegalStateException when some block has not been added
   */
  public T total() {
    T root = nodes.get(key(rootLevel, 0));
    if (root == null || nodes.size() != 1) {
      throw new IllegalStateException("the sum over " + blocks + " blocks is incomplete ("
          + nodes.size() + " partial nodes)");
    }
    return root;
  }

  private void insert(int level, int index, T value) {
    while (level < rootLevel) {
      int sibling = index ^ 1;
      long siblingStart = (long) sibling << level;
      if (siblingStart >= blocks) {
        // The sibling covers no block: this node is its parent's value as it is.
      } else {
        T other = nodes.remove(key(level, sibling));
        if (other == null) {
          break;
        }
        value = (index & 1) == 0 ? combiner.combine(value, other)
            : combiner.combine(other, value);
      }
      level++;
      index >>= 1;
    }
    if (nodes.putIfAbsent(key(level, index), value) != null) {
      throw new IllegalStateException("node (" + level + ", " + index + ") added twice: a block"
          + " was added more than once");
    }
  }

  private static long key(int level, int index) {
    return ((long) level << 32) | (index & 0xFFFFFFFFL);
  }
}
