package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.math.RandomStreams;
import org.poevi.math.SampleMoments;

/** p's covariance pooled over the MALA steps of a small population (issue #20). */
class PooledCovarianceTest {
  private static final int DIM = ResampleMoveTest.DIM;

  /** KL(N(0, B) ‖ N(0, A)) against its closed form for B = c·A and for diagonal matrices. */
  @Test
  void halvesKlMatchesClosedForms() {
    int dim = 6;
    double[] a = RandomExperts.spd(RandomStreams.of(2).stream(0), dim, 1);
    double c = 1.7;
    double[] b = a.clone();
    for (int i = 0; i < b.length; i++) {
      b[i] *= c;
    }
    assertEquals(0.5 * dim * (c - 1 - Math.log(c)), PooledCovariance.halvesKl(a, b, dim), 1e-12);
    assertEquals(0, PooledCovariance.halvesKl(a, a, dim), 1e-12);
    double[] da = new double[dim * dim];
    double[] db = new double[dim * dim];
    double expected = 0;
    for (int i = 0; i < dim; i++) {
      da[i * dim + i] = 1 + i;
      db[i * dim + i] = 2.5 / (1 + i);
      double r = db[i * dim + i] / da[i * dim + i];
      expected += 0.5 * (r - 1 - Math.log(r));
    }
    assertEquals(expected, PooledCovariance.halvesKl(da, db, dim), 1e-12);
    db[0] = -1;
    assertEquals(Double.POSITIVE_INFINITY, PooledCovariance.halvesKl(da, db, dim));
  }

  /**
   * Shrinkage towards κ·S: with S = 2·I and a pooled C = diag(1, 3, 5, ...), κ = tr(S⁻¹C)/D and
   * ‖S^{-1/2}(C − κS)S^{-1/2}‖²_F = Σ(c_d/2 − κ)²; ρ is the noise over that, capped at 1.
   */
  @Test
  void shrinkageWeighsNoiseAgainstSpread() {
    int dim = 5;
    double[] prior = new double[dim * dim];
    double[] pooled = new double[dim * dim];
    double kappa = 0;
    for (int d = 0; d < dim; d++) {
      prior[d * dim + d] = 2;
      pooled[d * dim + d] = 1 + 2 * d;
      kappa += (1 + 2 * d) / 2.0 / dim;
    }
    double spread = 0;
    for (int d = 0; d < dim; d++) {
      spread += Math.pow((1 + 2 * d) / 2.0 - kappa, 2);
    }
    double[] factor = prior.clone();
    for (int d = 0; d < dim; d++) {
      factor[d * dim + d] = Math.sqrt(2);
    }
    double[] target = prior.clone();
    assertEquals(0.3, PooledCovariance.shrinkage(pooled, target, factor, 0.3 * spread, dim),
        1e-12);
    assertEquals(2 * kappa, target[0], 1e-12, "the prior becomes kappa S");
    assertEquals(1, PooledCovariance.shrinkage(pooled, prior.clone(), factor, 5 * spread, dim));
    assertEquals(0, PooledCovariance.shrinkage(pooled, prior.clone(), factor, Double.NaN, dim));
  }

