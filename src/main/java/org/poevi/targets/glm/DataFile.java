package org.poevi.targets.glm;

import java.io.Serializable;
import java.util.List;

/**
 * A regression's data in a file (SPEC §5, §7): CSV with a header, Parquet or JSON lines, chosen by
 * the extension (.csv, .parquet, .json or .jsonl), at a local path or any Hadoop URI. The design
 * matrix is the intercept's column of ones (if any) and the predictors in the order given.
 *
 * @param path target.data.path
 * @param response target.data.response: the column of y
 * @param predictors target.data.predictors: the columns of x, in order
 * @param intercept target.intercept
 * @param kind which responses the likelihood accepts
 */
public record DataFile(String path, String response, List<String> predictors, boolean intercept,
    ResponseKind kind) implements Serializable {
  public DataFile {
    predictors = List.copyOf(predictors);
  }

  /** Columns of the design matrix. */
  public int columns() {
    return predictors.size() + (intercept ? 1 : 0);
  }

  /** The responses a likelihood accepts. */
  public enum ResponseKind {
    /** Bernoulli: 0 or 1. */
    BINARY("0 or 1"),
    /** Poisson: a count 0, 1, 2, .... */
    COUNT("a count (0, 1, 2, ...)"),
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
        case COUNT -> y >= 0 && y == Math.rint(y);
        case REAL -> true;
      };
    }
  }
}
