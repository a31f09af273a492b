package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.family.Expert;
import org.poevi.family.ProductOfExperts;
import org.poevi.family.SampleOptions;
import org.poevi.family.ValidatedSampler;
import org.poevi.math.ParetoTail;

/**
 * {@link KlProjection}: on a target that is itself a product of the pool's experts the projection
 * moves α towards the target's, and its held-out gain is the true fall of KL(p; q).
 */
class KlProjectionTest {
  private static final List<Expert> POOL = List.of(
      Expert.of(new double[] {0, 0}, new double[] {1, 0.3, 0.3, 0.5}),
      Expert.of(new double[] {1.5, -0.5}, new double[] {0.8, 0, 0, 0.8}),
      Expert.of(new double[] {-1, 1}, new double[] {0.4, -0.1, -0.1, 1.2}));
  private static final double[] TARGET = {2.0, 1.2, 0.6};

  private static ProductOfExperts family(double[] alpha) {
    return ProductOfExperts.of(POOL, alpha);
  }

  /** Draws of {@code q} with log p̃ of {@link #TARGET} and log q at each, as a fit's finish. */
  private static PoeResult.Finish finish(ProductOfExperts q, int n, long seed) {
    ValidatedSampler.Outcome o = ValidatedSampler.sample(q, SampleOptions.builder().draws(n)
        .seed(seed).threads(1).build());
    double[] z = o.draws().draws();
    double[] logP = family(TARGET).logDensities(z, 0, 1);
    double[] logQ = q.logDensities(z, o.normalizer().chosenEstimate().estimate(), 1);
    return new PoeResult.Finish(o.draws(), o.normalizer(), ParetoTail.khatOfDifference(logP,
        logQ), logP, logQ);
  }

  /**
   * The true change of KL(p; q) from q_0 to q_α: E_p[Σ d_k log A_k] + log E_{q_0}[exp(−Σ d_k log
   * A_k)], d = α − α_0, over 200,000 independent draws of each; with its standard error.
   */
  private static double[] trueChange(double[] alpha0, double[] alpha) {
    int n = 200_000;
    double[] zp = ValidatedSampler.sample(family(TARGET), SampleOptions.builder().draws(n)
        .seed(91).threads(1).build()).draws().draws();
    double[] zq = ValidatedSampler.sample(family(alpha0), SampleOptions.builder().draws(n)
        .seed(92).threads(1).build()).draws().draws();
    double[] h = new double[n];
    double[] e = new double[n];
    double mh = 0;
    double me = 0;
    for (int i = 0; i < n; i++) {
      double[] p = {zp[2 * i], zp[2 * i + 1]};
      double[] q = {zq[2 * i], zq[2 * i + 1]};
      for (int k = 0; k < POOL.size(); k++) {
        h[i] += (alpha[k] - alpha0[k]) * POOL.get(k).logA(p);
        e[i] -= (alpha[k] - alpha0[k]) * POOL.get(k).logA(q);
      }
      e[i] = Math.exp(e[i]);
      mh += h[i] / n;
      me += e[i] / n;
    }
    double vh = 0;
    double ve = 0;
    for (int i = 0; i < n; i++) {
      vh += (h[i] - mh) * (h[i] - mh) / n;
      ve += (e[i] / me - 1) * (e[i] / me - 1) / n;
    }
    return new double[] {mh + Math.log(me), Math.sqrt((vh + ve) / n)};
  }

  @Test
  void movesTowardsTheTargetAndItsGainIsTheTrueOne() {
    double[] alpha0 = {1.4, 1.7, 0.3};
    KlProjection.Proposal p = KlProjection.propose(family(alpha0), finish(family(alpha0), 8000,
        5), null, 1.0 + 0.1, 1);
    assertNull(p.reason());
    assertNotNull(p.alpha());
    // Closer to the target's α in every coordinate that was off by more than 0.3.
    for (int k = 0; k < 3; k++) {
      assertTrue(Math.abs(p.alpha()[k] - TARGET[k]) < Math.abs(alpha0[k] - TARGET[k]),
          "alpha " + java.util.Arrays.toString(p.alpha()));
    }
    assertTheGainIsTrue(alpha0, p);
  }

  /**
   * KL(p; q) truly fell, and the held-out estimate of the fall is within 4 of their combined
   * standard errors of the truth (the estimate's own SE covers its sampling noise; the truth's is
   * from 200,000 draws).
   */
  private static void assertTheGainIsTrue(double[] alpha0, KlProjection.Proposal p) {
    double[] truth = trueChange(alpha0, p.alpha());
    assertTrue(-truth[0] > 0, "KL(p; q) fell by " + -truth[0]);
    assertEquals(-truth[0], p.gain(), 4 * Math.hypot(p.gainSe(), truth[1]),
        "gain " + p.gain() + " ± " + p.gainSe() + ", true " + -truth[0] + " ± " + truth[1]);
  }

