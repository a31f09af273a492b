package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.InvalidInputException;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.RowBlock;

/**
 * Issue #18: a small, plain CSV file is read without Spark, and gives exactly Spark's rows (its
 * CSV source with a header and inferred types), or declines and leaves the file to Spark. Each
 * case here is read both ways and compared bit for bit, errors included.
 */
class PlainCsvTest {
  @TempDir
  Path dir;

  /** Hadoop's defaults: the local file system. */
  private static final org.apache.hadoop.conf.Configuration LOCAL =
      new org.apache.hadoop.conf.Configuration();

  private int files;

  /** The rows Spark's reading gives, as LocalRows reads them without the plain reader. */
  private static InMemoryRowData spark(DataFile file) {
    var sc = SparkTestContext.get();
    return LocalRows.collect(sc, SparkRowData.open(sc, file), FrameRows.Spec.of(file),
        Long.MAX_VALUE, "limit", 1);
  }

  private DataFile write(String text, DataFile.ResponseKind kind, String... predictors)
      throws IOException {
    Path path = Files.writeString(dir.resolve("rows" + files++ + ".csv"), text);
    return new DataFile(path.toString(), "y", List.of(predictors), true, kind);
  }

  /**
   * Reads the file both ways: when the plain reader accepts it, Spark gives the same blocks (or
   * the same error); returns whether it was accepted.
   */
  private static boolean sameAsSpark(DataFile file) {
    InMemoryRowData plain;
    try {
      plain = LocalRows.plain(file, 1_000_000, 1, LOCAL);
    } catch (InvalidInputException e) {
      InvalidInputException onSpark = assertThrows(InvalidInputException.class,
          () -> spark(file), file.path());
      assertEquals(onSpark.getMessage(), e.getMessage());
      return true;
    }
    if (plain == null) {
      return false;
    }
    InMemoryRowData expected = spark(file);
    assertEquals(expected.blocks().size(), plain.blocks().size());
    for (int b = 0; b < plain.blocks().size(); b++) {
      RowBlock want = expected.blocks().get(b);
      RowBlock got = plain.blocks().get(b);
      assertEquals(want.rows(), got.rows());
      assertArrayEquals(bits(want.x()), bits(got.x()), file.path());
      assertArrayEquals(bits(want.y()), bits(got.y()), file.path());
    }
    return true;
  }

  private static long[] bits(double[] values) {
    return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
  }

  /** A value as a CSV writer might print it, in one of a column's styles. */
  private static String value(Random rng, int style) {
    double x = rng.nextGaussian() * Math.pow(10, rng.nextInt(9) - 4);
    return switch (style) {
      case 0 -> Long.toString(rng.nextInt(2001) - 1000);                   // integers
      case 1 -> switch (rng.nextInt(6)) {                                   // awkward integers
        case 0 -> "-0";
        case 1 -> "+" + rng.nextInt(100);
        case 2 -> "00" + rng.nextInt(10);
        case 3 -> Long.toString(rng.nextLong() / 100);                      // 17-19 digits
        default -> Long.toString(rng.nextInt());
      };
      case 2 -> Double.toString(x);                                        // Java: 1.0E-4
      case 3 -> String.format(Locale.ROOT, "%.6g", x);                     // C: 1.23457e-05
      case 4 -> switch (rng.nextInt(7)) {                                   // mixed and odd
        case 0 -> Long.toString(rng.nextInt(50));
        case 1 -> "-0.0";
        case 2 -> "." + rng.nextInt(1000);
        case 3 -> rng.nextInt(10) + ".";
        case 4 -> "1.5E" + (rng.nextInt(40) - 20);
        case 5 -> String.format(Locale.ROOT, "%.17e", x);
        default -> Double.toString(x * 1e12);                              // 1.234E11
      };
      default -> rng.nextInt(5) + "e" + rng.nextInt(4);                      // only exponents
    };
  }

