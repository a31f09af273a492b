package org.poevi.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.poevi.targets.glm.DataFile;

/**
 * A small, plain CSV file read without starting Spark (issue #18: a fit whose rows are evaluated
 * on the driver should not pay Spark's start-up and jobs to read 62 rows). It gives exactly the
 * values Spark's CSV source gives with {@code header} and {@code inferSchema} (the reading of
 * {@link SparkRowData#open}), or it declines and Spark reads the file as before, with Spark's
 * errors. So the rows, and every fit over them, are the same bits either way.
 *
 * <p>It accepts only what it can match exactly: a local file (no URI scheme, glob, directory or
 * hidden name, and a default Hadoop file system that is the local one, since Spark resolves a
 * plain path against that) whose format is CSV by its name or by {@code target.data.format}, with no reader
 * options; UTF-8 without a byte-order mark; no quote, backslash or NUL anywhere; a header of
 * distinct, unpadded names (ignoring case, as Spark's resolution does) naming every column the
 * target reads; every line with the header's number of fields, and no blank line; and in the
 * columns the target reads, only plain decimal numbers. Spark infers such a column as integral
 * (int or long) when every value is an integer of at most 18 digits, and as double when any value
 * has digits after its decimal point beyond its exponent; other columns (for example only
 * {@code 1.5E20}-style values, which Spark infers as decimal) are declined. Integral values are
 * converted from the long, as Spark's are ({@code -0} is {@code 0.0}); doubles are
 * {@link Double#parseDouble}, as Spark's {@code toDouble}.
 */
final class PlainCsv {
  /** Files larger than this are left to Spark without a look. */
  static final long MAX_BYTES = 256L << 20;

  /** Spark's CSV parser's limit (its maxColumns option). */
  private static final int MAX_COLUMNS = 20480;

  // sign, integer digits, optional fraction, optional exponent
  private static final Pattern NUMBER = Pattern.compile(
      "[+-]?(\\d*)(?:\\.(\\d*))?(?:[eE]([+-]?\\d{1,6}))?");

  private PlainCsv() {}

