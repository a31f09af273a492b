package org.poevi.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.poevi.InvalidInputException;
import org.poevi.targets.glm.RowBlock;
import scala.Tuple2;

/**
 * A DataFrame's rows into poevi's blocks without moving them: block k holds the rows numbered
 * [k·B, (k + 1)·B) in the frame's order, whatever the partitioning, so the sums over blocks are
 * the same bits for any. One pass over the rows checks each partition's and converts them into
 * chunks of B rows (cached), which counts them. Then a partition, whose rows are a contiguous run
 * of those numbers, cuts its chunks into the blocks that lie inside it, where it is, and pieces of
 * the at most two blocks it shares with its neighbours; only those pieces (fewer than 2·B rows
 * per partition) are shuffled and joined. The rows are read once; the cutting copies arrays.
 */
final class BlockPieces {
  private BlockPieces() {}

  /**
   * A partition's rows, checked, as chunks of at most {@code blockRows} rows in order (index:
   * the partition; firstRow: the row's place in the partition).
   *
   * @throws InvalidInputException at the partition's first row that cannot be used
   */
  static Iterator<RowBlock> chunks(int partition, Iterator<Row> rows, FrameRows.Spec spec,
      int width, int blockRows) {
    List<RowBlock> out = new ArrayList<>();
    int columns = width + (spec.intercept() ? 1 : 0);
    List<FrameRows.Column> selected = spec.selected();
    long local = 0;
    while (rows.hasNext()) {
      double[] x = new double[blockRows * columns];
      double[] y = new double[blockRows];
      double[] weight = spec.weight() == null ? null : new double[blockRows];
      double[] offset = spec.offset() == null ? null : new double[blockRows];
      int n = 0;
      for (; n < blockRows && rows.hasNext(); n++) {
        Row row = rows.next();
        String[] problem = FrameRows.problem(row, spec, selected, width);
        if (problem != null) {
          throw new InvalidInputException(problem[0] + ": row " + (local + n + 1)
              + " of partition " + partition + " of " + spec.source() + ": " + problem[1]);
        }
        fill(row, n, blockRows, spec, width, x, y, weight, offset);
      }
      out.add(n == blockRows ? new RowBlock(partition, local, n, columns, x, y, weight, offset)
          : new RowBlock(partition, local, n, columns, shrink(x, blockRows, n, columns),
              Arrays.copyOf(y, n), weight == null ? null : Arrays.copyOf(weight, n),
              offset == null ? null : Arrays.copyOf(offset, n)));
      local += n;
    }
    return out.iterator();
  }

  /** The first n rows of a column-major matrix whose columns are {@code stride} long. */
  private static double[] shrink(double[] x, int stride, int n, int columns) {
    double[] out = new double[n * columns];
    for (int j = 0; j < columns; j++) {
      System.arraycopy(x, j * stride, out, j * n, n);
    }
    return out;
  }

  /**
   * A partition's chunks, holding the rows [offset, offset + count) of {@code total}, cut into
   * one piece per block those rows touch.
   */
  static Iterator<RowBlock> cut(Iterator<RowBlock> chunks, long offset, long count, long total,
      int blockRows) {
    List<RowBlock> out = new ArrayList<>();
    Cursor cursor = new Cursor(chunks);
    long next = offset;
    long end = offset + count;
    while (next < end) {
      int index = (int) (next / blockRows);
      long blockEnd = Math.min(Math.min((long) (index + 1) * blockRows, total), end);
      out.add(cursor.take(index, next, (int) (blockEnd - next)));
      next = blockEnd;
    }
    return out.iterator();
  }

  /** Reads rows off a partition's chunks, in order. */
  private static final class Cursor {
    private final Iterator<RowBlock> chunks;
    private RowBlock chunk;
    private int at;

    Cursor(Iterator<RowBlock> chunks) {
      this.chunks = chunks;
    }

    /** The next n rows as block {@code index}'s piece starting at row {@code firstRow}. */
    RowBlock take(int index, long firstRow, int n) {
      next();
      int columns = chunk.columns();
      double[] x = new double[n * columns];
      double[] y = new double[n];
      double[] weight = chunk.weight() == null ? null : new double[n];
      double[] offset = chunk.offset() == null ? null : new double[n];
      for (int done = 0; done < n;) {
        next();
        int k = Math.min(n - done, chunk.rows() - at);
        for (int j = 0; j < columns; j++) {
          System.arraycopy(chunk.x(), j * chunk.rows() + at, x, j * n + done, k);
        }
        System.arraycopy(chunk.y(), at, y, done, k);
        if (weight != null) {
          System.arraycopy(chunk.weight(), at, weight, done, k);
        }
        if (offset != null) {
          System.arraycopy(chunk.offset(), at, offset, done, k);
        }
        at += k;
        done += k;
      }
      return new RowBlock(index, firstRow, n, columns, x, y, weight, offset);
    }

    /** Moves to the next chunk when this one is used up. */
    private void next() {
      if (chunk == null || at == chunk.rows()) {
        if (!chunks.hasNext()) {
          throw new IllegalStateException("a partition's chunks hold fewer rows than counted");
        }
        chunk = chunks.next();
        at = 0;
      }
    }
  }

  /** Whether {@code piece} is its whole block. */
  static boolean whole(RowBlock piece, long total, int blockRows) {
    long first = (long) piece.index() * blockRows;
    return piece.firstRow() == first && piece.rows() == Math.min(blockRows, total - first);
  }

  /**
   * The pieces as cached blocks: whole ones where they are, the others joined by a shuffle of
   * just them ({@code partitions} ≤ 0: {@code pieces} is computed twice, cheaply, from the
   * cached chunks); or every block moved into {@code partitions} contiguous runs (partitions >
   * 0).
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
    int columns = width + (spec.intercept() ? 1 : 0);
    double[] x = new double[n * columns];
    double[] y = new double[n];
    double[] weight = spec.weight() == null ? null : new double[n];
    double[] offset = spec.offset() == null ? null : new double[n];
    for (int i = 0; i < n; i++) {
      // Spark's row iterators move on in hasNext().
      if (!rows.hasNext()) {
        throw new IllegalStateException("fewer rows than counted");
      }
      fill(rows.next(), i, n, spec, width, x, y, weight, offset);
    }
    return new RowBlock(index, firstRow, n, columns, x, y, weight, offset);
  }

  /**
   * Row i's values (in {@link FrameRows.Spec#selected} order, checked) into column-major arrays
   * whose columns are {@code stride} long.
   */
  private static void fill(Row row, int i, int stride, FrameRows.Spec spec, int width,
      double[] x, double[] y, double[] weight, double[] offset) {
    int lead = spec.intercept() ? 1 : 0;
    y[i] = ((Number) row.get(0)).doubleValue();
    if (lead == 1) {
      x[i] = 1;
    }
    int at = 1;
    if (spec.features() == null) {
      for (int j = 0; j < width; j++) {
        x[i + (lead + j) * stride] = ((Number) row.get(at++)).doubleValue();
      }
    } else {
      Vector v = (Vector) row.get(at++);
      for (int j = 0; j < width; j++) {
        x[i + (lead + j) * stride] = v.apply(j);
      }
    }
    if (weight != null) {
      weight[i] = ((Number) row.get(at++)).doubleValue();
    }
    if (offset != null) {
      offset[i] = ((Number) row.get(at)).doubleValue();
    }
  }
}