  @Test
  void plainFilesGiveSparksRowsBitForBitAndOthersAreLeftToSpark() throws IOException {
    Random rng = new Random(18);
    int accepted = 0;
    int cases = 40;
    for (int c = 0; c < cases; c++) {
      int[] styles = {rng.nextInt(6), rng.nextInt(6), rng.nextInt(6)};
      StringBuilder text = new StringBuilder("y,x1,note,x2\n");
      int rows = 1 + rng.nextInt(40);
      for (int i = 0; i < rows; i++) {
        text.append(value(rng, styles[0])).append(',').append(value(rng, styles[1]))
            .append(",n").append(i).append(',').append(value(rng, styles[2]))
            .append(rng.nextInt(10) == 0 ? "\r\n" : "\n");
      }
      if (sameAsSpark(write(text.toString(), DataFile.ResponseKind.REAL, "x1", "x2"))) {
        accepted++;
      }
    }
    // Columns of the last style (only exponents, which Spark infers as decimal) are declined,
    // like one in six columns; most files are read without Spark.
    assertTrue(accepted >= cases / 3, accepted + " of " + cases + " read without Spark");
  }

  @Test
  void typicalFilesAreReadWithoutSpark() throws IOException {
    assertNotNull(LocalRows.plain(write("y,x1,x2\n1.5,2,3.25e-3\n-0.5,4,1e-5\n",
        DataFile.ResponseKind.REAL, "x1", "x2"), 10, 1, LOCAL));
    assertNotNull(LocalRows.plain(write("x2,y,x1\r\n0.1,1,7\r\n0.2,0,8\r\n",
        DataFile.ResponseKind.BINARY, "x1", "x2"), 10, 1, LOCAL));
    assertTrue(sameAsSpark(write("y,x1\n-0,-0\n-0,1.5\n", DataFile.ResponseKind.REAL, "x1")));
  }

  @Test
  void whatItCannotMatchIsLeftToSpark() throws IOException {
    String[] declined = {
        "y,x1\n\"1\",2\n",            // quotes
        "y,x1,s\n1,2,\"a,b\"\n",      // quotes in a column not read
        "y,x1\n1, 2\n",               // padding
        "y,x1\n1,2\n\n3,4\n",         // a blank line
        "y,x1\n1,NaN\n",              // NaN: Spark's error names it
        "y,x1\n1,\n",                 // an empty value: Spark's null
        "y,x1\n1,2,3\n",              // too many fields
        "y,x1\n1\n",                  // too few
        "y,x1\n1,1e3\n0,2\n",         // exponents and integers only: Spark's decimal
        "y,x1\n1,12345678901234567890\n", // beyond 18 digits in an integral column
        "y,X1\n1,2\n",                // the name differs in case: Spark resolves it
        "y,x1,X1\n1,2,3\n",           // names equal but for case
        "\uFEFFy,x1\n1,2\n",          // a byte-order mark
        "y,x1\n",                     // no rows: Spark's error
    };
    for (String text : declined) {
      assertNull(LocalRows.plain(write(text, DataFile.ResponseKind.REAL, "x1"), 10, 1, LOCAL),
          text);
    }
    DataFile ok = write("y,x1\n1,2\n0,3\n", DataFile.ResponseKind.REAL, "x1");
    assertNotNull(LocalRows.plain(ok, 10, 1, LOCAL), "plain: what follows declines it");
    assertNull(LocalRows.plain(ok, 1, 1, LOCAL), "more rows than allowed");
    assertNull(LocalRows.plain(new DataFile(ok.path(), null, "csv", Map.of("sep", ";"), "y",
        List.of("x1"), true, DataFile.ResponseKind.REAL), 10, 1, LOCAL), "reader options");
    assertNull(LocalRows.plain(new DataFile("file:" + ok.path(), "y", List.of("x1"), true,
        DataFile.ResponseKind.REAL), 10, 1, LOCAL), "a URI");
    org.apache.hadoop.conf.Configuration hdfs = new org.apache.hadoop.conf.Configuration();
    hdfs.set("fs.defaultFS", "hdfs://127.0.0.1:8020");
    assertNull(LocalRows.plain(ok, 10, 1, hdfs), "a path Spark would resolve on HDFS");
    assertNull(LocalRows.plain(new DataFile(dir.toString(), null, "csv", Map.of(), "y",
        List.of("x1"), true, DataFile.ResponseKind.REAL), 10, 1, LOCAL), "a directory");
  }

  @Test
  void badRowsAreSparksOneLineErrors() throws IOException {
    assertTrue(sameAsSpark(write("y,x1\n1,0.5\n2,0.1\n", DataFile.ResponseKind.BINARY, "x1")));
    assertTrue(sameAsSpark(write("y,x1\n1,0.5\n-1,1e400\n", DataFile.ResponseKind.REAL, "x1")));
    assertTrue(sameAsSpark(write("y,x1\n1.5,0.5\n", DataFile.ResponseKind.COUNT, "x1")));
  }
}
