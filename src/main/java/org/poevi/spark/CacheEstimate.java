package org.poevi.spark;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.types.StructField;
import org.poevi.config.MemoryCheck;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Before a data set's rows are cached on the executors: the memory they will take (rows ×
 * values per row × 8 bytes, spread over the executors) against the storage memory each executor
 * has, and a one-line warning when they will not fit. Cached blocks that do not fit spill to
 * disk (the rows are cached MEMORY_AND_DISK), so the fit still runs, but every pass over the
 * rows then reads them back from disk.
 *
 * <p>The rows are counted without reading the data: Spark's row count when it has one (an
 * analysed table), the files' footers for Parquet and ORC, the files' bytes over the mean length
 * of the first lines for uncompressed CSV and JSON lines, else Spark's own size estimate over its
 * estimate of a row's width.
 */
final class CacheEstimate {
  /** The bytes read from the head of a text file to measure its lines. */
  private static final int HEAD_BYTES = 1 << 20;
  /** Spark's reserved memory, outside the unified memory pool (UnifiedMemoryManager). */
  private static final long RESERVED = 300L << 20;

  private CacheEstimate() {}

  /** A number of rows, counted ({@code exact}) or estimated. */
  record Rows(long count, boolean exact) {}

  /** The executors' storage memory: bytes each can cache, and where the number comes from. */
  record Storage(int executors, long bytesEach, String setting) {}

  /**
   * The warning for {@code values} numbers per row of the rows of {@code frame}, or null when
   * they fit (or neither their number nor the executors' memory can be known without reading).
   */
  static String warning(JavaSparkContext sc, Dataset<Row> frame, int values, int partitions,
      String source) {
    Rows rows;
    try {
      rows = rows(frame, sc.hadoopConfiguration());
    } catch (RuntimeException e) {
      // A source that fails here fails the read that follows, with a one-line error.
      rows = null;
    }
    Storage storage = storage(sc);
    return rows == null || storage == null ? null
        : message(rows, values, partitions, storage, source);
  }

  /** Gives {@code warning} to {@code warnings} unless it is null. */
  static void warn(String warning, java.util.function.Consumer<String> warnings) {
    if (warning != null) {
      warnings.accept(warning);
    }
  }

  /**
   * The warning for {@code rows} of {@code values} numbers spread over {@code partitions}
   * partitions (0: as the executors hold them) on the executors of {@code storage}, or null when
   * each executor's share fits its storage memory.
   */
  static String message(Rows rows, int values, int partitions, Storage storage, String source) {
    double bytes = (double) rows.count() * values * Double.BYTES;
    int holders = partitions > 0 ? Math.min(partitions, storage.executors())
        : storage.executors();
    double each = bytes / holders;
    if (each <= storage.bytesEach()) {
      return null;
    }
    return String.format(Locale.ROOT, "warning: the rows of %s need %s%s of memory (%s%d rows"
        + " × %d values × 8 bytes), %s on each of %d executor%s, more than the %s each can"
        + " cache: the blocks will spill to disk and every pass over them will read them back;"
        + " raise %s%s", source, rows.exact() ? "" : "about ", MemoryCheck.size(bytes),
        rows.exact() ? "" : "~", rows.count(), values, MemoryCheck.size(each), holders,
        holders == 1 ? "" : "s", MemoryCheck.size(storage.bytesEach()), storage.setting(),
        storage.executors() > 1 || !storage.setting().startsWith("spark.driver")
            ? " or add executors" : "");
  }

