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
 *   <li>The reported log C_α follows {@link NormalizerValidation}; the draws are the exact ones if
 *       exact mode ran, otherwise whichever SIR keeps more effective draws. With many active
 *       experts of small α the Feynman weights can keep a few hundred effective draws out of
 *       millions, while the z-space weights keep a large fraction: then the draws come from z.
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
    NormalizerValidation normalizer = NormalizerValidation.decide(feynman.normalizer(), z);
    parts.done(2, 2);
    SampleResult chosen = feynman;
    List<String> warnings = new ArrayList<>();
    if (feynman.mode() != SamplingMode.EXACT && z.draws() != null && z.tailsCovered()
        && z.estimate().isReliable() && z.draws().ess() > feynman.ess()) {
      chosen = z.draws();
    } else {
      warnings.addAll(feynman.warnings());
    }
    if (chosen != feynman) {
      warnings.add(String.format("draws come from SIR in z space (ESS %.0f of %d) because the"
          + " Feynman weights kept only %.0f effective draws of %d", chosen.ess(),
          chosen.proposals(), feynman.ess(), feynman.proposals()));
    }
    warnings.addAll(normalizer.warnings());
    return new Outcome(chosen, feynman, normalizer, List.copyOf(warnings));
  }
}
