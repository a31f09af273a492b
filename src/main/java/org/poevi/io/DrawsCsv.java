package org.poevi.io;

import java.nio.file.Path;
import java.util.List;

/**
 * Writes draws as CSV: a header of parameter names, then one row per draw, each number in Java's
 * shortest round-trip decimal form (so the file reads back bit for bit). After the parameters
 * come, as in CmdStan's output, columns whose names end in two underscores: {@value #LOG_P}
 * (log p̃, the target's unnormalised log density at the draw) and {@value #LOG_Q} (log q, the
 * fitted model's normalised log density).
 */
public final class DrawsCsv {
  /** The column of log p̃ at each draw (CmdStan's name). */
  public static final String LOG_P = "lp__";
  /** The column of log q at each draw. */
  public static final String LOG_Q = "lq__";

  private DrawsCsv() {}

  /**
   * n×D row-major draws with the given columns (n values each) appended after the D parameters:
   * n×(D + m) row-major, as {@link #content} writes them.
   */
  public static double[] withColumns(double[] rows, int dim, double[]... columns) {
    int n = rows.length / dim;
    for (double[] column : columns) {
      if (column.length != n) {
        throw new IllegalArgumentException("a column of " + column.length + " values for " + n
            + " draws");
      }
    }
    int width = dim + columns.length;
    double[] out = new double[n * width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows, i * dim, out, i * width, dim);
      for (int c = 0; c < columns.length; c++) {
        out[i * width + dim + c] = columns[c][i];
      }
    }
    return out;
  }

  public static void write(Path path, List<String> names, double[] rows, int dim) {
    AtomicFiles.write(path, content(names, rows, dim));
  }

  /** The CSV as content for {@link AtomicFiles}. */
  public static AtomicFiles.Content content(List<String> names, double[] rows, int dim) {
    int n = rows.length / dim;
    return AtomicFiles.Content.text(out -> {
      StringBuilder line = new StringBuilder(32 * dim);
      for (int d = 0; d < dim; d++) {
        if (d > 0) {
          line.append(',');
        }
        line.append(quote(names.get(d)));
      }
      line.append('\n');
      out.write(line.toString());
      for (int i = 0; i < n; i++) {
        line.setLength(0);
        for (int d = 0; d < dim; d++) {
          if (d > 0) {
            line.append(',');
          }
          line.append(rows[i * dim + d]);
        }
        line.append('\n');
        out.write(line.toString());
      }
    });
  }

  /** RFC 4180 quoting, only when the name needs it. */
  public static String quote(String name) {
    if (name.indexOf(',') < 0 && name.indexOf('"') < 0 && name.indexOf('\n') < 0) {
      return name;
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
