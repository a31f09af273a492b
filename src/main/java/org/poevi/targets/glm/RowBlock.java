package org.poevi.targets.glm;

import java.io.Serializable;

/**
 * A block of data rows: the design matrix, column-major ({@code rows} × {@code columns}, element
 * (i, j) at {@code x[i + j·rows]}), and the response. Rows are numbered from {@code firstRow} in
 * the whole data set. A block is immutable once built.
 *
 * @param index the block's number in the data set (0, 1, ...): its place in the fixed-order sum
 * @param firstRow index of the block's first row in the data set
 * @param rows number of rows
 * @param columns columns of the design matrix (the intercept's column of ones included)
 * @param x the design matrix, column-major
 * @param y the response, one value per row
 * @param weight the rows' weights (finite, ≥ 0), or null: every weight 1
 * @param offset the rows' offsets added to the linear predictor, or null: every offset 0
 */
public record RowBlock(int index, long firstRow, int rows, int columns, double[] x, double[] y,
    double[] weight, double[] offset) implements Serializable {
  public RowBlock {
    if (x.length != (long) rows * columns || y.length != rows) {
      throw new IllegalArgumentException("a block of " + rows + " rows and " + columns
          + " columns needs " + (long) rows * columns + " and " + rows + " values, got "
          + x.length + " and " + y.length);
    }
    if (weight != null && weight.length != rows || offset != null && offset.length != rows) {
      throw new IllegalArgumentException("a block of " + rows + " rows needs a weight and an"
          + " offset per row");
    }
  }

  /** A block of unweighted rows without offsets. */
  public RowBlock(int index, long firstRow, int rows, int columns, double[] x, double[] y) {
    this(index, firstRow, rows, columns, x, y, null, null);
  }

  /** Σ of the rows' weights (the number of rows when they are unweighted). */
  public double weightSum() {
    if (weight == null) {
      return rows;
    }
    double sum = 0;
    for (double w : weight) {
      sum += w;
    }
    return sum;
  }
}
