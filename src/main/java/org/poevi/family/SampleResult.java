package org.poevi.family;

import java.util.List;
import org.poevi.math.LogMeanEstimate;

/**
 * Unweighted draws of q_α and how they were made.
 *
 * @param draws numDraws×D row-major
 * @param mode exact rejection, SIR (of w or of z) or tempered Gibbs
 * @param proposals Dirichlet proposals drawn in all
 * @param acceptanceRate accepted/proposals (exact mode), NaN in SIR mode
 * @param ess Kish effective sample size of the C(w)-weighted pool (SIR mode), NaN in exact mode
 * @param normalizer the Dirichlet estimate of log C_α over every proposal, with its SE and k̂
 * @param degenerateDraws proposals whose Λ(w) was numerically singular (given zero weight)
 * @param proposal "dirichlet" (the paper's Dir(α)), "adapted-dirichlet" (the defensive mixture),
 *     "logistic-t" (a Laplace fit to q(w) in log-ratio coordinates) or "conditional-mixture" (a
 *     mixture of the exact conditionals q(w | z)); "tempered-gibbs" for {@link TemperedGibbs}
 * @param warnings what a user should know, one sentence each
 */
public record SampleResult(double[] draws, int dim, int numDraws, SamplingMode mode,
    long proposals, double acceptanceRate, double ess, LogMeanEstimate normalizer,
    long degenerateDraws, String proposal, List<String> warnings) {

  /**
   * The effective sample size of the numDraws draws for a mean (what a Monte Carlo standard error
   * sd/√ESS divides by). Exact draws are independent: numDraws. SIR draws are resampled from a
   * weighted pool of Kish ESS e: the mean of n resampled draws has variance about σ²/e (importance
   * sampling) + σ²/n (multinomial resampling), so ESS = n·e/(n + e). Systematic resampling, and a
   * fresh z for each copy of a w, add less than σ²/n: the value errs on the small (safe) side.
   * Tempered Gibbs draws carry their own ESS, counted from their autocorrelation.
   */
  public double drawsEss() {
    if (mode == SamplingMode.EXACT) {
      return numDraws;
    }
    if (mode == SamplingMode.TEMPERED) {
      return ess;
    }
    return sirDrawsEss(numDraws, ess);
  }

  /** The ESS of n SIR draws from a pool whose Kish ESS is e: n·e/(n + e) ({@link #drawsEss}). */
  public static double sirDrawsEss(int numDraws, double poolEss) {
    return numDraws * poolEss / (numDraws + poolEss);
  }

  /**
   * The share of effective draws below which SIR draws are called unreliable: the sampler warns,
   * and a fit that offers a q whose draws keep less than it is not preferred to one whose draws
   * keep more (org.poevi.fit.AxisChoice).
   */
  public static final double USABLE_DRAWS_SHARE = 0.1;

  /**
   * The pool ESS e at which {@code numDraws} SIR draws keep {@code share} of them effective
   * ({@link #drawsEss}: n·e/(n + e) = share·n).
   */
  public static double poolEssFor(double share, int numDraws) {
    return numDraws * share / (1 - share);
  }

  /** Draw i as a new array. */
  public double[] draw(int i) {
    double[] out = new double[dim];
    System.arraycopy(draws, i * dim, out, 0, dim);
    return out;
  }
}
