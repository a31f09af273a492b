package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.InvalidInputException;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.LogisticLikelihood;
import org.poevi.targets.glm.RowBlock;
import org.poevi.targets.glm.RowData;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * Data sources beyond the extension (issue #16): any Spark format (target.data.format, with
 * reader options), a directory written by Spark, a catalog table (target.data.table), read on
 * Spark or into this JVM for a fit without Spark (--master none); each gives the written rows,
 * in order, so the likelihood sums equal those of the rows in memory bit for bit. And a fit
 * without Spark writes the model.json of the fit on Spark, byte for byte.
 */
class DataSourcesTest {
  private static final SyntheticLogisticData DATA = new SyntheticLogisticData(
      2 * SyntheticLogisticData.BLOCK_ROWS + 300, 3, true, 5);

  @TempDir
  Path dir;

  /** The synthetic rows (without the intercept column) as text: y, x1, ..., xP, separated. */
  static Path csv(Path file, SyntheticLogisticData data, String separator) throws IOException {
    StringBuilder text = new StringBuilder("y");
    for (int j = 1; j <= data.predictors(); j++) {
      text.append(separator).append('x').append(j);
    }
    text.append('\n');
    for (int b = 0; b < data.numBlocks(); b++) {
      RowBlock block = data.block(b);
      for (int i = 0; i < block.rows(); i++) {
        text.append(block.y()[i]);
        for (int j = 1; j <= data.predictors(); j++) {
          text.append(separator).append(block.x()[i + j * block.rows()]);
        }
        text.append('\n');
      }
    }
    return Files.writeString(file, text);
  }

  private static DataFile path(Path path, String format, Map<String, String> options) {
    return new DataFile(path.toString(), null, format, options, "y", List.of("x1", "x2", "x3"),
        true, DataFile.ResponseKind.BINARY);
  }

  private static DataFile table(String name) {
    return new DataFile(null, name, null, Map.of(), "y", List.of("x1", "x2", "x3"), true,
        DataFile.ResponseKind.BINARY);
  }

  private static SparkSession session() {
    return SparkSession.builder().sparkContext(SparkTestContext.get().sc()).getOrCreate();
  }

  @Test
  void formatsDirectoriesAndTablesGiveTheWrittenRowsOnSparkAndInThisJvm() throws IOException {
    Path text = csv(dir.resolve("rows.dat"), DATA, ";");
    DataFile semicolons = path(text, "csv", Map.of("sep", ";"));
    Dataset<Row> frame = session().read().option("header", true).option("inferSchema", true)
        .option("sep", ";").csv(text.toString());
    // Directories as Spark writes them, one part file each so that file order is row order.
    Path orc = dir.resolve("orc-rows");
    Path parquet = dir.resolve("parquet-rows");
    frame.coalesce(1).write().orc(orc.toString());
    frame.coalesce(1).write().parquet(parquet.toString());
    frame.createOrReplaceTempView("poevi_data_sources_test");
    int n = 11;
    double[] z = new double[n * 4];
    Random rng = new Random(3);
    for (int i = 0; i < z.length; i++) {
      z[i] = 0.4 * rng.nextGaussian();
    }
    LogisticLikelihood lik = new LogisticLikelihood(4);
    double[] expected = InMemoryRowData.of(DATA, 2).sums(lik, z, n);
    for (DataFile file : List.of(semicolons, path(orc, "orc", Map.of()),
        path(parquet, "PARQUET", Map.of()), table("poevi_data_sources_test"))) {
      try (SparkRowData rows = SparkRowData.read(SparkTestContext.get(), file, 3)) {
        assertEquals(DATA.rows(), rows.rows());
        assertArrayEquals(expected, rows.sums(lik, z, n), 0.0, file.source() + " on Spark");
      }
      RowData local = LocalRows.read(file, 2);
      assertEquals(DATA.rows(), local.rows());
      assertArrayEquals(expected, local.sums(lik, z, n), 0.0, file.source() + " in this JVM");
    }
    assertFalse(SparkTestContext.get().sc().isStopped(), "the running context is left running");
    assertTrue(SparkTestContext.get().getPersistentRDDs().isEmpty(), "nothing left cached");
  }