  /**
   * The rows of {@code file}'s response and predictors (in that order), as Spark's CSV source
   * would give them; or null when this reader declines the file (then Spark reads it), including
   * when it has more than {@code maxRows} rows.
   */
  static List<Row> read(DataFile file, long maxRows, Configuration hadoop) {
    if (!isLocal(hadoop)) {
      return null;
    }
    Path path = localCsv(file);
    if (path == null) {
      return null;
    }
    try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(path),
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)))) {
      return rows(in, file, maxRows);
    } catch (CharacterCodingException e) {
      return null;
    } catch (IOException e) {
      // Spark reads it again and names the problem.
      return null;
    }
  }

  /** Whether Spark resolves a path without a scheme on this machine's file system. */
  private static boolean isLocal(Configuration hadoop) {
    String scheme = FileSystem.getDefaultUri(hadoop).getScheme();
    return scheme == null || scheme.equals("file");
  }

  /** The file's path when it is a local CSV without options, else null. */
  private static Path localCsv(DataFile file) {
    if (file.table() != null || !file.options().isEmpty()) {
      return null;
    }
    String name = file.path();
    boolean csv = file.format() == null
        ? name.toLowerCase(Locale.ROOT).endsWith(".csv")
        : file.format().equalsIgnoreCase("csv");
    if (!csv || name.contains(":") || name.matches(".*[*?\\[\\]{}\\\\].*")) {
      return null;
    }
    Path path;
    try {
      path = Path.of(name);
    } catch (RuntimeException e) {
      return null;
    }
    Path leaf = path.getFileName();
    if (leaf == null || leaf.toString().startsWith(".") || leaf.toString().startsWith("_")) {
      return null;
    }
    try {
      return Files.isRegularFile(path) && Files.size(path) <= MAX_BYTES ? path : null;
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  private static List<Row> rows(BufferedReader in, DataFile file, long maxRows)
      throws IOException {
    String header = in.readLine();
    if (header == null || !plain(header) || header.startsWith("\uFEFF")) {
      return null;
    }
    String[] names = header.split(",", -1);
    if (names.length > MAX_COLUMNS) {
      return null;
    }
    List<String> wanted = new ArrayList<>();
    wanted.add(file.response());
    wanted.addAll(file.predictors());
    int[] at = positions(names, wanted);
    if (at == null) {
      return null;
    }
    List<String[]> fields = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isEmpty() || !plain(line) || fields.size() == maxRows) {
        return null;
      }
      String[] values = split(line, names.length, at);
      if (values == null) {
        return null;
      }
      fields.add(values);
    }
    return fields.isEmpty() ? null : convert(fields, at.length);
  }

  private static boolean plain(String line) {
    return line.indexOf('"') < 0 && line.indexOf('\\') < 0 && line.indexOf('\0') < 0;
  }

  /** Where each wanted column is in the header, or null unless the header is plain. */
  private static int[] positions(String[] names, List<String> wanted) {
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (name.isEmpty() || !name.strip().equals(name)
          || !seen.add(name.toLowerCase(Locale.ROOT))) {
        return null;
      }
    }
    List<String> header = List.of(names);
    int[] at = new int[wanted.size()];
    for (int k = 0; k < at.length; k++) {
      at[k] = header.indexOf(wanted.get(k));
      if (at[k] < 0) {
        return null;
      }
    }
    return at;
  }

  /** The wanted fields of a line of exactly {@code width} fields, or null. */
  private static String[] split(String line, int width, int[] at) {
    String[] all = new String[width];
    int start = 0;
    for (int j = 0; j < width; j++) {
      int end = line.indexOf(',', start);
      if ((end < 0) != (j == width - 1)) {
        return null;
      }
      all[j] = line.substring(start, end < 0 ? line.length() : end);
      start = end + 1;
    }
    String[] wanted = new String[at.length];
    for (int k = 0; k < at.length; k++) {
      wanted[k] = all[at[k]];
    }
    return wanted;
  }

  /** Spark's values of the wanted columns, as rows, or null if a column is not plain. */
  private static List<Row> convert(List<String[]> fields, int columns) {
    double[][] values = new double[columns][];
    for (int k = 0; k < columns; k++) {
      values[k] = column(fields, k);
      if (values[k] == null) {
        return null;
      }
    }
    List<Row> rows = new ArrayList<>(fields.size());
    for (int i = 0; i < fields.size(); i++) {
      Object[] row = new Object[columns];
      for (int k = 0; k < columns; k++) {
        row[k] = values[k][i];
      }
      rows.add(RowFactory.create(row));
    }
    return rows;
  }

  /** One column's values as Spark infers and parses them, or null if Spark would not. */
  private static double[] column(List<String[]> fields, int k) {
    boolean integral = true;
    boolean fractional = false;
    for (String[] row : fields) {
      Matcher m = NUMBER.matcher(row[k]);
      String digits = m.matches() ? m.group(1) : null;
      String fraction = digits == null ? null : m.group(2);
      if (digits == null || (digits.isEmpty() && (fraction == null || fraction.isEmpty()))) {
        return null;
      }
      boolean plainInteger = fraction == null && m.group(3) == null && digits.length() <= 18;
      integral &= plainInteger;
      long exponent = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
      // BigDecimal's scale: Spark infers double only for a value whose scale is positive.
      fractional |= (fraction == null ? 0 : fraction.length()) - exponent > 0;
    }
    if (!integral && !fractional) {
      return null;
    }
    double[] values = new double[fields.size()];
    for (int i = 0; i < values.length; i++) {
      String text = fields.get(i)[k];
      values[i] = integral ? (double) Long.parseLong(text) : Double.parseDouble(text);
    }
    return values;
  }
}
