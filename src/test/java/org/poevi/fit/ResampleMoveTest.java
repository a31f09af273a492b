package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.poevi.math.RandomStreams;
import org.poevi.target.SinhArcsinhTarget;

class ResampleMoveTest {
  private static final SinhArcsinhTarget TARGET = SinhArcsinhTarget.of(50);
  private static final int DIM = 50;

  private static double[] exactDraws(int n, long seed) {
    UniformRandomProvider rng = RandomStreams.of(seed).stream(1);
    double[] z = new double[n * DIM];
    for (int i = 0; i < n; i++) {
      TARGET.sample(rng, z, i * DIM);
    }
    return z;
  }

  private static double[][] moments(double[] z, int n) {
    double[] mean = new double[DIM];
    double[] var = new double[DIM];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < DIM; d++) {
        mean[d] += z[i * DIM + d] / n;
      }
    }
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < DIM; d++) {
        double e = z[i * DIM + d] - mean[d];
        var[d] += e * e / (n - 1);
      }
    }
    return new double[][] {mean, var};
  }

  private static double[] covariance(double[] z, int n) {
    double[] mean = moments(z, n)[0];
    double[] c = new double[DIM * DIM];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < DIM; a++) {
        for (int b = 0; b < DIM; b++) {
          c[a * DIM + b] += (z[i * DIM + a] - mean[a]) * (z[i * DIM + b] - mean[b]) / (n - 1);
        }
      }
    }
    return c;
  }

  /** Runs {@code steps} MALA steps on a population started at z (moved in place). */
  private static double run(double[] z, int n, int steps, int threads) {
    LocalScoreEvaluator evaluator = new LocalScoreEvaluator(TARGET, threads);
    double[] logP = new double[n];
    double[] scores = new double[n * DIM];
    evaluator.evaluate(z, n, logP, scores);
    ResampleMove mover = new ResampleMove(evaluator, DIM, covariance(exactDraws(20_000, 9), 20_000),
        RandomStreams.of(3), threads);
    return mover.move(z, logP, scores, n, steps, 1);
  }

  /**
   * A population started off p, from t₅ around p's moments with 1.5 times its scale (the under-p
   * proposal), reaches p in 200 steps:
   * each coordinate's mean and variance agree with 10⁵ exact draws. The population's 4096 draws are
   * marginally p after burn-in, so the mean's SE is sd/√4096 (√(1/4096 + 1/10⁵) with the
   * reference); 4.5 SE over 50 coordinates is a false-alarm rate under 10⁻³ for the whole test
   * (Bonferroni). The variance's SE uses √(2/n)·var (near-Gaussian marginals; the kurtosis of
   * these marginals is under 4, so the bound 6 SE covers √((κ−1)/n)).
   */
  @Test
  void movesABroadPopulationOntoTheTarget() {
    int n = 4096;
    double[][] reference = moments(exactDraws(100_000, 7), 100_000);
    double[] exact = exactDraws(20_000, 9);
    org.poevi.math.MultivariateT broad = org.poevi.math.MultivariateT.of(moments(exact, 20_000)[0],
        GaussianFit.scaled(covariance(exact, 20_000), 2.25), 5);
    org.poevi.math.MultivariateT.Sampler sampler = broad.sampler(RandomStreams.of(4).stream(2));
    double[] z = new double[n * DIM];
    for (int i = 0; i < n; i++) {
      sampler.sample(z, i * DIM);
    }
    double acceptance = run(z, n, 200, 2);
    assertTrue(acceptance > 0.3 && acceptance < 0.8, "acceptance " + acceptance);
    double[][] got = moments(z, n);
    for (int d = 0; d < DIM; d++) {
      double se = Math.sqrt(reference[1][d] * (1.0 / n + 1.0 / 100_000));
      assertEquals(reference[0][d], got[0][d], 4.5 * se, "mean of coordinate " + d);
      assertEquals(reference[1][d], got[1][d], 6 * Math.sqrt(2.0 / n) * reference[1][d],
          "variance of coordinate " + d);
    }
    // The fit depends on the scores: E‖∇log p‖² over the population against exact draws, within
    // 4 standard errors of the difference (each SE from its own sample's spread).
    double[] pop = squaredScoreNorms(z, n);
    double[] ref = squaredScoreNorms(exactDraws(20_000, 12), 20_000);
    double se = Math.sqrt(variance(pop) / n + variance(ref) / ref.length);
    assertEquals(mean(ref), mean(pop), 4 * se, "E |score|^2");
  }

  private static double[] squaredScoreNorms(double[] z, int n) {
    double[] out = new double[n];
    double[] g = new double[DIM];
    for (int i = 0; i < n; i++) {
      TARGET.logDensity(java.util.Arrays.copyOfRange(z, i * DIM, (i + 1) * DIM), g);
      for (double v : g) {
        out[i] += v * v;
      }
    }
    return out;
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double variance(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return s / (x.length - 1);
  }

  @Test
  void resamplingFollowsTheWeights() {
    int n = 1000;
    double[] z = exactDraws(n, 5);
    double[] logP = new double[n];
    double[] scores = new double[n * DIM];
    double[] logW = new double[n];
    java.util.Arrays.fill(logW, Double.NEGATIVE_INFINITY);
    logW[17] = 0;
    logW[400] = Math.log(3);
    logP[17] = -1;
    logP[400] = -2;
    ResampleMove mover = new ResampleMove(new LocalScoreEvaluator(TARGET, 1), DIM,
        covariance(exactDraws(2000, 9), 2000), RandomStreams.of(3), 1);
    double[] row17 = java.util.Arrays.copyOfRange(z, 17 * DIM, 18 * DIM);
    mover.resample(z, logP, scores, logW, n, 1);
    int copies17 = 0;
    for (int i = 0; i < n; i++) {
      boolean is17 = java.util.Arrays.equals(row17, java.util.Arrays.copyOfRange(z, i * DIM,
          (i + 1) * DIM));
      copies17 += is17 ? 1 : 0;
      assertEquals(is17 ? -1 : -2, logP[i], "log p travels with its point");
    }
    // Systematic resampling gives weight 1/4 exactly n/4 tickets (±1).
    assertEquals(250, copies17, 1);
  }

  @Test
  void sameResultForAnyNumberOfThreads() {
    int n = 700;
    double[] one = exactDraws(n, 5);
    double[] two = one.clone();
    run(one, n, 5, 1);
    run(two, n, 5, 2);
    assertArrayEquals(one, two);
  }
}