  @Test
  void withChainsOfPItNeedsNoImportanceWeights() {
    // Exact draws of p stand in for the population's chains; the fit's weights are made useless
    // (k̂ 0.9, which alone stops the importance version) and are not read.
    double[] alpha0 = {1.4, 1.7, 0.3};
    PoeResult.Finish f = finish(family(alpha0), 8000, 8);
    PoeResult.Finish heavy = new PoeResult.Finish(f.draws(), f.normalizer(), 0.9,
        new double[f.logP().length], f.logQ());
    int n = 6000;
    double[] z = ValidatedSampler.sample(family(TARGET), SampleOptions.builder().draws(n)
        .seed(93).threads(1).build()).draws().draws();
    Chains chains = new Chains(z, new double[n], new double[2 * n], 2);
    KlProjection.Proposal p = KlProjection.propose(family(alpha0), heavy, chains, 1.1, 1);
    assertNull(p.reason());
    assertTheGainIsTrue(alpha0, p);
  }

  @Test
  void aQEqualToPStays() {
    // q = p: the estimated optimum is within noise of α_0, and the held-out draws do not judge
    // it closer by 2 standard errors (a false move passes about 2% of the time; fixed seed).
    KlProjection.Proposal p = KlProjection.propose(family(TARGET), finish(family(TARGET), 8000,
        6), null, 1.1, 1);
    assertNull(p.alpha(), "gain " + p.gain() + " ± " + p.gainSe());
    assertTrue(Math.abs(p.gain()) < 4 * p.gainSe(), p.gain() + " ± " + p.gainSe());
  }

  /**
   * In a fit (with a MALA population, so E_p comes from its chains) the projection runs last:
   * off, no outcome; on, the outcome, and either the projected
   * α with exactly one more finish's evaluations (output draws), or, when dropped, the same
   * model as with it off, bit for bit.
   */
  @Test
  void aFitEndsWithTheProjection() throws Exception {
    org.poevi.targets.ProductOfTTarget target = org.poevi.targets.ProductOfTTarget.of(
        org.poevi.family.ModelJson.read(java.nio.file.Path.of("conf/examples/bimodal-2d.json")));
    PoeSettings.Builder base = PoeSettings.builder().threads(2).gaussianRounds(2)
        .gaussianDraws(2000).modeStarts(8).outputDraws(2000).batchSize(512).iterations(6)
        .objective(UnderPSettings.defaults()).population(PopulationMode.ALWAYS);
    PoeResult on = new PoeFitter(base.build(), org.poevi.qp.OjAlgoQpSolver.create()).fit(target,
        new org.poevi.evaluator.LocalScoreEvaluator(target, 2), Progress.SILENT);
    PoeResult off = new PoeFitter(base.klProjection(false).build(),
        org.poevi.qp.OjAlgoQpSolver.create()).fit(target,
        new org.poevi.evaluator.LocalScoreEvaluator(target, 2), Progress.SILENT);
    assertTrue(off.projection().isEmpty());
    KlProjection.Outcome outcome = on.projection().orElseThrow();
    if (outcome.kept()) {
      assertEquals(off.scoreEvaluations() + 2000, on.scoreEvaluations(), outcome.describe());
      assertTrue(outcome.gain() > KlProjection.MIN_GAIN_SE * outcome.gainSe());
    } else {
      org.junit.jupiter.api.Assertions.assertArrayEquals(off.family().alpha(),
          on.family().alpha(), 0.0, outcome.describe());
      assertEquals(off.model().logNormalizer().estimate(),
          on.model().logNormalizer().estimate(), 0.0);
    }
  }

  @Test
  void repeatedDrawsGoToTheSameHalf() {
    double[] z = {0.25, -1.5, 3.0, 0.25, -1.5, 3.0};
    assertEquals(KlProjection.firstHalf(z, 0, 3), KlProjection.firstHalf(z, 3, 3));
    int first = 0;
    java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
    for (int i = 0; i < 10_000; i++) {
      first += KlProjection.firstHalf(new double[] {rng.nextGaussian(), rng.nextGaussian()}, 0,
          2) ? 1 : 0;
    }
    // A fair split: binomial SD of 10,000 halves is 50, so within 4 SD.
    assertEquals(5000, first, 200);
  }

  @Test
  void unreliableWeightsAreNotUsed() {
    double[] alpha0 = {1.4, 1.7, 0.3};
    PoeResult.Finish f = finish(family(alpha0), 2000, 7);
    PoeResult.Finish heavy = new PoeResult.Finish(f.draws(), f.normalizer(), 0.9, f.logP(),
        f.logQ());
    KlProjection.Proposal p = KlProjection.propose(family(alpha0), heavy, null, 1.1, 1);
    assertNull(p.alpha());
    assertTrue(p.reason().contains("k-hat"), p.reason());
  }
}
