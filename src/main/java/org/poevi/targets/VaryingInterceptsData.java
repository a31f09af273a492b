package org.poevi.targets;

import java.io.Serializable;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.InvalidInputException;
import org.poevi.math.RandomStreams;

/**
 * Synthetic grouped data with known truth, for {@link VaryingInterceptsTarget}: J groups of n rows
 * each,
 *
 * <pre>
 *   θ_j ~ N(0, τ²),   y_ij = μ + θ_j + ε_ij,   ε_ij ~ N(0, σ²),   j = 1..J,  i = 1..n,
 * </pre>
 *
 * with the true μ, τ, σ given. Draws come from counter-based streams of the seed
 * ({@link RandomStreams}): the true effects θ_1..θ_J in order from the stream
 * {@code (SYNTHETIC_TRUTH)}, and the noise of group j from its own stream
 * {@code (SYNTHETIC_ROW, j)}, so group j's rows do not depend on J.
 *
 * <p>Only the sufficient statistics are kept: each group's mean ȳ_j and the pooled
 * within-group sum of squares W = Σ_j W_j, W_j = Σ_i (y_ij − ȳ_j)², computed from the rows in two
 * passes (mean first) rather than as Σy² − nȳ², which cancels catastrophically when |μ| ≫ σ.
 * Then Σ_i (y_ij − m)² = W_j + n (ȳ_j − m)² for any m, so the likelihood costs O(J), not O(Jn).
 * {@link #group(int)} regenerates a group's rows. Immutable and thread-safe.
 */
public final class VaryingInterceptsData implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final int DEFAULT_GROUPS = 500;
  public static final int DEFAULT_ROWS_PER_GROUP = 20;
  public static final double DEFAULT_MU = 1;
  public static final double DEFAULT_TAU = 1;
  public static final double DEFAULT_SIGMA = 2;
  public static final long DEFAULT_SEED = 1;
  /** At most this many groups: D = J + 3 stays within the dimension limit of every target. */
  public static final int MAX_GROUPS = Checks.MAX_DIMENSION - 3;
  /** At most this many rows per group, so that generating the data takes at most about 10⁸ draws. */
  public static final int MAX_ROWS_PER_GROUP = 10_000;

  private final int groups;
  private final int rowsPerGroup;
  private final double mu;
  private final double tau;
  private final double sigma;
  private final long seed;
  private final double[] theta;
  private final double[] means;
  private final double withinSquares;

  private VaryingInterceptsData(int groups, int rowsPerGroup, double mu, double tau,
      double sigma, long seed) {
    this.groups = groups;
    this.rowsPerGroup = rowsPerGroup;
    this.mu = mu;
    this.tau = tau;
    this.sigma = sigma;
    this.seed = seed;
    ContinuousSampler normal = ZigguratSampler.NormalizedGaussian.of(
        RandomStreams.of(seed).stream(RandomStreams.SYNTHETIC_TRUTH));
    theta = new double[groups];
    for (int j = 0; j < groups; j++) {
      theta[j] = tau * normal.sample();
    }
    means = new double[groups];
    double squares = 0;
    for (int j = 0; j < groups; j++) {
      double[] y = group(j);
      double sum = 0;
      for (double v : y) {
        sum += v;
      }
      double mean = sum / rowsPerGroup;
      for (double v : y) {
        squares += (v - mean) * (v - mean);
      }
      means[j] = mean;
    }
    withinSquares = squares;
  }

  /**
   * @param groups J, between 1 and {@value #MAX_GROUPS}
   * @param rowsPerGroup n, between 1 and {@value #MAX_ROWS_PER_GROUP}
   * @param mu the true grand mean μ, finite
   * @param tau the true sd τ of the group effects, finite and &gt; 0
   * @param sigma the true noise sd σ, finite and &gt; 0
   * @param seed the data set
   * @throws InvalidInputException one line starting with the parameter's configuration key
   */
  public static VaryingInterceptsData of(int groups, int rowsPerGroup, double mu, double tau,
      double sigma, long seed) {
    if (groups < 1 || groups > MAX_GROUPS) {
      throw new InvalidInputException("groups must be between 1 and " + MAX_GROUPS + ", got "
          + groups);
    }
    if (rowsPerGroup < 1 || rowsPerGroup > MAX_ROWS_PER_GROUP) {
      throw new InvalidInputException("rows-per-group must be between 1 and "
          + MAX_ROWS_PER_GROUP + ", got " + rowsPerGroup);
    }
    Checks.finite(mu, "mu");
    Checks.positive(tau, "tau");
    Checks.positive(sigma, "sigma");
    return new VaryingInterceptsData(groups, rowsPerGroup, mu, tau, sigma, seed);
  }

  /** The data of every default ({@value #DEFAULT_GROUPS} groups of 20 rows, μ = 1, τ = 1, σ = 2). */
  public static VaryingInterceptsData defaults() {
    return of(DEFAULT_GROUPS, DEFAULT_ROWS_PER_GROUP, DEFAULT_MU, DEFAULT_TAU, DEFAULT_SIGMA,
        DEFAULT_SEED);
  }

  /** The n rows y_ij of group j (counted from 0), regenerated from the group's stream. */
  public double[] group(int j) {
    if (j < 0 || j >= groups) {
      throw new IndexOutOfBoundsException("group " + j + " of " + groups);
    }
    ContinuousSampler normal = ZigguratSampler.NormalizedGaussian.of(
        RandomStreams.of(seed).stream(RandomStreams.SYNTHETIC_ROW, j));
    double[] y = new double[rowsPerGroup];
    double location = mu + theta[j];
    for (int i = 0; i < rowsPerGroup; i++) {
      y[i] = location + sigma * normal.sample();
    }
    return y;
  }

  public int groups() {
    return groups;
  }

  public int rowsPerGroup() {
    return rowsPerGroup;
  }

  /** N = J·n. */
  public long rows() {
    return (long) groups * rowsPerGroup;
  }

  public long seed() {
    return seed;
  }

  public double trueMu() {
    return mu;
  }

  public double trueTau() {
    return tau;
  }

  public double trueSigma() {
    return sigma;
  }

  /** The true effects θ_1..θ_J (a copy). */
  public double[] trueTheta() {
    return theta.clone();
  }

  /** ȳ_j, read-only: the group means, for the target's hot loop. */
  double[] means() {
    return means;
  }

  /** W = Σ_j Σ_i (y_ij − ȳ_j)², the pooled within-group sum of squares. */
  public double withinSquares() {
    return withinSquares;
  }

  /** ȳ_j of group j (counted from 0). */
  public double mean(int j) {
    return means[j];
  }

  @Override
  public String toString() {
    return "groups=" + groups + ", rows-per-group=" + rowsPerGroup + ", mu=" + mu + ", tau="
        + tau + ", sigma=" + sigma + ", seed=" + seed;
  }
}
