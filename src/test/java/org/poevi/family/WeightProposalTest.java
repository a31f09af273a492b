package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.poevi.math.RandomStreams;
import org.poevi.math.SampleMoments;

class WeightProposalTest {
  /**
   * The defensive mixture's importance factor Dir(w | α)/r(w) averages to 1 under r, and weights
   * E_α[w₀] = α₀/Σα correctly, even with a component β_k = 1e-20 (log w_k near −1e19 for draws
   * from Dir(β), where the two log densities are each about 1e19 and their difference used to be
   * rounded away, biasing a fitted model's log C_α by +0.43 nats). Tolerance 4 SE of each mean.
   */
  @Test
  void importanceFactorIsUnbiasedForExtremeBeta() {
    int k = 20;
    double[] alpha = new double[k];
    double[] beta = new double[k];
    UniformRandomProvider rng = RandomStreams.of(1).stream(1);
    for (int i = 0; i < k; i++) {
      alpha[i] = 0.05 + 0.25 * rng.nextDouble();
      beta[i] = alpha[i] * (0.5 + rng.nextDouble());
    }
    beta[3] = 1e-20;
    beta[7] = 50 * alpha[7];
    assertImportanceIdentity(WeightProposal.adapted(alpha, beta).bind(
        RandomStreams.of(2).stream(1)), alpha, 200_000, 0);
  }

  /**
   * The conditional mixture's importance factor Dir(w | α)/r(w) averages to 1 under r and weights
   * E_α[w₀] = α₀/Σα correctly: the draws of each component (Dir(α) draws reweighted by the rates)
   * follow the density the factor assumes. Rates spread over e^−40…1, and one component with a
   * rate of e^−800 on all but one expert, whose Σ_k a_k w_k underflows as a dot product and is
   * taken in logs. Tolerance 4 SE of each mean.
   */
  @Test
  void conditionalMixtureFactorIsADensityRatio() {
    int k = 7;
    int components = 5;
    double[] alpha = {0.05, 0.3, 2.5, 0.8, 12, 0.15, 1.1};
    UniformRandomProvider rng = RandomStreams.of(3).stream(1);
    double[] logRates = new double[components * k];
    for (int i = 0; i < logRates.length; i++) {
      logRates[i] = -40 * rng.nextDouble();
    }
    for (int i = 1; i < k; i++) {
      logRates[(components - 1) * k + i] = -800;
    }
    assertImportanceIdentity(WeightProposal.conditionalMixture(alpha, logRates).bind(
        RandomStreams.of(4).stream(1)), alpha, 400_000, 0, 4);
  }

  /**
   * Under n draws of {@code proposal}, the importance factor Dir(w | α)/r(w) averages to 1 and
   * weights E_α[w_k] = α_k/Σα for each of {@code checked}, within 4 SE of each mean.
   */
  private static void assertImportanceIdentity(WeightProposal.Bound proposal, double[] alpha,
      int n, int... checked) {
    int k = alpha.length;
    double total = 0;
    for (double a : alpha) {
      total += a;
    }
    double[] w = new double[k];
    double[] logW = new double[k];
    double[] factor = new double[n];
    double[][] weighted = new double[checked.length][n];
    for (int i = 0; i < n; i++) {
      double c = Math.exp(proposal.sample(w, 0, logW, 0));
      factor[i] = c;
      for (int j = 0; j < checked.length; j++) {
        weighted[j][i] = c * w[checked[j]];
      }
    }
    double[] f = SampleMoments.meanAndStandardError(factor);
    assertEquals(1, f[0], 4 * f[1], "mean importance factor");
    for (int j = 0; j < checked.length; j++) {
      double[] m = SampleMoments.meanAndStandardError(weighted[j]);
      assertEquals(alpha[checked[j]] / total, m[0], 4 * m[1], "E[w_" + checked[j] + "]");
    }
  }
}
