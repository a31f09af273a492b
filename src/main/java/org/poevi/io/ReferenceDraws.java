package org.poevi.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.poevi.InvalidInputException;

/**
 * Reference draws of a posterior on the unconstrained scale, from a CSV file (gzipped when the
 * name ends in .gz) with a header: posteriordb's {@code draws_unconstrained.csv.gz}, a Stan or
 * CmdStan-style export, or poevi's own draws.csv. Columns are matched to the model's parameters
 * by name, in any order; other columns (chain, draw, ...) are ignored. Every error is one line
 * naming the file and the column or line.
 */
public final class ReferenceDraws {
  private ReferenceDraws() {}

  /** The draws as n×D row-major, columns in the order of {@code names}. */
  public static double[] read(Path file, List<String> names) {
    List<double[]> rows = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in,
            StandardCharsets.UTF_8))) {
      String header = reader.readLine();
      if (header == null) {
        throw new InvalidInputException("--reference " + file + " is empty");
      }
      List<String> columns = Arrays.asList(header.split(",", -1));
      int[] index = new int[names.size()];
      for (int d = 0; d < names.size(); d++) {
        index[d] = columns.indexOf(names.get(d));
        if (index[d] < 0) {
          index[d] = columns.indexOf("\"" + names.get(d) + "\"");
        }
        if (index[d] < 0) {
          throw new InvalidInputException("--reference " + file + " has no column \""
              + names.get(d) + "\" (the model's parameters are " + names + ")");
        }
      }
      String line;
      int lineNumber = 1;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.split(",", -1);
        if (fields.length != columns.size()) {
          throw new InvalidInputException("--reference " + file + " line " + lineNumber
              + " has " + fields.length + " fields, the header " + columns.size());
        }
        double[] row = new double[index.length];
        for (int d = 0; d < index.length; d++) {
          row[d] = parse(fields[index[d]], file, lineNumber, names.get(d));
        }
        rows.add(row);
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("--reference " + file + " does not exist", e);
    } catch (IOException e) {
      throw new InvalidInputException("--reference " + file + " cannot be read: " + e
          .getMessage(), e);
    }
    if (rows.size() < 100) {
      throw new InvalidInputException("--reference " + file + " has " + rows.size()
          + " draws; at least 100 are needed");
    }
    int dim = names.size();
    double[] out = new double[rows.size() * dim];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, out, i * dim, dim);
    }
    return out;
  }

  private static double parse(String text, Path file, int line, String column) {
    double v;
    try {
      v = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException("--reference " + file + " line " + line + " column \""
          + column + "\": not a number: \"" + text + "\"", e);
    }
    if (!Double.isFinite(v)) {
      throw new InvalidInputException("--reference " + file + " line " + line + " column \""
          + column + "\": " + v + " is not finite");
    }
    return v;
  }
}
