package org.poevi.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.poevi.targets.glm.RowBlock;
import scala.Tuple2;

/**
 * A DataFrame's rows into poevi's blocks without moving them: block k holds the rows numbered
 * [k·B, (k + 1)·B) in the frame's order, whatever the partitioning, so the sums over blocks are
 * the same bits for any. Once the rows of each partition are counted, a partition, whose rows
 * are a contiguous run of those numbers, makes the blocks that lie inside it where it is, and
 * pieces of the at most two blocks it shares with its neighbours; only those pieces (fewer than
 * 2·B rows per partition) are shuffled and joined.
 */
final class BlockPieces {
  private BlockPieces() {}

  /** The rows [offset, offset + count) of {@code total}: one piece per block they touch. */
  static Iterator<RowBlock> pieces(Iterator<Row> rows, long offset, long count, long total,
      FrameRows.Spec spec, int width, int blockRows) {
    List<RowBlock> out = new ArrayList<>();
    long next = offset;
    long end = offset + count;
    while (next < end) {
      int index = (int) (next / blockRows);
      long blockEnd = Math.min(Math.min((long) (index + 1) * blockRows, total), end);
      out.add(piece(index, next, (int) (blockEnd - next), rows, spec, width));
      next = blockEnd;
    }
    return out.iterator();
  }

  /** Whether {@code piece} is its whole block. */
  static boolean whole(RowBlock piece, long total, int blockRows) {
    long first = (long) piece.index() * blockRows;
    return piece.firstRow() == first && piece.rows() == Math.min(blockRows, total - first);
  }

  /**
   * The pieces as cached blocks: whole ones where they are, the others joined by a shuffle of
   * just them ({@code partitions} ≤ 0: {@code pieces} is read twice, so the caller persists it
   * until the blocks are materialised); or every block moved into {@code partitions} contiguous
   * runs (partitions > 0).
   */
  static JavaRDD<RowBlock> blocks(JavaRDD<RowBlock> pieces, long total, int blockRows,
      int numBlocks, int partitions) {
    if (partitions > 0) {
      return pieces.mapToPair(p -> new Tuple2<>(p.index(), p))
          .groupByKey(new SparkRowData.ContiguousBlocks(numBlocks, Math.min(partitions,
              numBlocks)))
          .map(group -> join(group._2()))
          .persist(StorageLevel.MEMORY_AND_DISK());
    }
    JavaRDD<RowBlock> split = pieces.filter(p -> !whole(p, total, blockRows));
    int shared = Math.max(1, Math.min(pieces.getNumPartitions(), numBlocks));
    JavaRDD<RowBlock> joined = split.mapToPair(p -> new Tuple2<>(p.index(), p))
        .groupByKey(shared).map(group -> join(group._2()));
    return pieces.filter(p -> whole(p, total, blockRows)).union(joined)
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** One block from its pieces (any order), rows in order. */
  static RowBlock join(Iterable<RowBlock> parts) {
    List<RowBlock> list = new ArrayList<>();
    parts.forEach(list::add);
    if (list.size() == 1) {
      return list.get(0);
    }
    Collections.sort(list, Comparator.comparingLong(RowBlock::firstRow));
    RowBlock head = list.get(0);
    int n = 0;
    for (RowBlock p : list) {
      n += p.rows();
    }
    int columns = head.columns();
    double[] x = new double[n * columns];
    double[] y = new double[n];
    double[] weight = head.weight() == null ? null : new double[n];
    double[] offset = head.offset() == null ? null : new double[n];
    int at = 0;
    for (RowBlock p : list) {
      for (int j = 0; j < columns; j++) {
        System.arraycopy(p.x(), j * p.rows(), x, j * n + at, p.rows());
      }
      System.arraycopy(p.y(), 0, y, at, p.rows());
      if (weight != null) {
        System.arraycopy(p.weight(), 0, weight, at, p.rows());
      }
      if (offset != null) {
        System.arraycopy(p.offset(), 0, offset, at, p.rows());
      }
      at += p.rows();
    }
    return new RowBlock(head.index(), head.firstRow(), n, columns, x, y, weight, offset);
  }

  /**
   * The next {@code n} rows (values in {@link FrameRows.Spec#selected} order, checked) as block
   * {@code index}'s piece starting at row {@code firstRow}.
   */
  static RowBlock piece(int index, long firstRow, int n, Iterator<Row> rows,
      FrameRows.Spec spec, int width) {
    int lead = spec.intercept() ? 1 : 0;
    int columns = width + lead;
    double[] x = new double[n * columns];
    double[] y = new double[n];
    double[] weight = spec.weight() == null ? null : new double[n];
    double[] offset = spec.offset() == null ? null : new double[n];
    for (int i = 0; i < n; i++) {
      // Spark's row iterators move on in hasNext().
      if (!rows.hasNext()) {
        throw new IllegalStateException("the DataFrame changed between two passes: fewer rows"
            + " than counted (is it deterministic?)");
      }
      Row row = rows.next();
      y[i] = ((Number) row.get(0)).doubleValue();
      if (lead == 1) {
        x[i] = 1;
      }
      int at = 1;
      if (spec.features() == null) {
        for (int j = 0; j < width; j++) {
          x[i + (lead + j) * n] = ((Number) row.get(at++)).doubleValue();
        }
      } else {
        Vector v = (Vector) row.get(at++);
        for (int j = 0; j < width; j++) {
          x[i + (lead + j) * n] = v.apply(j);
        }
      }
      if (weight != null) {
        weight[i] = ((Number) row.get(at++)).doubleValue();
      }
      if (offset != null) {
        offset[i] = ((Number) row.get(at)).doubleValue();
      }
    }
    return new RowBlock(index, firstRow, n, columns, x, y, weight, offset);
  }
}
