package org.poevi.spark;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.poevi.config.FitConfig;
import org.poevi.config.TargetReader;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.RowData;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * Where a fit on Spark ({@link Poevi}) keeps a regression's rows: on the driver's threads when
 * they are at most {@code spark.driver-values} values (generated there, or read there from a
 * small, plain CSV file without starting Spark, or read by Spark and brought over), else cached on
 * the executors (added to {@code cached}). Spark is asked for, and so an embedded master started,
 * only when the rows need it.
 */
final class SparkBackend implements TargetReader.DataBackend {
  private final long driverValues;
  private final int threads;
  private final PrintWriter messages;
  private final List<SparkRowData> cached;
  private final Supplier<String> master;
  private final Supplier<JavaSparkContext> spark;
  private final IntSupplier partitions;
  private final Supplier<Configuration> hadoop;

  /**
   * @param hadoop the Hadoop configuration paths are resolved with: the running context's, or
   *     the defaults when Spark has not started
   */
  SparkBackend(FitConfig config, int threads, PrintWriter messages, List<SparkRowData> cached,
      Supplier<String> master, Supplier<JavaSparkContext> spark, IntSupplier partitions,
      Supplier<Configuration> hadoop) {
    this.driverValues = config.sparkDriverValues();
    this.threads = threads;
    this.messages = messages;
    this.cached = cached;
    this.master = master;
    this.spark = spark;
    this.partitions = partitions;
    this.hadoop = hadoop;
  }

  @Override
  public RowData rows(SyntheticLogisticData data) {
    if ((double) data.rows() * data.columns() <= driverValues) {
      return onDriver(InMemoryRowData.of(data, threads));
    }
    return cache(SparkRowData.generate(loading(), data, partitions.getAsInt(), this::warn));
  }

  @Override
  public RowData rows(DataFile file) {
    // A small, plain CSV file is read here, without Spark's start-up and jobs.
    InMemoryRowData plain = LocalRows.plain(file, driverValues / Math.max(1, file.columns()),
        threads, hadoop.get());
    if (plain != null) {
      return onDriver(plain);
    }
    SparkRowData rows = SparkRowData.read(loading(), file, partitions.getAsInt(), this::warn);
    RowData local = rows.forFit(driverValues, threads);
    if (local == rows) {
      return cache(rows);
    }
    rows.close();
    return onDriver(local);
  }

  private RowData onDriver(RowData rows) {
    messages.printf("poevi fit: %d rows × %d columns, evaluated on the driver's threads"
        + " (at most spark.driver-values = %d values)%n", rows.rows(), rows.columns(),
        driverValues);
    return rows;
  }

  private JavaSparkContext loading() {
    messages.printf("poevi fit: loading the data on Spark %s ...%n", master.get());
    messages.flush();
    return spark.get();
  }

  private void warn(String warning) {
    messages.println(warning);
    messages.flush();
  }

  private SparkRowData cache(SparkRowData rows) {
    cached.add(rows);
    if (rows.blasImplementations().size() > 1) {
      messages.println("warning: executors use different BLAS implementations "
          + rows.blasImplementations() + ": sums may differ in the last bits between"
          + " runs (install the same BLAS everywhere)");
    }
    return rows;
  }
}
