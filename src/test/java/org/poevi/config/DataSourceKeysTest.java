package org.poevi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.RowData;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * The keys of a regression's data source (issue #16): target.data.path or target.data.table
 * (exclusive), target.data.format for a path, target.data.options (Spark reader options); each
 * mistake a one-line error naming the keys, and the keys unknown to the other target types.
 */
class DataSourceKeysTest {
  /** The data source a regression block names, as the backend receives it. */
  private static DataFile source(String data) {
    List<DataFile> seen = new ArrayList<>();
    TargetReader.build(ConfigFactory.parseString("type = logistic-regression, data { " + data
        + " }"), new TargetReader.DataBackend() {
          @Override
          public RowData rows(SyntheticLogisticData synthetic) {
            throw new AssertionError("synthetic rows for " + data);
          }

          @Override
          public RowData rows(DataFile file) {
            seen.add(file);
            return TargetReader.UNLOADED.rows(file);
          }
        });
    return seen.get(0);
  }

  private static void assertError(String target, String message) {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> TargetReader.build(
        ConfigFactory.parseString(target), TargetReader.UNLOADED));
    assertEquals(message, e.getMessage());
  }

  private static void assertDataError(String data, String message) {
    assertError("type = logistic-regression, data { " + data + " }", message);
  }

  @Test
  void aPathHasAFormatAndReaderOptions() {
    DataFile file = source("path = rows.dat, format = csv, response = y, predictors = [a],"
        + " options { sep = \";\", header = true, samplingRatio = 0.5, \"fs.x.y\" = a,"
        + " nested.key = b }");
    assertEquals("rows.dat", file.path());
    assertNull(file.table());
    assertEquals("csv", file.format());
    assertEquals(Map.of("sep", ";", "header", "true", "samplingRatio", "0.5", "fs.x.y", "a",
        "nested.key", "b"), file.options());
    assertEquals(List.of("fs.x.y", "header", "nested.key", "samplingRatio", "sep"),
        List.copyOf(file.options().keySet()));
    assertEquals("target.data.path", file.sourceKey());
    DataFile inferred = source("path = rows.csv, response = y, predictors = [a]");
    assertNull(inferred.format());
    assertEquals(Map.of(), inferred.options());
  }

  @Test
  void aTableIsNamedByItsKey() {
    DataFile file = source("table = \"db.rows\", response = y, predictors = [a, b],"
        + " options.versionAsOf = 3");
    assertNull(file.path());
    assertEquals("db.rows", file.table());
    assertEquals("table db.rows", file.source());
    assertEquals("target.data.table", file.sourceKey());
    assertEquals(Map.of("versionAsOf", "3"), file.options());
    assertEquals(3, file.columns());
  }

  @Test
  void mistakesAreOneLineErrorsNamingTheKeys() {
    assertDataError("path = x.csv, table = t, response = y, predictors = [a]",
        "target.data.path and target.data.table are exclusive: the data is read from a file or"
            + " from a catalog table, not both");
    assertDataError("response = y, predictors = [a]", "target.data.path is missing (the data"
        + " needs target.data.path or target.data.table, target.data.response and"
        + " target.data.predictors)");
    assertDataError("format = orc", "target.data.path is missing (the data needs"
        + " target.data.path or target.data.table, target.data.response and"
        + " target.data.predictors)");
    assertDataError("table = t, format = orc, response = y, predictors = [a]",
        "target.data.format applies to a file (target.data.path), not to target.data.table: the"
            + " catalog knows the table's format");
    assertDataError("table = t, response = y, predictors = [a], synthetic.rows = 10",
        "target.data.synthetic.rows and target.data.table are exclusive: the data is either"
            + " synthetic or read from a table");
    assertDataError("table = \" \", response = y, predictors = [a]",
        "target.data.table must not be empty");
    assertDataError("path = x, format = \"\", response = y, predictors = [a]",
        "target.data.format must not be empty");
    assertDataError("path = x, format = [csv], response = y, predictors = [a]",
        "target.data.format must be a string, got a list [\"csv\"]");
    assertDataError("path = x, format = csv, response = y, predictors = [a], options = \"sep\"",
        "target.data.options must be an object of Spark reader options, e.g. { sep = \";\" },"
            + " got the string \"sep\"");
    assertDataError("path = x, response = y, predictors = [a], options.sep = [a]",
        "target.data.options.sep must be a string, number or boolean (a Spark reader option),"
            + " got a list [\"a\"]");
    assertDataError("path = x, response = y, predictors = [a], options.PATH = y",
        "target.data.options.PATH is not an option here: the data's location is"
            + " target.data.path");
    assertDataError("path = x, response = y, predictors = [a], options { sep = a, SEP = b }",
        "target.data.options sets the option \"sep\" twice (Spark's option names ignore case)");
  }

  @Test
  void theKeysBelongToTheRegressionsOnly() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> TargetReader.build(
        ConfigFactory.parseString("type = logistic-regression, data.formt = csv"),
        TargetReader.UNLOADED));
    assertTrue(e.getMessage().startsWith("unknown key target.data.formt for type"
        + " logistic-regression (allowed: data.format, data.options.<name>, data.path,"
        + " data.predictors, data.response,"), e.getMessage());
    assertError("type = eight-schools, data { path = x.json, format = json }",
        "unknown key target.data.format for type eight-schools (allowed: data.path,"
            + " parameterization, type)");
    assertError("type = ar, data { path = x.json, options.sep = a }",
        "unknown key target.data.options.sep for type ar (allowed: data.path, type)");
    assertError("type = banana, data.table = t",
        "unknown key target.data for type banana (allowed: curvature, dimension, scale, type)");
    // Through a whole configuration: the reference's keys do not get in the way.
    FitConfig config = FitConfig.parse("target { type = poisson-regression, data { table = t,"
        + " response = y, predictors = [a], options { mergeSchema = true } } }", List.of());
    config.fitter();
    assertEquals(2, TargetReader.build(config.resolved().getConfig("target"),
        TargetReader.UNLOADED).dim());
  }
}
