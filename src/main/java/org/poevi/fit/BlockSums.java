package org.poevi.fit;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-block {@link ScoreSums} keyed by block index, for reductions whose grouping is not fixed
 * (Spark partitions, tree aggregation): {@link #merge} only unions the blocks, and {@link #total}
 * folds them in block-index order, exactly as {@link ScoreAccumulation} folds its blocks. The
 * total is therefore bit-identical however the blocks were grouped (SPEC §6: plain double sums
 * merged in partition order differ in the last bits, and resampling or accept/reject decisions
 * turn such bits into different fits). An accumulator with an identity ({@link #BlockSums()}),
 * {@link #add} and {@link #merge}.
 */
public final class BlockSums implements Serializable {
  private static final long serialVersionUID = 1L;

  private final TreeMap<Integer, ScoreSums> blocks = new TreeMap<>();

  /** The block's sums; each block index at most once. */
  public BlockSums add(int block, ScoreSums sums) {
    if (blocks.putIfAbsent(block, sums) != null) {
      throw new IllegalStateException("block " + block + " was accumulated twice");
    }
    return this;
  }

  /** Adds {@code other}'s blocks into this one and returns this. */
  public BlockSums merge(BlockSums other) {
    for (Map.Entry<Integer, ScoreSums> e : other.blocks.entrySet()) {
      add(e.getKey(), e.getValue());
    }
    return this;
  }

  public int numBlocks() {
    return blocks.size();
  }

  /** The sum over all blocks, folded in block-index order from the empty sums. */
  public ScoreSums total(int numExperts) {
    ScoreSums total = ScoreSums.empty(numExperts);
    for (ScoreSums part : blocks.values()) {
      total.merge(part);
    }
    return total;
  }
}