  /**
   * Stein's ratio −½(G⁻¹C + CG⁻ᵀ) is a Gaussian's covariance exactly, from D + 5 arbitrary
   * positions whose own covariance C is nothing like it: ∇log p = −Σ⁻¹(z − μ) makes G = −CΣ⁻¹
   * position by position, over one group or two; and the mean z̄ + Σ·s̄ is μ exactly, for the same
   * reason. Only rounding is left: 1e-9 of Σ's largest
   * entry for D = 6 and a condition number below 100. With no usable scores (G = 0, singular)
   * it falls back to C.
   */
  @Test
  void steinRatioIsExactForAGaussian() {
    int dim = 6;
    int n = dim + 5;
    UniformRandomProvider rng = RandomStreams.of(5).stream(0);
    double[] sigma = RandomExperts.spd(rng, dim, 0.5);
    double[] precision = org.poevi.math.Cholesky.inverse(sigma, dim);
    double[] sums = new double[2 * dim * dim];
    double[] meanSums = new double[2 * dim];
    double[] c = null;
    for (int group = 0; group < 2; group++) {
      double[] z = new double[n * dim];
      double[] scores = new double[n * dim];
      for (int i = 0; i < n; i++) {
        for (int d = 0; d < dim; d++) {
          z[i * dim + d] = 3 * rng.nextDouble() + d;
        }
        for (int d = 0; d < dim; d++) {
          for (int e = 0; e < dim; e++) {
            scores[i * dim + d] -= precision[d * dim + e] * (z[i * dim + e] - 0.1 * e);
          }
        }
      }
      Chains chains = new Chains(z, new double[n], scores, dim);
      PooledCovariance.addCovariance(chains, new double[n * dim], sums);
      PooledCovariance.addMeans(chains, meanSums);
      double[] mean = PooledCovariance.steinMean(meanSums, group + 1, sigma, dim);
      for (int d = 0; d < dim; d++) {
        assertEquals(0.1 * d, mean[d], 1e-9, "mean " + d + " after " + (group + 1));
      }
      double[] stein = PooledCovariance.steinRatio(sums, group + 1, dim);
      for (int i = 0; i < sigma.length; i++) {
        assertEquals(sigma[i], stein[i], 1e-9, "entry " + i + " after " + (group + 1));
      }
      c = SampleMoments.covariance(z, n, SampleMoments.mean(z, n, dim), dim);
    }
    assertTrue(PooledCovariance.halvesKl(sigma, c, dim) > 1, "C alone is far from Σ");
    double[] noScores = new double[2 * dim * dim];
    System.arraycopy(sums, 0, noScores, 0, dim * dim);
    double[] fallback = PooledCovariance.steinRatio(noScores, 2, dim);
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j <= i; j++) {
        assertEquals(sums[i * dim + j] / 2, fallback[i * dim + j], 1e-15);
        assertEquals(sums[i * dim + j] / 2, fallback[j * dim + i], 1e-15);
      }
    }
  }

  /**
   * 200 chains started at exact draws of a 50-D sinh-arcsinh target: one snapshot's covariance
   * is off by about D²/(4n) = 3.1 nats of KL; the pooled one (Stein's ratio) stops when its
   * split-half error is at most 0.001·D = 0.05 nats. Against the covariance of 10⁵ exact draws
   * (itself off by about D²/(4·10⁵) = 0.006 nats) the pooled estimate must beat a third of the
   * snapshot's error and stay near the tolerance (below).
   */
  @Test
  void poolingBeatsOneSnapshot() {
    int n = 200;
    double[] refCov = ResampleMoveTest.REF_COV;
    double[] z = ResampleMoveTest.exactDraws(n, 8);
    LocalScoreEvaluator evaluator = new LocalScoreEvaluator(ResampleMoveTest.TARGET, 1);
    double[] logP = new double[n];
    double[] scores = new double[n * DIM];
    evaluator.evaluate(z, n, logP, scores);
    Chains chains = new Chains(z, logP, scores, DIM);
    ResampleMove mover = new ResampleMove(evaluator, DIM, refCov, RandomStreams.of(3));
    double snapshot = PooledCovariance.halvesKl(refCov, SampleMoments.covariance(z, n,
        SampleMoments.mean(z, n, DIM), DIM), DIM);
    // The prior shrunk towards is refCov's diagonal (the target's correlations are 0.5), not
    // the truth, so the shrinkage cannot make the pooled estimate right on its own.
    double[] diagonal = new double[DIM * DIM];
    for (int d = 0; d < DIM; d++) {
      diagonal[d * DIM + d] = refCov[d * DIM + d];
    }
    PooledCovariance.Result r = PooledCovariance.pool(mover, chains, 5, 50, 0, diagonal);
    double pooled = PooledCovariance.halvesKl(refCov, r.covariance(), DIM);
    assertTrue(r.error() <= PooledCovariance.TOLERANCE_PER_DIMENSION * DIM
        || r.steps() >= PooledCovariance.MAX_STEPS_FACTOR * 50, "stopped by the rule");
    assertTrue(pooled < snapshot / 3, "pooled " + pooled + " against one snapshot " + snapshot);
    // The KL error sums about D(D + 1)/2 = 1275 squared, nearly independent terms, so its own
    // relative noise is about sqrt(2/1275) = 4%; the split-half estimate can also be biased low
    // by the correlation between the halves' chains. 1.5 times the tolerance allows 5 SE of
    // noise and a 30% bias. Measured at this seed: 0.037 nats, estimated 0.026, 800 steps
    // (the positions' covariance, before Stein's ratio: 0.19 nats, estimated 0.18, after 400
    // steps at a tolerance of 0.25).
    assertTrue(pooled <= 1.5 * PooledCovariance.TOLERANCE_PER_DIMENSION * DIM,
        "pooled KL error " + pooled + " after " + r.steps() + " steps");
    // The split-half estimate tracks the true error (within the same 30% bias and 5 SE).
    assertEquals(pooled, r.error(), 0.5 * pooled, "split-half estimate of the KL error");
  }
}
