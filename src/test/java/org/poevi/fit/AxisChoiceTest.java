package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.simple.RandomSource;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.ProductOfExperts;
import org.poevi.qp.OjAlgoQpSolver;
import org.poevi.targets.ExactTarget;
import org.poevi.targets.FunnelTarget;
import org.poevi.targets.SinhArcsinhTarget;
import org.poevi.targets.Target;

/**
 * experts.axes = auto ({@link AxisChoice}): its importance-sampling estimates, and its choice on a
 * target whose coordinates each have their own skew and tails (kept, and q closer to p) and on a
 * funnel (dropped, and the fit without them bit for bit).
 */
class AxisChoiceTest {
  private static ExpertPool.Settings pool(AxisMode mode) {
    ExpertPool.Settings d = ExpertPool.Settings.defaults();
    return d.withAxes(mode);
  }

  private static PoeResult fit(Target target, AxisMode mode, int modeStarts) {
    // The coordinate experts alone (no priced ones: PricingTest has those).
    return new PoeFitter(PoeSettings.builder().threads(2).modeStarts(modeStarts)
        .gaussianRounds(2).gaussianDraws(2000).iterations(5).batchSize(512).outputDraws(2000)
        .experts(pool(mode)).build().withRefine(0, 4), OjAlgoQpSolver.create()).fit(target,
        new LocalScoreEvaluator(target, 2), Progress.SILENT);
  }

  /** q = p up to the constant c: KL 0 exactly, ELBO c; and KL(N(μ, 1); N(0, 1)) = μ²/2. */
  @Test
  void importanceEstimatesOfKnownDivergences() {
    double[] logQ = {-1.2, -0.3, -2.5, -0.9};
    double[] logP = logQ.clone();
    for (int i = 0; i < logP.length; i++) {
      logP[i] += 1.75;
    }
    AxisChoice.Estimates same = AxisChoice.estimates(logP, logQ, 0);
    assertEquals(0, same.kl(), 1e-15);
    assertEquals(1.75, same.elbo(), 1e-15);
    UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(7);
    int n = 200_000;
    double mu = 0.5;
    double[] p = new double[n];
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      double z = org.apache.commons.rng.sampling.distribution.ZigguratSampler.NormalizedGaussian
          .of(rng).sample();
      q[i] = -0.5 * z * z;
      p[i] = -0.5 * (z - mu) * (z - mu) + 3; // unnormalised: log Z = 3
    }
    AxisChoice.Estimates e = AxisChoice.estimates(p, q, 0);
    // Within 4 of the estimate's own (delta-method) standard errors.
    assertEquals(mu * mu / 2, e.kl(), 4 * e.klSe());
    // The ELBO is log Z − KL(q; p) = 3 − μ²/2, within 4 SE.
    assertEquals(3 - mu * mu / 2, e.elbo(), 4 * e.elboSe());
    assertTrue(e.klSe() < 0.01 && e.elboSe() < 0.01, e.toString());
  }

  /**
   * Sinh-arcsinh in D = 4, each coordinate skewed and heavy-tailed: auto keeps the coordinate
   * experts, and over 20,000 exact draws log q is higher than without them by more than 4
   * standard errors of the paired mean difference (that difference is KL(p; q_never) −
   * KL(p; q_auto)).
   */
  @Test
  void keptWhereEachCoordinateHasItsOwnShape() {
    SinhArcsinhTarget target = SinhArcsinhTarget.of(4, 0.3, 0.7, 0.5);
    PoeResult auto = fit(target, AxisMode.AUTO, 8);
    PoeResult never = fit(target, AxisMode.NEVER, 8);
    assertTrue(auto.axes().orElseThrow().kept(), auto.axes().toString());
    double[] gain = pairedLogQ(target, auto, never, 20_000);
    assertTrue(gain[0] > 4 * gain[1], "mean log q gain " + gain[0] + " ± " + gain[1]);
    assertTrue(never.axes().isEmpty());
  }

  /**
   * The funnel, where coordinate experts fitted to draws that miss the neck make q worse
   * (docs/benchmarks.md): whatever auto does, its q is not further from p than the fit without
   * them, by more than 4 standard errors of the paired mean of log q over 20,000 exact draws; and
   * unless it keeps them, the fit is the one without them, bit for bit.
   */
  @Test
  void neverWorseOnAFunnel() {
    FunnelTarget target = FunnelTarget.of(3, 3);
    PoeResult auto = fit(target, AxisMode.AUTO, 8);
    PoeResult never = fit(target, AxisMode.NEVER, 8);
    String outcome = auto.axes().map(AxisChoice.Outcome::describe).orElse("none compared");
    double[] gain = pairedLogQ(target, auto, never, 20_000);
    assertTrue(gain[0] >= -4 * gain[1], outcome + "; exact draws: " + gain[0] + " ± " + gain[1]);
    if (!auto.axes().map(AxisChoice.Outcome::kept).orElse(false)) {
      assertArrayEquals(never.family().alpha(), auto.family().alpha());
    }
  }

  /** {mean, standard error} over exact draws of log q_a − log q_b (normalised). */
  static double[] pairedLogQ(ExactTarget target, PoeResult a, PoeResult b, int n) {
    int dim = target.dim();
    double[] z = new double[n * dim];
    target.sample(RandomSource.SPLIT_MIX_64.create(11), n, z, 0);
    double[] qa = logQ(a, z);
    double[] qb = logQ(b, z);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = qa[i] - qb[i];
    }
    return org.poevi.math.SampleMoments.meanAndStandardError(d);
  }

  private static double[] logQ(PoeResult r, double[] z) {
    ProductOfExperts family = r.family();
    return family.logDensities(z, r.finish().normalizer().chosenEstimate().estimate(), 2);
  }
}
