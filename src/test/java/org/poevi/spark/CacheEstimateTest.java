package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * The memory estimate made before rows are cached (issue #21): the rows counted or estimated
 * without reading the data, the executors' storage memory, and the one-line warning when the
 * rows will not fit, given before the rows are read.
 */
class CacheEstimateTest {
  /** About 40 bytes a line: 2.4 MB of CSV, so its rows are estimated from its first MiB. */
  private static final SyntheticLogisticData DATA = new SyntheticLogisticData(60_000, 3, true,
      11);

  @TempDir
  Path dir;

  private static final CacheEstimate.Storage TWO = new CacheEstimate.Storage(2, 400L << 20,
      "spark.executor.memory");

  @Test
  void theWarningNamesTheSizesAndWhatToRaiseOnlyWhenTheRowsDoNotFit() {
    // 10^7 rows × 11 values × 8 bytes = 880 MB, 440 MB on each of 2 executors > 400 MiB each.
    String warning = CacheEstimate.message(new CacheEstimate.Rows(10_000_000, false), 11, 0,
        TWO, "big.csv");
    assertNotNull(warning);
    assertFalse(warning.contains("\n"), warning);
    assertTrue(warning.startsWith("warning: the rows of big.csv need about 839 MiB of memory"
        + " (~10000000 rows × 11 values × 8 bytes), 420 MiB on each of 2 executors, more than"
        + " the 400 MiB each can cache"), warning);
    assertTrue(warning.endsWith("raise spark.executor.memory or add executors"), warning);
    // 9·10^6 rows: 378 MiB on each, which fits.
    assertNull(CacheEstimate.message(new CacheEstimate.Rows(9_000_000, true), 11, 0, TWO, "x"));
    // One partition puts every block on one executor.
    assertNotNull(CacheEstimate.message(new CacheEstimate.Rows(9_000_000, true), 11, 1, TWO,
        "x"));
  }

  @Test
  void rowsAreCountedFromParquetFootersAndEstimatedFromTheLinesOfACsv() throws IOException {
    SparkSession session = SparkSession.builder().sparkContext(SparkTestContext.get().sc())
        .getOrCreate();
    JavaSparkContext sc = SparkTestContext.get();
    Path csv = DataSourcesTest.csv(dir.resolve("rows.csv"), DATA, ",");
    Dataset<Row> text = session.read().option("header", true).option("inferSchema", true)
        .csv(csv.toString());
    CacheEstimate.Rows fromLines = CacheEstimate.rows(text, sc.hadoopConfiguration());
    assertFalse(fromLines.exact());
    // The lines' lengths vary little (doubles printed in full); 5% covers the head's mean
    // line length against the file's, and the header counted as a row.
    assertEquals(DATA.rows(), fromLines.count(), 0.05 * DATA.rows());

    Path parquet = dir.resolve("rows.parquet");
    text.repartition(3).write().parquet(parquet.toString());
    Dataset<Row> columns = session.read().parquet(parquet.toString());
    assertEquals(new CacheEstimate.Rows(DATA.rows(), true), CacheEstimate.rows(columns,
        sc.hadoopConfiguration()));
    // A frame computed from the data: Spark's estimate, which exists for a file scan.
    assertNotNull(CacheEstimate.rows(columns.filter("y > 0"), sc.hadoopConfiguration()));
  }

  @Test
  void inLocalModeTheDriverIsTheExecutor() throws IOException {
    JavaSparkContext sc = SparkTestContext.get();
    CacheEstimate.Storage storage = CacheEstimate.storage(sc);
    assertEquals(1, storage.executors());
    assertTrue(storage.bytesEach() > 0 && storage.bytesEach() < Runtime.getRuntime()
        .maxMemory(), storage.toString());
    assertTrue(storage.setting().startsWith("spark.driver.memory"), storage.setting());
  }

  @Test
  void aReadThatWillNotFitTheStorageMemoryWarnsBeforeItAndStillCachesTheRows()
      throws IOException {
    Path csv = DataSourcesTest.csv(dir.resolve("rows.csv"), DATA, ",");
    DataFile file = new DataFile(csv.toString(), null, null, Map.of(), "y",
        List.of("x1", "x2", "x3"), true, DataFile.ResponseKind.BINARY);
    SparkTestContext.stop();
    // About 0.4 MB of storage memory in a 4 GB heap, for 2.4 MB of rows.
    // Spark's block storage logs every block it cannot keep in memory: expected here.
    Runnable unmute = SparkContexts.mute("org.apache.spark.storage");
    try (JavaSparkContext sc = new JavaSparkContext(SparkTestContext.conf("local[1]",
        "poevi-small-memory").set("spark.memory.fraction", "0.0001"))) {
      List<String> warnings = new ArrayList<>();
      try (SparkRowData rows = SparkRowData.read(sc, file, 2, warnings::add)) {
        // Spilled to disk, the rows are all there.
        assertEquals(DATA.rows(), rows.rows());
      }
      assertEquals(1, warnings.size(), warnings.toString());
      String warning = warnings.get(0);
      assertTrue(warning.startsWith("warning: the rows of " + csv + " need about 2"), warning);
      assertTrue(warning.endsWith("raise spark.driver.memory (local mode; JAVA_OPTS=-Xmx..."
          + " with jobs/poevi)"), warning);
    } finally {
      unmute.run();
    }
  }
}
