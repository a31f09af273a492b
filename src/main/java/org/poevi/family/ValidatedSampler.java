package org.poevi.family;

import java.util.ArrayList;
import java.util.List;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;

/**
 * Unweighted draws of q_α together with its validated log-normaliser: what {@code poevi sample}
 * and the end of every fit need.
 *
 * <ol>
 *   <li>The Feynman sampler ({@link FeynmanSampler#sample}): exact rejection when practical,
 *       otherwise SIR of the C(w)-weighted Dirichlet draws; its Dirichlet estimate of log C_α.
 *   <li>The independent z-space importance sampler ({@link ZSpaceNormalizer}), which also
 *       resamples its own draws.
 *   <li>When both keep under a tenth ({@link #TEMPERED_ESS_SHARE}) of the draws effective, or
 *       neither estimate of log C_α is reliable (hundreds of active experts with ν in the
 *       thousands, as coordinate experts give at D = 50), the tempered Gibbs sampler ({@link
 *       TemperedGibbs}), which takes the z-space estimate's place when it passes its check and
 *       the z-space one does not, or when both or neither pass and its draws keep more effective
 *       draws.
 *   <li>The reported log C_α follows {@link NormalizerValidation}; the draws are the exact ones if
 *       exact mode ran, otherwise whichever SIR keeps more effective draws. With many active
 *       experts of small α the Feynman weights can keep a few hundred effective draws out of
 *       millions, while the z-space weights keep a large fraction: then the draws come from z.
 *   <li>Draws that are not exact are checked by MCMC on q ({@link HiddenMassCheck}): when q holds
 *       mass that every sampler missed, the draws and the log-normaliser are unreliable however
 *       well the two estimates agree, and the outcome says so ({@link
 *       NormalizerValidation#massMissed}) with a warning.
 * </ol>
 */
public final class ValidatedSampler {
  private ValidatedSampler() {}

  /**
   * @param draws the unweighted draws returned
   * @param feynman the Feynman sampler's own result (its draws may not be the ones returned)
   * @param normalizer the two estimates of log C_α and the one to use
   */
  public record Outcome(SampleResult draws, SampleResult feynman, NormalizerValidation normalizer,
      List<String> warnings) {}

  public static Outcome sample(ProductOfExperts family, SampleOptions options) {
    return sample(family, options, null);
  }

  /**
   * As above, with {@code anchor} (or null) as a defensive component of the z-space normaliser's
   * proposal ({@link ZSpaceNormalizer}): a t over the region where q should hold its mass.
   */
  public static Outcome sample(ProductOfExperts family, SampleOptions options,
      MultivariateT anchor) {
    return sample(family, options, anchor, (done, total) -> { });
  }

  /**
   * Below this share of effective draws, in both the Feynman weights and the z-space proposal's,
   * or when neither normaliser estimate is reliable, the tempered Gibbs sampler ({@link
   * TemperedGibbs}) is tried as well.
   */
  static final double TEMPERED_ESS_SHARE = 0.1;

  private static boolean needsTempered(SampleResult feynman, ZSpaceNormalizer.Result z,
      SampleOptions options) {
    if (feynman.mode() == SamplingMode.EXACT) {
      return false;
    }
    double best = Math.max(feynman.ess(), z.draws() != null ? z.draws().ess() : 0);
    boolean reliable = feynman.normalizer().isReliable()
        || (z.failure() == null && z.tailsCovered() && z.estimate().isReliable());
    return !reliable || best < TEMPERED_ESS_SHARE * options.draws();
  }

