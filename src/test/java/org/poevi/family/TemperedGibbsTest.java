package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.commons.numbers.gamma.LogGamma;
import org.junit.jupiter.api.Test;
import org.poevi.math.Cholesky;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.RandomStreams;

class TemperedGibbsTest {
  /** A random SPD matrix, A Aᵀ/D + 0.5 I. */
  private static double[] spd(int dim, long seed) {
    var normal = org.apache.commons.rng.sampling.distribution.ZigguratSampler.NormalizedGaussian
        .of(RandomStreams.of(seed).stream(1));
    double[] a = new double[dim * dim];
    for (int i = 0; i < a.length; i++) {
      a[i] = normal.sample();
    }
    double[] s = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        double v = 0;
        for (int k = 0; k < dim; k++) {
          v += a[i * dim + k] * a[j * dim + k];
        }
        s[i * dim + j] = v / dim + (i == j ? 0.5 : 0);
      }
    }
    return s;
  }

  /** ∫(1 + (z − μ)ᵀΛ(z − μ))^(−α) dz = π^(D/2) |Λ|^(−1/2) Γ(α − D/2)/Γ(α). */
  private static double singleTLogC(double[] lambda, int dim, double alpha) {
    double[] l = Cholesky.pack(lambda, dim);
    Cholesky.factor(l, 0, dim);
    return 0.5 * dim * Math.log(Math.PI) - 0.5 * Cholesky.logDeterminant(l, 0, dim)
        + LogGamma.value(alpha - 0.5 * dim) - LogGamma.value(alpha);
  }

  /** A single t expert has a closed-form normaliser; the estimate is within 4 of its SEs. */
  @Test
  void aSingleTExpertsNormaliserIsTheClosedForm() {
    for (int dim : new int[] {2, 10}) {
      double[] lambda = spd(dim, dim);
      double alpha = 0.5 * dim + 2.5;
      double[] mu = new double[dim];
      mu[0] = 3;
      ProductOfExperts family = ProductOfExperts.of(List.of(Expert.of(mu, lambda)),
          new double[] {alpha});
      ZSpaceNormalizer.Result r = TemperedGibbs.estimate(family, RandomStreams.of(1), 0, 1);
      assertNull(r.failure());
      LogMeanEstimate e = r.estimate();
      double truth = singleTLogC(lambda, dim, alpha);
      assertTrue(e.standardError() < 0.05, "D=" + dim + ": " + e);
      assertEquals(truth, e.estimate(), 4 * e.standardError(), "D=" + dim + ": " + e);
      assertTrue(e.isReliable(), e.toString());
    }
  }

  /** Two rank-one experts (each Λ_k singular) whose product is normalisable: log C = log 4√2. */
  @Test
  void singularExpertsWhoseProductIsNormalisable() {
    ProductOfExperts family = TestModels.rankOnePair2d().family();
    LogMeanEstimate e = TemperedGibbs.estimate(family, RandomStreams.of(2), 0, 1).estimate();
    assertEquals(TestModels.RANK_ONE_PAIR_LOG_C, e.estimate(), 4 * e.standardError(),
        e.toString());
  }

  /**
   * Forty experts at D = 10 with Σα = D/2 + 30: the estimate agrees with the z-space importance
   * estimate (reliable there) within 4 SE of their difference, and the draws' means agree with
   * the importance draws' within 4 SE.
   */
  @Test
  void manyExpertsAgreeWithImportanceSampling() {
    ProductOfExperts family = TestModels.random(10, 40, 30, 5);
    ZSpaceNormalizer.Result t = TemperedGibbs.estimate(family, RandomStreams.of(3), 20_000, 2);
    ZSpaceNormalizer.Result z = ZSpaceNormalizer.estimate(family, RandomStreams.of(4), 0,
        100_000, 2, 20_000);
    assertTrue(z.estimate().isReliable(), z.estimate().toString());
    assertTrue(t.estimate().isReliable(), t.estimate().toString());
    double se = Math.hypot(t.estimate().standardError(), z.estimate().standardError());
    assertEquals(z.estimate().estimate(), t.estimate().estimate(), 4 * se,
        t.estimate() + " against " + z.estimate());
    SampleResult a = t.draws();
    SampleResult b = z.draws();
    assertEquals(20_000, a.numDraws());
    assertTrue(a.ess() > 1000 && a.ess() <= 20_000, "ESS " + a.ess());
    for (int d = 0; d < 10; d++) {
      double[] ma = moments(a, d);
      double[] mb = moments(b, d);
      double seMean = Math.sqrt(ma[1] / a.ess() + mb[1] / b.ess());
      assertEquals(mb[0], ma[0], 4 * seMean, "coordinate " + d);
    }
  }

  private static double[] moments(SampleResult r, int d) {
    double mean = 0;
    for (int i = 0; i < r.numDraws(); i++) {
      mean += r.draws()[i * r.dim() + d];
    }
    mean /= r.numDraws();
    double var = 0;
    for (int i = 0; i < r.numDraws(); i++) {
      double v = r.draws()[i * r.dim() + d] - mean;
      var += v * v;
    }
    return new double[] {mean, var / (r.numDraws() - 1)};
  }

  /** Every particle and resampling has its own stream: 1 and 2 threads give the same bits. */
  @Test
  void theSameBitsOnOneAndTwoThreads() {
    ProductOfExperts family = TestModels.random(4, 12, 6, 7);
    ZSpaceNormalizer.Result one = TemperedGibbs.estimate(family, RandomStreams.of(9), 3000, 1);
    ZSpaceNormalizer.Result two = TemperedGibbs.estimate(family, RandomStreams.of(9), 3000, 2);
    assertEquals(one.estimate(), two.estimate());
    assertArrayEquals(one.draws().draws(), two.draws().draws());
  }

  /** The Gamma variates have the right mean and variance, below and above shape 1. */
  @Test
  void gammaVariates() {
    var rng = RandomStreams.of(11).stream(0);
    var normal = org.apache.commons.rng.sampling.distribution.ZigguratSampler.NormalizedGaussian
        .of(rng);
    int n = 200_000;
    for (double shape : new double[] {0.05, 0.7, 1, 3.5, 40}) {
      double sum = 0;
      double sumSq = 0;
      for (int i = 0; i < n; i++) {
        double g = GammaGibbs.gamma(shape, rng, normal);
        sum += g;
        sumSq += g * g;
      }
      double mean = sum / n;
      double var = sumSq / n - mean * mean;
      // Mean: SE √(shape/n). Variance: SE of a sample variance, √((μ4 − σ⁴)/n), with the Gamma's
      // μ4 = 3 shape² + 6 shape.
      assertEquals(shape, mean, 4 * Math.sqrt(shape / n), "mean at shape " + shape);
      assertEquals(shape, var, 4 * Math.sqrt((2 * shape * shape + 6 * shape) / n),
          "variance at shape " + shape);
    }
  }
}
