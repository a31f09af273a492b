package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.RandomStreams;

class NormalizerValidationTest {
  private static LogMeanEstimate est(double value, double se, double khat) {
    return new LogMeanEstimate(value, se, 100_000, khat, 50_000);
  }

  private static ZSpaceNormalizer.Result z(double value, double se, double khat) {
    return new ZSpaceNormalizer.Result(est(value, se, khat), true);
  }

  @Test
  void reliableAndAgreeingUsesDirichletWithoutWarnings() {
    NormalizerValidation v = NormalizerValidation.decide(est(1.000, 0.01, 0.2),
        z(1.02, 0.01, 0.1));
    assertTrue(v.agree());
    assertEquals(NormalizerValidation.Source.DIRICHLET, v.chosen());
    assertTrue(v.warnings().isEmpty());
  }

  /** Both reliable and agreeing: the smaller standard error wins, without a warning. */
  @Test
  void reliableAndAgreeingTakesTheMorePreciseOne() {
    NormalizerValidation v = NormalizerValidation.decide(est(1.000, 0.05, 0.6),
        z(1.13, 0.004, 0.1));
    assertTrue(v.agree());
    assertEquals(NormalizerValidation.Source.Z_SPACE, v.chosen());
    assertTrue(v.warnings().isEmpty(), v.warnings().toString());
    // An unreliable z-space estimate is not taken for its small error.
    v = NormalizerValidation.decide(est(1.000, 0.05, 0.6), z(1.13, 0.004, 0.8));
    assertEquals(NormalizerValidation.Source.DIRICHLET, v.chosen());
  }

  @Test
  void unreliableDirichletYieldsToZSpace() {
    NormalizerValidation v = NormalizerValidation.decide(est(-3, 0.01, 0.9), z(2, 0.02, 0.3));
    assertFalse(v.agree());
    assertEquals(NormalizerValidation.Source.Z_SPACE, v.chosen());
    assertEquals(1, v.warnings().size());
    assertTrue(v.warnings().get(0).contains("disagree"), v.warnings().get(0));
  }

  /** Both look reliable yet disagree: importance sampling that misses mass errs low. */
  @Test
  void reliableButDisagreeingTakesTheLarger() {
    NormalizerValidation v = NormalizerValidation.decide(est(1, 0.01, 0.3), z(1.5, 0.01, 0.3));
    assertEquals(NormalizerValidation.Source.Z_SPACE, v.chosen());
    v = NormalizerValidation.decide(est(1.5, 0.01, 0.3), z(1, 0.01, 0.3));
    assertEquals(NormalizerValidation.Source.DIRICHLET, v.chosen());
    assertEquals(1, v.warnings().size());
  }

  /** A z-space estimate whose proposal cannot follow q's tails is not trusted, k̂ or not. */
  @Test
  void uncoveredTailsMakeTheZSpaceEstimateUnreliable() {
    NormalizerValidation v = NormalizerValidation.decide(est(-3, 0.01, 0.9),
        new ZSpaceNormalizer.Result(est(2, 0.02, 0.3), false));
    assertTrue(v.warnings().stream().anyMatch(w -> w.contains("cannot cover")), v.warnings()
        .toString());
    // Neither is reliable now: the smaller k-hat (z-space's) is used, with a warning.
    assertEquals(NormalizerValidation.Source.Z_SPACE, v.chosen());
    assertTrue(v.warnings().stream().anyMatch(w -> w.contains("neither")));
  }

  @Test
  void neitherReliableTakesTheSmallerKhatAndSaysSo() {
    NormalizerValidation v = NormalizerValidation.decide(est(1, 0.01, 1.2), z(1.5, 0.01, 0.8));
    assertEquals(NormalizerValidation.Source.Z_SPACE, v.chosen());
    assertEquals(2, v.warnings().size());
    assertTrue(v.warnings().get(0).contains("neither"), v.warnings().get(0));
  }

  /**
   * A k̂ of NaN (too few draws to fit a tail) is no evidence of reliability: a Dirichlet estimate
   * with it yields, with a warning, to an agreeing reliable z-space one (it used to be taken
   * silently), and against an unreliable z-space one (k̂ 0.9) it ranks last.
   */
  @Test
  void aNanKhatIsNotReliable() {
    NormalizerValidation v = NormalizerValidation.decide(est(1.00, 0.01, Double.NaN),
        z(1.01, 0.01, 0.2));
    assertTrue(v.agree());
    assertEquals(NormalizerValidation.Source.Z_SPACE, v.chosen());
    assertEquals(1, v.warnings().size());
    assertTrue(v.warnings().get(0).contains("k-hat NaN"), v.warnings().get(0));
    v = NormalizerValidation.decide(est(1.00, 0.01, Double.NaN), z(1.01, 0.01, 0.9));
    assertEquals(NormalizerValidation.Source.Z_SPACE, v.chosen());
    assertTrue(v.warnings().get(0).contains("neither"), v.warnings().get(0));
  }

