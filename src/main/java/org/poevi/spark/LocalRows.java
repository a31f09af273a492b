package org.poevi.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.poevi.InvalidInputException;
import org.poevi.config.TargetReader;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.RowBlock;
import org.poevi.targets.glm.RowData;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * A data source's rows read into this JVM, for a fit without Spark ({@code --master none},
 * {@link Poevi#local()}) or evaluated on the driver. A small, plain CSV file is read here without
 * Spark ({@link PlainCsv}). Otherwise Spark's data sources do the reading, so every format and
 * table the Spark path reads works here: on the Spark context already running in this JVM (used
 * as it is and left running), else on a throwaway embedded {@code local[1]} context without a UI,
 * started for the read and stopped after it. The rows stream to the driver one partition at a
 * time, in the source's order, through {@link FrameRows}' checks into the same blocks that
 * {@link FrameRows#cache} caches on executors: the sums, and so the fit, are the same bits.
 *
 * <p>The rows live in the heap: at most {@value #HEAP_SHARE} of it (the design matrix and the
 * response, 8 bytes a number). A larger source is a one-line error naming the limit.
 */
public final class LocalRows {
  /** The share of the JVM's maximum heap that the rows may take. */
  static final double HEAP_SHARE = 0.25;

  private LocalRows() {}

  /**
   * The backend of a fit or an evaluation without Spark: synthetic rows generated here, a data
   * source's rows read here ({@link #read}), {@code announce} told of each source first.
   */
  public static TargetReader.DataBackend backend(int threads, Consumer<DataFile> announce) {
    return new TargetReader.DataBackend() {
      @Override
      public RowData rows(SyntheticLogisticData data) {
        return InMemoryRowData.of(data, threads);
      }

      @Override
      public RowData rows(DataFile file) {
        announce.accept(file);
        return read(file, threads);
      }
    };
  }

  /** As above, silently. */
  public static TargetReader.DataBackend backend(int threads) {
    return backend(threads, file -> { });
  }

  /**
   * The checked rows of {@code file}, as blocks in this JVM.
   *
   * @throws InvalidInputException one line naming the key, column or row (as on Spark), or the
   *     row limit
   */
  public static InMemoryRowData read(DataFile file, int threads) {
    return read(file, threads, Runtime.getRuntime().maxMemory());
  }

  /** As above, for a heap of {@code heapBytes} (the limit's test gives a small one). */
  static InMemoryRowData read(DataFile file, int threads, long heapBytes) {
    long maxRows = maxRows(file.columns(), heapBytes);
    String limit = file.sourceKey() + ": " + file.source() + " has more than " + maxRows
        + " rows: --master none holds at most that many rows of " + file.columns()
        + " columns (" + (int) (HEAP_SHARE * 100) + "% of this JVM's " + megabytes(heapBytes)
        + " heap); run on Spark (e.g. --master local[*]) or give the JVM more heap (-Xmx)";
    InMemoryRowData plain = plain(file, maxRows, threads,
        new org.apache.hadoop.conf.Configuration());
    if (plain != null) {
      return plain;
    }
    try (SparkContexts spark = SparkContexts.forReading()) {
      JavaSparkContext sc = spark.context();
      return collect(sc, SparkRowData.open(sc, file), FrameRows.Spec.of(file), maxRows, limit,
          threads);
    }
  }

  /** The rows of {@code columns} columns (and a response) that fit the heap's share. */
  static long maxRows(int columns, long heapBytes) {
    return (long) (HEAP_SHARE * heapBytes / (8.0 * (columns + 1)));
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%d MB", bytes >> 20);
  }

  /**
   * The frame's checked rows as blocks in this JVM, read in order one partition at a time; more
   * than {@code maxRows} rows is an error with the message {@code limit}.
   */
  static InMemoryRowData collect(JavaSparkContext sc, Dataset<Row> frame, FrameRows.Spec spec,
      long maxRows, String limit, int threads) {
    FrameRows.requireRows(frame, spec);
    FrameRows.requireColumns(frame, spec);
    int width = FrameRows.width(frame, spec);
    sc.setJobDescription("poevi: reading " + spec.source());
    try {
      return blocks(FrameRows.selected(frame, spec).toLocalIterator(), spec, width, maxRows,
          limit, threads);
    } catch (InvalidInputException e) {
      throw e;
    } catch (Exception e) {
      throw SparkScoreEvaluator.unwrap(e);
    } finally {
      sc.setJobDescription(null);
    }
  }

  /**
   * The rows of a small, plain CSV file ({@link PlainCsv}) as checked blocks in this JVM, read
   * without Spark; null when the file is not plain, has more than {@code maxRows} rows, or
   * {@code hadoop}'s default file system is not the local one (then Spark reads it). The blocks are those Spark's reading gives, bit for bit.
   *
   * @throws InvalidInputException one line naming the column and the row, as on Spark
   */
  static InMemoryRowData plain(DataFile file, long maxRows, int threads,
      org.apache.hadoop.conf.Configuration hadoop) {
    List<Row> rows = PlainCsv.read(file, maxRows, hadoop);
    if (rows == null) {
      return null;
    }
    FrameRows.Spec spec = FrameRows.Spec.of(file);
    return blocks(rows.iterator(), spec, spec.predictors().size(), maxRows, null, threads);
  }

  /** Checked rows in {@link FrameRows.Spec#selected} order as blocks of the fit's size. */
  private static InMemoryRowData blocks(Iterator<Row> it, FrameRows.Spec spec, int width,
      long maxRows, String limit, int threads) {
    int blockRows = SyntheticLogisticData.BLOCK_ROWS;
    List<RowBlock> blocks = new ArrayList<>();
    List<Row> pending = new ArrayList<>(blockRows);
    List<FrameRows.Column> selected = spec.selected();
    long rows = 0;
    while (it.hasNext()) {
      Row row = it.next();
      String[] problem = FrameRows.problem(row, spec, selected, width);
      if (problem != null) {
        throw new InvalidInputException(problem[0] + ": row " + (rows + 1) + " of "
            + spec.source() + ": " + problem[1]);
      }
      if (rows == maxRows) {
        throw new InvalidInputException(limit);
      }
      pending.add(row);
      rows++;
      if (pending.size() == blockRows) {
        blocks.add(FrameRows.block(blocks.size(), pending, blockRows, spec, width));
        pending.clear();
      }
    }
    if (!pending.isEmpty()) {
      blocks.add(FrameRows.block(blocks.size(), pending, blockRows, spec, width));
    }
    return new InMemoryRowData(blocks, threads);
  }
}