  private static void assertError(DataFile file, String message) {
    for (boolean local : new boolean[] {false, true}) {
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> {
        if (local) {
          LocalRows.read(file, 1);
        } else {
          SparkRowData.read(SparkTestContext.get(), file, 2).close();
        }
      });
      assertEquals(message, e.getMessage(), local ? "in this JVM" : "on Spark");
    }
  }

  @Test
  void unknownFormatsMissingTablesAndBadRowsAreOneLineErrors() throws IOException {
    Path text = csv(dir.resolve("rows.dat"), DATA, ",");
    assertError(path(text, "xyz", Map.of()), "target.data.format: unknown data source \"xyz\""
        + " (Spark has csv, json, parquet, orc and text; others, such as avro or delta, need"
        + " their package on the class path)");
    assertError(path(text, "avro", Map.of()), "target.data.format: unknown data source \"avro\""
        + " (Spark has csv, json, parquet, orc and text; others, such as avro or delta, need"
        + " their package on the class path)");
    assertError(table("no_such_table"), "target.data.table: no table or view \"no_such_table\""
        + " in the Spark catalog");
    assertError(path(text, "parquet", Map.of()), "target.data.path: cannot read " + text
        + " as parquet: [FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER] Encountered error while"
        + " reading file file:" + text + ". Could not read footer. Please ensure that the file"
        + " is in either ORC or Parquet format.");
    Path bad = Files.writeString(dir.resolve("bad.txt"), "y;x1;x2;x3\n1;0.5;1;2\n0;NaN;1;2\n");
    assertError(path(bad, "csv", Map.of("sep", ";")),
        "target.data.path: row 2 of " + bad + ": column \"x1\" is NaN");
    Path empty = Files.writeString(dir.resolve("empty.txt"), "y,x1,x2,x3\n");
    assertError(path(empty, "csv", Map.of()), "target.data.path: " + empty + " has no rows");
    assertFalse(SparkTestContext.get().sc().isStopped());
  }

  /** In this JVM the rows may take a quarter of the heap: beyond that, one line names the limit. */
  @Test
  void moreRowsThanAQuarterOfTheHeapHoldsIsAOneLineError() throws IOException {
    SparkTestContext.get();
    DataFile file = path(csv(dir.resolve("rows.csv"), DATA, ","), null, Map.of());
    // A row of 4 columns and a response takes 40 bytes: a quarter of 160,000 holds 1000 rows.
    assertEquals(1000, LocalRows.maxRows(4, 160_000));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> LocalRows.read(file, 1, 160_000));
    assertEquals("target.data.path: " + file.path() + " has more than 1000 rows: --master none"
        + " holds at most that many rows of 4 columns (25% of this JVM's 0 MB heap); run on Spark"
        + " (e.g. --master local[*]) or give the JVM more heap (-Xmx)", e.getMessage());
    assertEquals(DATA.rows(), LocalRows.read(file, 1, DATA.rows() * 40 * 4).rows(),
        "the rows fit a quarter of a heap of 4 times their 40 bytes a row exactly");
  }

  /**
   * A fit without Spark (--master none) reads the file on a throwaway local[1] context, stops
   * it, and writes the model.json and draws.csv of the fit on Spark (local[2], 2 partitions)
   * byte for byte; with a context already running, it reads on that one and leaves it running.
   */
  @Test
  void aFitWithoutSparkIsTheFitOnSparkByteForByte() throws IOException {
    Path text = csv(dir.resolve("rows.txt"), new SyntheticLogisticData(1500, 2, true, 8), "\t");
    String config = String.join("\n", "target { type = logistic-regression, data { path = \""
        + text + "\", format = csv, options { sep = \"\\t\" }, response = y,"
        + " predictors = [x1, x2] } }", "experts.count = 8", "init.gaussian-rounds = 2",
        "init.gaussian-draws = 2000", "init.mode-starts = 4", "fit.iterations = 2",
        "fit.batch-size = 600", "output.draws = 1000", "output.plots = false",
        "spark.partitions = 2");
    SparkTestContext.stop();
    try (Poevi poevi = Poevi.local().quiet()) {
      poevi.fit(config).save(dir.resolve("none"));
    }
    // Spark starts a context only when none is running (SPARK-2243): the throwaway is stopped.
    try (Poevi poevi = Poevi.on(session()).quiet()) {
      poevi.fit(config).save(dir.resolve("spark"));
    }
    try (Poevi poevi = Poevi.local().quiet()) {
      poevi.fit(config).save(dir.resolve("none-again"));
    }
    assertFalse(SparkTestContext.get().sc().isStopped(), "the running context is left running");
    for (String file : List.of("model.json", "draws.csv")) {
      byte[] spark = Files.readAllBytes(dir.resolve("spark").resolve(file));
      assertArrayEquals(spark, Files.readAllBytes(dir.resolve("none").resolve(file)), file);
      assertArrayEquals(spark, Files.readAllBytes(dir.resolve("none-again").resolve(file)), file);
    }
  }
}
