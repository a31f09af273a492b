package org.poevi.io;

import java.nio.file.Path;
import java.util.List;

/**
 * Writes draws as CSV: a header of parameter names, then one row per draw, each number in Java's
 * shortest round-trip decimal form (so the file reads back bit for bit).
 */
public final class DrawsCsv {
  private DrawsCsv() {}

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
