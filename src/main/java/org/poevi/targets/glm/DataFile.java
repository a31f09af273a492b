package org.poevi.targets.glm;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A regression's data source (SPEC §5, §7): a file or directory at a local path or any Hadoop URI,
 * read with a Spark data source ({@code format}, or by the extension: CSV with a header, Parquet,
 * JSON lines for .csv, .parquet, .json or .jsonl), or a catalog table; either way with the reader
 * options given. The design matrix is the intercept's column of ones (if any) and the predictors
 * in the order given.
 *
 * @param path target.data.path, or null for a table
 * @param table target.data.table: a catalog table or view, or null for a path
 * @param format target.data.format: a Spark data source name, or null to infer it from the path's
 *     extension (always null for a table)
 * @param options target.data.options: Spark reader options, by name (sorted)
 * @param response target.data.response: the column of y
 * @param predictors target.data.predictors: the columns of x, in order
 * @param intercept target.intercept
 * @param kind which responses the likelihood accepts
 */
public record DataFile(String path, String table, String format, Map<String, String> options,
    String response, List<String> predictors, boolean intercept, ResponseKind kind)
    implements Serializable {
  public DataFile {
    if ((path == null) == (table == null)) {
      throw new IllegalArgumentException("a data source is a path or a table, not "
          + (path == null ? "neither" : "both"));
    }
    if (table != null && format != null) {
      throw new IllegalArgumentException("a table has no format to give");
    }
    predictors = List.copyOf(predictors);
    options = Collections.unmodifiableMap(new TreeMap<>(options));
  }

  /** A file whose format is inferred from its extension, without reader options. */
  public DataFile(String path, String response, List<String> predictors, boolean intercept,
      ResponseKind kind) {
    this(path, null, null, Map.of(), response, predictors, intercept, kind);
  }

  /** The key that names the source in errors: target.data.path or target.data.table. */
  public String sourceKey() {
    return table == null ? "target.data.path" : "target.data.table";
  }

  /** The source as errors name it: the path, or "table NAME". */
  public String source() {
    return table == null ? path : "table " + table;
  }

  /** Columns of the design matrix. */
  public int columns() {
    return predictors.size() + (intercept ? 1 : 0);
  }

  /** The responses a likelihood accepts. */
  public enum ResponseKind {
    /** Bernoulli: 0 or 1. */
    BINARY("0 or 1"),
    /**
     * Poisson: a count 0, 1, 2, ..., at most 2^53 (exact in double; found by the fuzz harness: a
     * count of 1e308 made log y! infinite and the error named no row).
     */
    COUNT("a count (0, 1, 2, ..., at most 2^53)"),
    /** Gaussian: any finite number. */
    REAL("a finite number");

    private final String description;

    ResponseKind(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }

    /** Whether a (finite) response value is allowed. */
    public boolean accepts(double y) {
      return switch (this) {
        case BINARY -> y == 0 || y == 1;
        case COUNT -> y >= 0 && y == Math.rint(y) && y <= 0x1p53;
        case REAL -> true;
      };
    }
  }
}
