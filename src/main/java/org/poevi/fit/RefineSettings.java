package org.poevi.fit;

import org.poevi.InvalidInputException;

/**
 * {@code experts.refine-count}, {@code experts.refine-candidates} and
 * {@code experts.refine-rounds}: the candidate experts priced into the pool of the second fit
 * under experts.axes = auto ({@link Pricing}), and how many rounds of it.
 *
 * @param count priced candidates added to the second fit's pool (0: none), or {@link #AUTO}
 * @param candidates candidate bulk centres per bulk centre of the pool (experts.count)
 * @param rounds rounds of pricing: each prices at the last kept fit's α and fits α again on
 *     the larger pool, while the previous round's experts were kept ({@link AxisChoice}). In
 *     the first round the coordinate experts either join the pool whole (D &lt; 24 with the
 *     defaults), and the first fit it prices at had none, or are priced themselves. A second
 *     round prices at the fit with them: the mixture's KL ratio went from 0.013 to 0.003, and
 *     sinh-arcsinh D = 10's from 0.259 to 0.221 (mean of four fit seeds). Where they were
 *     priced, later rounds price bulk candidates only: at D = 50 a second round of priced
 *     coordinate experts put most of q's mass in a corner where every coordinate is near its
 *     99th percentile and p has none (the ELBO fell from +53 to −32, and the round was dropped
 *     at two of three fit seeds for three times the fit's time), while bulk candidates took the
 *     KL ratio from 0.774 to 0.754 and from 0.818 to 0.775 (docs/benchmarks.md)
 */
public record RefineSettings(int count, int candidates, int rounds) {
  /** experts.refine-count = auto: {@link #count(int)} sets it from D. */
  public static final int AUTO = Integer.MIN_VALUE;
  /** The most rounds of pricing. */
  static final int MAX_ROUNDS = 10;
  /** auto gives at least this many. */
  static final int AUTO_MIN = 256;
  /** auto gives this many per coordinate above {@link #AUTO_MIN}. */
  static final int AUTO_PER_COORDINATE = 10;

  public RefineSettings {
    if (count != AUTO && (count < 0 || count > 100_000)) {
      throw new InvalidInputException("experts.refine-count must be auto or between 0 and"
          + " 100000, got " + count);
    }
    if (rounds < 1 || rounds > MAX_ROUNDS) {
      throw new InvalidInputException("experts.refine-rounds must be between 1 and "
          + MAX_ROUNDS + ", got " + rounds);
    }
    if (candidates < 0 || candidates > 64) {
      throw new InvalidInputException("experts.refine-candidates must be between 0 and 64,"
          + " got " + candidates);
    }
  }

  /**
   * The count at dimension D: as given, or for auto max({@value #AUTO_MIN},
   * {@value #AUTO_PER_COORDINATE}·D). Above D = 25 the coordinate experts are priced rather
   * than all added ({@link Pricing}), and a coordinate's skew and tails take several of them
   * (the default grid has 14 per coordinate): sinh-arcsinh at D = 50 reached a KL ratio of 0.92
   * with 256 and 0.75 with 512 (docs/benchmarks.md).
   */
  public int count(int dim) {
    return count == AUTO ? Math.max(AUTO_MIN, AUTO_PER_COORDINATE * dim) : count;
  }

  /**
   * Candidate coordinate experts per coordinate when all of them are priced (the pool too small
   * for them): the finer grid and the default grid's other pairs, 56 with the defaults.
   */
  public static int pricedCoordinatePairs(double[] axisOffsets, double[] axisWidths) {
    return Pricing.coordinateGrid(axisOffsets, axisWidths, true).size();
  }

  /** The defaults of conf/reference.conf. */
  public static RefineSettings defaults() {
    return new RefineSettings(AUTO, 4, 2);
  }
}