  /**
   * Whether the tempered result replaces the z-space one: when only it passes its check, or when
   * both or neither pass and its draws keep more effective draws.
   */
  private static boolean betterThan(ZSpaceNormalizer.Result tempered,
      ZSpaceNormalizer.Result z) {
    if (tempered.failure() != null) {
      return false;
    }
    boolean temperedOk = tempered.tailsCovered() && tempered.estimate().isReliable();
    boolean zOk = z.failure() == null && z.tailsCovered() && z.estimate().isReliable();
    if (temperedOk != zOk) {
      return temperedOk;
    }
    // Both or neither pass their tail checks: the one whose draws keep more effective draws. (The
    // tempered k-hat is the largest of its steps', not comparable with one importance round's:
    // at D = 50 a z-space estimate with k-hat 0.91 and 1 effective draw was 8.7 nats below the
    // Dirichlet and tempered estimates, which agreed within 0.1 nats with k-hats 1.9 and 1.8.)
    return z.failure() != null || tempered.draws() == null || z.draws() == null
        || tempered.draws().drawsEss() > z.draws().drawsEss();
  }

  /** Done and total parts of the work (the draws, then the z-space normaliser). */
  public interface Parts {
    void done(long done, long total);
  }

  /** As above, telling {@code parts} when the draws and when the normaliser are done. */
  public static Outcome sample(ProductOfExperts family, SampleOptions options,
      MultivariateT anchor, Parts parts) {
    parts.done(0, 2);
    SampleResult feynman = FeynmanSampler.of(family).sample(options);
    parts.done(1, 2);
    int zDraws = (int) Math.min(options.normalizerDraws(), ZSpaceNormalizer.MAX_DRAWS);
    ZSpaceNormalizer.Result z = ZSpaceNormalizer.estimate(family,
        RandomStreams.of(options.seed()), 0, zDraws, options.threads(), options.draws(), anchor);
    NormalizerValidation.Source second = NormalizerValidation.Source.Z_SPACE;
    if (needsTempered(feynman, z, options) && TemperedGibbs.applies(family)) {
      ZSpaceNormalizer.Result tempered = TemperedGibbs.estimate(family, RandomStreams.of(
          options.seed()), options.draws(), options.threads());
      if (betterThan(tempered, z)) {
        z = tempered;
        second = NormalizerValidation.Source.TEMPERED;
      }
    }
    NormalizerValidation normalizer = NormalizerValidation.decide(feynman.normalizer(), z,
        second);
    parts.done(2, 2);
    SampleResult chosen = feynman;
    List<String> warnings = new ArrayList<>();
    // Tempered draws are moved by exact Gibbs sweeps, so they stand whatever the normaliser's
    // k-hat says; SIR draws in z need their weights to be reliable.
    boolean zDrawsOk = second == NormalizerValidation.Source.TEMPERED
        || (z.tailsCovered() && z.estimate().isReliable());
    if (feynman.mode() != SamplingMode.EXACT && z.draws() != null && zDrawsOk
        && z.draws().drawsEss() > feynman.drawsEss()) {
      chosen = z.draws();
    } else {
      warnings.addAll(feynman.warnings());
    }
    if (chosen != feynman) {
      warnings.add(String.format("draws come from %s (ESS %.0f of %d) because the"
          + " Feynman weights kept only %.0f effective draws of %d",
          second == NormalizerValidation.Source.TEMPERED ? "the tempered Gibbs sampler"
              : "SIR in z space", chosen.ess(), chosen.proposals(), feynman.ess(),
          feynman.proposals()));
    }
    warnings.addAll(normalizer.warnings());
    if (chosen.mode() != SamplingMode.EXACT) {
      HiddenMassCheck.Result mass = HiddenMassCheck.run(family, chosen.draws(),
          chosen.numDraws(), chosen.drawsEss(), options.seed(), options.threads());
      if (mass != null && !mass.passed()) {
        warnings.add("q has mass its draws miss: " + mass.describe() + " (0 for draws of q),"
            + " so the draws and the log-normaliser are unreliable (the log-normaliser is"
            + " likely too low)");
        normalizer = normalizer.withMassMissed(mass.points());
      }
    }
    return new Outcome(chosen, feynman, normalizer, List.copyOf(warnings));
  }
}
