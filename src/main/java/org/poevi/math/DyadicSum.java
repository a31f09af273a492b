package org.poevi.math;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * An order-independent sum of equal-length vectors, one per numbered block: the sum over a fixed
 * binary tree on the block indices (SPEC §6). Node (level, i) covers blocks [i·2^level,
 * (i+1)·2^level); its value is its left child plus its right child, or the one child that covers
 * any block. Blocks can arrive in any order and in any grouping ({@link #add}, {@link #merge}):
 * a node is formed only from its two canonical children, so the {@link #total} is bit-identical
 * however the blocks were spread over threads, partitions or executors.
 *
 * <p>A part that holds a contiguous run of blocks keeps at most about 2·log₂(blocks) nodes, so a
 * distributed reduction ships O(log blocks) vectors per partition, not one per block. An
 * accumulator with an identity ({@link #DyadicSum(int)}), {@link #add} and {@link #merge}.
 */
public final class DyadicSum implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int blocks;
  private final int rootLevel;
  /** Pending nodes keyed by (level, index). */
  private final Map<Long, double[]> nodes = new HashMap<>();

  /** The empty sum over {@code blocks} blocks (≥ 1). */
  public DyadicSum(int blocks) {
    if (blocks < 1) {
      throw new IllegalArgumentException("blocks must be >= 1, got " + blocks);
    }
    this.blocks = blocks;
    this.rootLevel = 32 - Integer.numberOfLeadingZeros(blocks - 1);
  }

  /**
   * Adds block {@code block}'s vector, which this sum then owns (it may add into it). Each block
   * exactly once.
   */
  public DyadicSum add(int block, double[] value) {
    if (block < 0 || block >= blocks) {
      throw new IllegalArgumentException("block " + block + " outside [0, " + blocks + ")");
    }
    insert(0, block, value);
    return this;
  }

  /**
   * Adds {@code other}'s nodes into this sum and returns this. {@code other} is consumed: its
   * vectors may be added into, and it is left empty.
   */
  public DyadicSum merge(DyadicSum other) {
    if (other == this) {
      throw new IllegalArgumentException("a sum cannot be merged with itself");
    }
    if (other.blocks != blocks) {
      throw new IllegalArgumentException("sums over " + blocks + " and " + other.blocks
          + " blocks");
    }
    Map<Long, double[]> taken = new HashMap<>(other.nodes);
    other.nodes.clear();
    for (Map.Entry<Long, double[]> e : taken.entrySet()) {
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
  public double[] total() {
    double[] root = nodes.get(key(rootLevel, 0));
    if (root == null || nodes.size() != 1) {
      throw new IllegalStateException("the sum over " + blocks + " blocks is incomplete ("
          + nodes.size() + " partial nodes)");
    }
    return root;
  }

  private void insert(int level, int index, double[] value) {
    while (level < rootLevel) {
      int sibling = index ^ 1;
      long siblingStart = (long) sibling << level;
      if (siblingStart >= blocks) {
        // The sibling covers no block: this node is its parent's value as it is.
      } else {
        double[] other = nodes.remove(key(level, sibling));
        if (other == null) {
          break;
        }
        if (other.length != value.length) {
          throw new IllegalArgumentException("vectors of lengths " + value.length + " and "
              + other.length);
        }
        // Left + right; IEEE addition is commutative, so adding into either array is the same.
        for (int i = 0; i < value.length; i++) {
          value[i] += other[i];
        }
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
