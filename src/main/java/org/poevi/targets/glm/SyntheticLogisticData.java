package org.poevi.targets.glm;

import java.io.Serializable;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.InvalidInputException;
import org.poevi.math.RandomStreams;

/**
 * Logistic-regression data with known true coefficients, generated row by row from a
 * counter-based stream keyed by (seed, row index): x_ij ~ N(0, 1) for the P predictors and
 * y_i ~ Bernoulli(σ(β₀ + x_iᵀβ)). Row i is the same whatever block, partition or executor builds
 * it, so a data set of 10⁷ rows can be generated inside Spark executors and never pass through
 * the driver.
 *
 * <p>The truth, from its own stream: β₀ = −0.5 and β_j ~ N(0, 1.5²/P), so the linear predictor
 * has a standard deviation of about 1.5 whatever P (neither separable nor flat).
 */
public final class SyntheticLogisticData implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Rows per block; a block of 20 predictors is 1.4 MB. */
  public static final int BLOCK_ROWS = 8192;
  public static final double TRUE_INTERCEPT = -0.5;
  /** At most this many predictors (a block of rows then holds at most 8·10⁷ numbers). */
  public static final int MAX_PREDICTORS = 10_000;

  private final long rows;
  private final int predictors;
  private final boolean intercept;
  private final long seed;
  private final double[] truth;

  /**
   * @param rows N ≥ 1
   * @param predictors P ≥ 1
   * @param intercept whether the design has a column of ones (first) and the truth an intercept
   */
  public SyntheticLogisticData(long rows, int predictors, boolean intercept, long seed) {
    if (rows < 1 || rows > (long) Integer.MAX_VALUE * BLOCK_ROWS) {
      throw new InvalidInputException("rows must be between 1 and "
          + (long) Integer.MAX_VALUE * BLOCK_ROWS + ", got " + rows);
    }
    if (predictors < 1 || predictors > MAX_PREDICTORS) {
      throw new InvalidInputException("predictors must be between 1 and " + MAX_PREDICTORS
          + ", got " + predictors);
    }
    this.rows = rows;
    this.predictors = predictors;
    this.intercept = intercept;
    this.seed = seed;
    UniformRandomProvider rng = RandomStreams.of(seed).stream(RandomStreams.SYNTHETIC_TRUTH);
    ContinuousSampler normal = ZigguratSampler.NormalizedGaussian.of(rng);
    truth = new double[columns()];
    int off = 0;
    if (intercept) {
      truth[off++] = TRUE_INTERCEPT;
    }
    for (int j = 0; j < predictors; j++) {
      truth[off + j] = normal.sample() * 1.5 / Math.sqrt(predictors);
    }
  }

  public long rows() {
    return rows;
  }

  public int predictors() {
    return predictors;
  }

  public boolean intercept() {
    return intercept;
  }

  public long seed() {
    return seed;
  }

  /** Columns of the design: P, plus one for the intercept. */
  public int columns() {
    return predictors + (intercept ? 1 : 0);
  }

  /** The true coefficients, in the order of the design's columns (intercept first). */
  public double[] trueCoefficients() {
    return truth.clone();
  }

  public int numBlocks() {
    return (int) ((rows + BLOCK_ROWS - 1) / BLOCK_ROWS);
  }

  /** Block {@code index}: rows [index·BLOCK_ROWS, min(N, (index + 1)·BLOCK_ROWS)). */
  public RowBlock block(int index) {
    long first = (long) index * BLOCK_ROWS;
    int n = (int) Math.min(BLOCK_ROWS, rows - first);
    int cols = columns();
    double[] x = new double[n * cols];
    double[] y = new double[n];
    RandomStreams streams = RandomStreams.of(seed);
    int lead = intercept ? 1 : 0;
    for (int i = 0; i < n; i++) {
      UniformRandomProvider rng = streams.stream(RandomStreams.SYNTHETIC_ROW, first + i);
      ContinuousSampler normal = ZigguratSampler.NormalizedGaussian.of(rng);
      double eta = 0;
      if (intercept) {
        x[i] = 1;
        eta = truth[0];
      }
      for (int j = 0; j < predictors; j++) {
        double v = normal.sample();
        x[i + (lead + j) * n] = v;
        eta += truth[lead + j] * v;
      }
      // StrictMath: the same bits on every JVM, interpreted or compiled, so a row never changes.
      y[i] = rng.nextDouble() < 1 / (1 + StrictMath.exp(-eta)) ? 1 : 0;
    }
    return new RowBlock(index, first, n, cols, x, y);
  }
}
