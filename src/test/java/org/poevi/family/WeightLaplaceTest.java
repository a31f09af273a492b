package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.math.SampleMoments;

/**
 * The logistic t proposal for the Feynman weights: its importance factor is a density ratio, and
 * the Laplace fit keeps the weights effective where Dir(α)'s collapse (issue #20).
 */
class WeightLaplaceTest {
  /**
   * Under the logistic t over the large experts {1, 3, 4} (the small ones from the prior), the
   * factor Dir(w | α)/r(w) averages to 1 and reweights E[w_k] to α_k/Σα, for a small and a large
   * k. The t sits near Dir(α_L)'s log-ratios with 1.5× their sd, so the factor has finite variance;
   * tolerance 4 SE of each mean.
   */
  @Test
  void importanceFactorIsADensityRatio() {
    double[] alpha = {0.05, 40, 0.5, 100, 3};
    int[] large = {1, 3, 4};
    double total = 143.55;
    // η_j = log(u_j/u_4) for j = 1, 3: mean about log(α_j/α_4), variance about 1/α_j + 1/α_4.
    double[] location = {Math.log(40 / 3.0), Math.log(100 / 3.0)};
    double v4 = 1 / 3.0;
    double[] scale = {2.25 * (1 / 40.0 + v4), 2.25 * v4, 2.25 * v4, 2.25 * (1 / 100.0 + v4)};
    WeightProposal.Bound proposal = WeightProposal.logistic(alpha, large,
        MultivariateT.of(location, scale, 5)).bind(RandomStreams.of(3).stream(1));
    int n = 200_000;
    double[] w = new double[5];
    double[] logW = new double[5];
    double[] factor = new double[n];
    double[] w0 = new double[n];
    double[] w3 = new double[n];
    for (int i = 0; i < n; i++) {
      double c = Math.exp(proposal.sample(w, 0, logW, 0));
      double sum = 0;
      for (int k = 0; k < 5; k++) {
        sum += w[k];
        assertEquals(Math.log(w[k]), logW[k], 1e-12 * Math.max(1, Math.abs(logW[k])));
      }
      assertEquals(1, sum, 1e-12);
      factor[i] = c;
      w0[i] = c * w[0];
      w3[i] = c * w[3];
    }
    double[] f = SampleMoments.meanAndStandardError(factor);
    assertEquals(1, f[0], 4 * f[1], "mean importance factor");
    double[] m0 = SampleMoments.meanAndStandardError(w0);
    assertEquals(alpha[0] / total, m0[0], 4 * m0[1], "E[w_0]");
    double[] m3 = SampleMoments.meanAndStandardError(w3);
    assertEquals(alpha[3] / total, m3[0], 4 * m3[1], "E[w_3]");
  }

  /**
   * A structured family at D = 200 whose experts' scales c_k differ (0.2 to 1.2, as a fitted pool's
   * do): Dir(α) keeps almost none of its C(w)-weighted proposals effective, the Laplace fit keeps
   * most, and the sampler chooses it. Thresholds: under 1% and over 50% of 25,600.
   */
  @Test
  void theLaplaceFitKeepsTheWeightsEffectiveAtHighD() {
    ProductOfExperts family = StructuredExpertTest.structured(200, new int[] {2, 1, 3, 2}, 105, 3);
    FeynmanSampler sampler = FeynmanSampler.of(family);
    RandomStreams streams = RandomStreams.of(4);
    ProposalPool prior = new ProposalPool(sampler, sampler.prior, 0, false);
    prior.extend(25_600, streams, 0, 2);
    assertTrue(prior.ess() < 0.01 * prior.size, "prior ESS " + prior.ess());
    WeightProposal laplace = WeightLaplace.fit(sampler);
    assertNotNull(laplace);
    ProposalPool pool = new ProposalPool(sampler, laplace, 2, false);
    pool.extend(25_600, streams, 0, 2);
    assertTrue(pool.ess() > 0.5 * pool.size, "logistic ESS " + pool.ess());
    SampleResult r = sampler.sample(SampleOptions.builder().draws(2000).seed(5).threads(2)
        .normalizerDraws(25_600).build());
    assertEquals("logistic-t", r.proposal());
    assertTrue(r.ess() > 0.5 * r.proposals(), "sampler ESS " + r.ess());
  }

  /**
   * At D = 12, where Dir(α)'s weights are reliable with 10⁶ proposals (k̂ below PSIS's 0.7, so
   * their standard error holds), both estimates of log C_α agree within 4 of their combined
   * standard errors.
   */
  @Test
  void theLogisticNormaliserAgreesWithTheDirichletOne() {
    ProductOfExperts family = StructuredExpertTest.structured(12, new int[] {1, 2, 0}, 11, 6);
    FeynmanSampler sampler = FeynmanSampler.of(family);
    RandomStreams streams = RandomStreams.of(7);
    ProposalPool prior = new ProposalPool(sampler, sampler.prior, 0, false);
    prior.extend(1_000_000, streams, 0, 2);
    LogMeanEstimate a = LogMeanEstimate.of(prior.logWeight, 0, (int) prior.size);
    assertTrue(a.khat() < 0.7, "the reference needs reliable weights: k-hat " + a.khat());
    ProposalPool pool = new ProposalPool(sampler, WeightLaplace.fit(sampler), 2, false);
    pool.extend(200_000, streams, 0, 2);
    LogMeanEstimate b = LogMeanEstimate.of(pool.logWeight, 0, (int) pool.size);
    double se = Math.hypot(a.standardError(), b.standardError());
    assertEquals(a.estimate(), b.estimate(), 4 * se, "Dirichlet " + a + " against " + b);
  }
}