  /** The rows of {@code frame} without reading its data, or null when they cannot be known. */
  static Rows rows(Dataset<Row> frame, Configuration hadoop) {
    LogicalPlan plan = frame.queryExecution().optimizedPlan();
    scala.Option<scala.math.BigInt> known = plan.stats().rowCount();
    if (known.isDefined()) {
      return new Rows(known.get().longValue(), true);
    }
    HadoopFsRelation files = fileRelation(plan);
    if (files != null) {
      String format = files.fileFormat().getClass().getSimpleName();
      if (format.startsWith("Parquet") || format.startsWith("Orc")) {
        // Only the footers are read: the count prunes every column.
        return new Rows(frame.count(), true);
      }
      if (format.startsWith("CSV") || format.startsWith("Json")) {
        Rows lines = lines(files.location().inputFiles(), files.sizeInBytes(), hadoop);
        if (lines != null) {
          return lines;
        }
      }
    }
    long size = plan.stats().sizeInBytes().longValue();
    long perRow = 8;
    for (StructField field : frame.schema().fields()) {
      perRow += field.dataType().defaultSize();
    }
    // Spark's estimate for a size it does not know is spark.sql.defaultSizeInBytes (huge).
    return size <= 0 || size >= Long.MAX_VALUE / 2 ? null : new Rows(size / perRow, false);
  }

  /** The relation of a plan that reads files and nothing else, or null. */
  private static HadoopFsRelation fileRelation(LogicalPlan plan) {
    List<LogicalPlan> leaves = new ArrayList<>(CollectionConverters.asJava(plan.collectLeaves()));
    if (leaves.size() == 1 && leaves.get(0) instanceof LogicalRelation logical
        && logical.relation() instanceof HadoopFsRelation files) {
      return files;
    }
    return null;
  }

  /**
   * About {@code totalBytes} over the mean length of the lines in the first
   * {@value #HEAD_BYTES} bytes of the first file; null for compressed files or too few lines.
   */
  static Rows lines(String[] files, long totalBytes, Configuration hadoop) {
    if (files.length == 0) {
      return null;
    }
    Path first = new Path(files[0]);
    if (new CompressionCodecFactory(hadoop).getCodec(first) != null) {
      return null;
    }
    byte[] head = new byte[HEAD_BYTES];
    int read = 0;
    try (InputStream in = FileSystem.get(first.toUri(), hadoop).open(first)) {
      for (int n; read < head.length && (n = in.read(head, read, head.length - read)) > 0; ) {
        read += n;
      }
    } catch (IOException e) {
      return null;
    }
    long newlines = 0;
    for (int i = 0; i < read; i++) {
      if (head[i] == '\n') {
        newlines++;
      }
    }
    if (read < head.length) {
      // The whole file: its lines, and the others' by the same length.
      long lines = newlines + (read > 0 && head[read - 1] != '\n' ? 1 : 0);
      return lines == 0 ? null : new Rows(Math.round((double) lines * totalBytes / read),
          files.length == 1);
    }
    return newlines < 2 ? null : new Rows(Math.round((double) totalBytes * newlines / read),
        false);
  }

  /**
   * The executors' storage memory: in local mode the driver's (it is the executor); else that of
   * the registered executors (the smallest), else, when none has registered yet, that which
   * spark.executor.memory and spark.executor.instances configure; null when unknown.
   */
  static Storage storage(JavaSparkContext sc) {
    boolean local = sc.isLocal();
    String driver = sc.sc().env().blockManager().blockManagerId().hostPort();
    long smallest = Long.MAX_VALUE;
    int executors = 0;
    // The block managers' (maximum, remaining) storage memory, asked of the master directly.
    for (var entry : CollectionConverters.asJava(sc.sc().getExecutorMemoryStatus()).entrySet()) {
      if (!local && entry.getKey().equals(driver)) {
        continue;
      }
      executors++;
      smallest = Math.min(smallest, (Long) entry.getValue()._1());
    }
    if (executors > 0) {
      return new Storage(executors, smallest, local
          ? "spark.driver.memory (local mode; JAVA_OPTS=-Xmx... with jobs/poevi)"
          : "spark.executor.memory");
    }
    org.apache.spark.SparkConf conf = sc.getConf();
    if (!conf.contains("spark.executor.instances")) {
      return null;
    }
    long memory = conf.getSizeAsBytes("spark.executor.memory", "1g");
    double fraction = conf.getDouble("spark.memory.fraction", 0.6);
    return new Storage(conf.getInt("spark.executor.instances", 1),
        (long) ((memory - RESERVED) * fraction), "spark.executor.memory");
  }
}
