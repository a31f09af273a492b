package org.poevi.family;

import java.util.ArrayList;
import java.util.List;
import org.poevi.math.LogMeanEstimate;

/**
 * The log-normaliser log C_α from two independent estimators, and which one to believe.
 *
 * <p>The Dirichlet estimate (mean of C(w) over w ~ Dir(α)) is unbiased but, when C(w) is
 * heavy-tailed, it is typically far too low while its standard error looks small. The z-space
 * estimate ({@link ZSpaceNormalizer}) fails differently. Rules:
 * <ul>
 *   <li>They agree when |a − b| ≤ {@value #AGREEMENT_Z} · √(se_a² + se_b²).
 *   <li>When they agree and the Dirichlet estimate is reliable (Pareto k̂ ≤ 0.7), it is used,
 *       unless the z-space estimate is reliable too and has the smaller standard error: two
 *       agreeing unbiased estimates of one constant, so the more precise one (the acceptance
 *       re-check's banana with s = 1.5 took a Dirichlet estimate of ± 0.050 that was 0.13 off
 *       where the z-space one had ± 0.004).
 *   <li>Otherwise the reliable one is used; if both are reliable yet disagree, the larger one,
 *       because importance sampling that misses mass errs low, never high (a rare huge weight,
 *       the way it errs high, is what k̂ flags); if neither is reliable, the one with smaller k̂.
 *   <li>A NaN k̂ (too few draws to fit a tail, or no estimate at all) means the tail could not be
 *       checked: the estimate is not reliable ({@link LogMeanEstimate#isReliable()}) and ranks
 *       below every numeric k̂.
 * </ul>
 * Every case but two agreeing reliable estimates adds a warning that says what happened, as does
 * a z-space check that gave no estimate ({@link ZSpaceNormalizer.Result#failure()}).
 */
public record NormalizerValidation(LogMeanEstimate dirichlet, LogMeanEstimate zSpace,
    boolean agree, Source chosen, List<String> warnings, double[] massPoints) {

  /** Estimates whose draws were not found missing mass. */
  public NormalizerValidation(LogMeanEstimate dirichlet, LogMeanEstimate zSpace, boolean agree,
      Source chosen, List<String> warnings) {
    this(dirichlet, zSpace, agree, chosen, warnings, null);
  }

  /**
   * The same estimates, marked as missing mass: the draws they came with failed {@link
   * HiddenMassCheck}, so q holds mass that both estimators may have missed together, and the
   * reported value may be too low however well they agree. {@code points} (n×D row-major): where
   * the check's chains on q went, the mass the draws miss.
   */
  public NormalizerValidation withMassMissed(double[] points) {
    return new NormalizerValidation(dirichlet, zSpace, agree, chosen, warnings, points.clone());
  }

  /** Whether the draws failed {@link HiddenMassCheck} ({@link #massPoints} then says where). */
  public boolean massMissed() {
    return massPoints != null;
  }

  /** Where the check's chains on q went (n×D row-major), or null when the draws passed. */
  @Override
  public double[] massPoints() {
    return massPoints == null ? null : massPoints.clone();
  }

  /** Standard errors apart at which two estimates are said to disagree. */
  public static final double AGREEMENT_Z = 4;

  /** Which estimator the reported value comes from. */
  public enum Source {
    DIRICHLET("dirichlet", "Dirichlet"),
    Z_SPACE("z-importance", "z-space importance"),
    /** Tempered sequential Monte Carlo with Gibbs moves ({@link TemperedGibbs}). */
    TEMPERED("tempered-gibbs", "tempered Gibbs");

    private final String label;
    private final String description;

    Source(String label, String description) {
      this.label = label;
      this.description = description;
    }

    public String label() {
      return label;
    }
  }

  /** The estimate that is reported as the log-normaliser. */
  public LogMeanEstimate chosenEstimate() {
    return chosen == Source.DIRICHLET ? dirichlet : zSpace;
  }

  /**
   * Decides between the two estimates. The z-space one counts as reliable only when its k̂ says
   * so and its proposal's tails cover q's ({@link ZSpaceNormalizer.Result#tailsCovered()}).
   */
  public static NormalizerValidation decide(LogMeanEstimate dirichlet,
      ZSpaceNormalizer.Result zResult) {
    return decide(dirichlet, zResult, Source.Z_SPACE);
  }

  /**
   * As above, with the second estimate made by {@code second} ({@link Source#Z_SPACE} or
   * {@link Source#TEMPERED}), which names it in the result and the warnings.
   */
  public static NormalizerValidation decide(LogMeanEstimate dirichlet,
      ZSpaceNormalizer.Result zResult, Source second) {
    LogMeanEstimate zSpace = zResult.estimate();
    double gap = Math.abs(dirichlet.estimate() - zSpace.estimate());
    double se = Math.hypot(dirichlet.standardError(), zSpace.standardError());
    boolean agree = gap <= AGREEMENT_Z * se;
    boolean dirichletOk = dirichlet.isReliable();
    boolean zOk = zSpace.isReliable() && zResult.tailsCovered();
    List<String> warnings = new ArrayList<>();
    boolean zFailed = zResult.failure() != null;
    if (zFailed) {
      warnings.add("the z-space check of the log-normaliser gave no estimate: "
          + zResult.failure() + "; the Dirichlet estimate " + describe(dirichlet)
          + " is used unchecked");
    } else if (!zResult.tailsCovered()) {
      warnings.add("the z-space check of the log-normaliser cannot cover this model's tails"
          + " (its heaviest ridge decays too slowly for a t proposal), so it is not trusted");
    }
    Source chosen;
    if (dirichletOk && agree) {
      chosen = zOk && zSpace.standardError() < dirichlet.standardError() ? second
          : Source.DIRICHLET;
    } else if (dirichletOk != zOk) {
      chosen = dirichletOk ? Source.DIRICHLET : second;
    } else if (dirichletOk) {
      chosen = dirichlet.estimate() >= zSpace.estimate() ? Source.DIRICHLET : second;
    } else {
      chosen = khatOrder(dirichlet) <= khatOrder(zSpace) ? Source.DIRICHLET : second;
      warnings.add("neither log-normaliser estimate is reliable (Pareto k-hat above 0.7 or"
          + " unavailable): treat log densities of this model with caution");
    }
    // A failed z-space check has nothing to compare; its own warning said so. (A NaN estimate
    // that did not fail reads as a disagreement.)
    boolean bothAgree = agree && dirichletOk && (chosen == Source.DIRICHLET || zOk);
    if (!zFailed && !bothAgree) {
      warnings.add(String.format("log-normaliser: the Dirichlet estimate %s and the %s"
          + " estimate %s %s; using the %s estimate", describe(dirichlet), second.description,
          describe(zSpace), agree ? "agree" : "disagree", chosen.label()));
    }
    return new NormalizerValidation(dirichlet, zSpace, agree, chosen, List.copyOf(warnings));
  }

  /** k̂ for ranking, with NaN (the tail could not be checked) last, as in the rules above. */
  private static double khatOrder(LogMeanEstimate e) {
    return Double.isNaN(e.khat()) ? Double.POSITIVE_INFINITY : e.khat();
  }

  private static String describe(LogMeanEstimate e) {
    return String.format("%.4f ± %.4f (k-hat %.2f)", e.estimate(), e.standardError(), e.khat());
  }
}