  /**
   * A z-space check that could not fit its proposal says so, with its reason, in the warnings the
   * caller reports (ValidatedSampler passes them on), instead of a silent NaN or the unrelated
   * tails warning; the Dirichlet estimate is used and no comparison with NaN is claimed.
   */
  @Test
  void aFailedZSpaceCheckIsAWarning() {
    String reason = "its t proposal could not be fitted to the 20000 C(w)-weighted Feynman draws";
    NormalizerValidation v = NormalizerValidation.decide(est(1, 0.01, 0.2),
        ZSpaceNormalizer.Result.failed(true, reason));
    assertEquals(NormalizerValidation.Source.DIRICHLET, v.chosen());
    assertEquals(1, v.warnings().size(), v.warnings().toString());
    assertTrue(v.warnings().get(0).startsWith("the z-space check of the log-normaliser gave no"
        + " estimate: " + reason + "; the Dirichlet estimate 1.0000"), v.warnings().get(0));
    v = NormalizerValidation.decide(est(1, 0.01, 0.9),
        ZSpaceNormalizer.Result.failed(false, reason));
    assertEquals(NormalizerValidation.Source.DIRICHLET, v.chosen());
    assertEquals(2, v.warnings().size(), v.warnings().toString());
    assertTrue(v.warnings().get(0).contains(reason), v.warnings().get(0));
    assertTrue(v.warnings().get(1).contains("neither"), v.warnings().get(1));
  }

  /**
   * A narrow expert (Λ = 100, α = 0.3) with a very broad one (Λ = 1e-10, α = 0.3): under Dir(α),
   * C(w) ∝ |Λ(w)|^(−1/2) explodes as the narrow expert's weight vanishes, a Pareto-like tail of
   * index 0.6 over ten decades. The paper's estimate is flagged by k̂ &gt; 0.7, the validation
   * falls back on the z-space estimate, and that one, like the sampler's estimate with an adapted
   * proposal (now the conditional mixture), matches quadrature within 4 of its standard errors.
   */
  @Test
  void heavyTailedDirichletWeightsAreCaught() {
    ProductOfExperts f = ProductOfExperts.of(
        List.of(TestModels.expert1d(0, 1e-10), TestModels.expert1d(0.5, 100)),
        new double[] {0.3, 0.3});
    double truth = Reference.of(new TestModels.Case("heavy", f, new double[] {0.5}, 0.1))
        .logNormalizer();
    FeynmanSampler sampler = FeynmanSampler.of(f);
    LogMeanEstimate paper = LogMeanEstimate.of(
        sampler.weighted(RandomStreams.of(1), 0, 200_000, 2).logWeights());
    assertTrue(paper.khat() > 0.7, "k-hat " + paper.khat());
    SampleResult r = sampler.sample(SampleOptions.builder().draws(20_000).seed(1).threads(2)
        .build());
    ZSpaceNormalizer.Result zResult = ZSpaceNormalizer.estimate(f, RandomStreams.of(1), 0,
        200_000, 2);
    LogMeanEstimate zSpace = zResult.estimate();
    NormalizerValidation v = NormalizerValidation.decide(paper, zResult);
    assertEquals(NormalizerValidation.Source.Z_SPACE, v.chosen());
    assertFalse(v.warnings().isEmpty());
    assertEquals(truth, v.chosenEstimate().estimate(), 4 * zSpace.standardError());
    assertNotEquals("dirichlet", r.proposal(), "an adapted proposal");
    assertTrue(r.normalizer().isReliable());
    assertEquals(truth, r.normalizer().estimate(), 4 * r.normalizer().standardError());
  }

  /**
   * A model fitted by the paper's Algorithm 1 without step control (banana, ν = 104, 64 active
   * experts): its Dir(α) weights keep about one effective draw, and the Dirichlet estimate from
   * them is tens of nats low. The sampler's conditional mixture now keeps its weights effective,
   * and the normaliser the validation chooses matches quadrature within 4 SE; so does the z-space
   * check on its own, whose proposal starts from q's Laplace approximation when q's draws cannot
   * shape it.
   */
  @Test
  void degenerateFeynmanWeightsStillGetAValidatedNormaliser() throws Exception {
    ProductOfExperts f = ModelJson.read(java.nio.file.Path.of(getClass()
        .getResource("/models/banana-paper-fit.json").toURI())).family();
    LogMeanEstimate prior = LogMeanEstimate.of(FeynmanSampler.of(f).weighted(RandomStreams.of(1),
        0, 100_000, 2).logWeights());
    assertTrue(prior.ess() < 20, "Dir(alpha) keeps " + prior.ess());
    ValidatedSampler.Outcome outcome = ValidatedSampler.sample(f, SampleOptions.builder()
        .draws(5000).seed(1).threads(2).build());
    double truth = Reference.of(new TestModels.Case("paper fit", f, meanOf(outcome.draws()),
        0.5), 1e-5).logNormalizer();
    assertTrue(truth - prior.estimate() > 5, "Dir(alpha)'s estimate " + prior + " against "
        + truth);
    LogMeanEstimate chosen = outcome.normalizer().chosenEstimate();
    assertEquals(truth, chosen.estimate(), 4 * chosen.standardError() + 1e-5,
        "quadrature " + truth + ", reported " + chosen);
    LogMeanEstimate zSpace = ZSpaceNormalizer.estimate(f, RandomStreams.of(1), 0, 100_000, 2)
        .estimate();
    assertEquals(truth, zSpace.estimate(), 4 * zSpace.standardError() + 1e-5,
        "quadrature " + truth + ", z space " + zSpace);
  }

  private static double[] meanOf(SampleResult r) {
    double[] m = new double[r.dim()];
    for (int i = 0; i < r.numDraws(); i++) {
      for (int d = 0; d < r.dim(); d++) {
        m[d] += r.draws()[i * r.dim() + d] / r.numDraws();
      }
    }
    return m;
  }
}
