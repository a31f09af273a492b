package org.poevi.fit;

import java.util.List;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.NormalizerValidation;
import org.poevi.family.ProductOfExperts;
import org.poevi.family.SampleOptions;
import org.poevi.family.SampleResult;
import org.poevi.family.ValidatedSampler;
import org.poevi.math.MultivariateT;
import org.poevi.math.ParetoTail;

/**
 * The finish of a product-of-experts fit ({@link PoeFitter}): unweighted draws of the fitted q,
 * its validated log-normaliser, log p̃ and log q at those draws (draws.csv's lp__ and lq__), and
 * the PSIS k̂ of log p̃ − log q over them.
 *
 * @param evaluator where the target is evaluated
 * @param run the run's settings (output draws, seed, threads)
 * @param progress where the sampler reports
 */
record FitFinish(ScoreEvaluator evaluator, RunSettings run, Progress progress) {

  /**
   * The z-space normaliser's proposal: the under-p proposal around {@code gaussian}, with the
   * chosen objective's settings, or under q the under-p defaults'.
   */
  static MultivariateT proposal(ObjectiveSettings objective, GaussianFit gaussian) {
    return (objective instanceof UnderPSettings underP ? underP : UnderPSettings.defaults())
        .proposal(gaussian);
  }

  /**
   * The finish of {@code family}; {@code proposal} is the z-space normaliser's proposal over the
   * target's bulk (a fitted q holds its mass there, even when its own sampler is drawn to a spike
   * elsewhere). Warnings go to {@code warnings}.
   */
  PoeResult.Finish of(ProductOfExperts family, MultivariateT proposal, List<String> warnings) {
    ValidatedSampler.Outcome outcome = ValidatedSampler.sample(family, SampleOptions.builder()
        .draws(run.outputDraws()).seed(run.seed()).threads(run.threads()).build(), proposal,
        progress::advance);
    SampleResult sample = outcome.draws();
    NormalizerValidation normalizer = outcome.normalizer();
    List<String> added = new java.util.ArrayList<>(outcome.warnings());
    int n = sample.numDraws();
    double[] logP = new double[n];
    evaluator.logDensities(sample.draws(), n, logP);
    double[] logQ = family.logDensities(sample.draws(), normalizer.chosenEstimate().estimate(),
        run.threads());
    double khat = ParetoTail.khatOfDifference(logP, logQ);
    khatWarning(khat).ifPresent(added::add);
    warnings.addAll(added);
    return new PoeResult.Finish(sample, normalizer, khat, logP, logQ, added);
  }

  /** The warning a PSIS k̂ of log p̃ − log q above 0.7 gives, if any. */
  static java.util.Optional<String> khatWarning(double khat) {
    return khat > ParetoTail.RELIABLE_KHAT ? java.util.Optional.of(String.format("PSIS k-hat of"
        + " log p - log q is %.2f > 0.7: q misses parts of p (importance-weighted estimates"
        + " under q are unreliable)", khat)) : java.util.Optional.empty();
  }
}
