package org.poevi.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

class MultivariateTTest {
  private static final double[] MU = {1, -2};
  private static final double[] SIGMA = {2, 0.6, 0.6, 0.5};

  /** In 1-D the density is Commons Statistics' t, shifted and scaled. */
  @Test
  void oneDimensionalDensityIsStudentT() {
    MultivariateT t = MultivariateT.of(new double[] {0.5}, new double[] {4}, 3.5);
    TDistribution ref = TDistribution.of(3.5);
    double[] scratch = new double[1];
    for (double x : new double[] {-30, -1, 0.5, 2, 100}) {
      double expected = ref.logDensity((x - 0.5) / 2) - Math.log(2);
      assertEquals(expected, t.logDensity(new double[] {x}, 0, scratch), 1e-12);
    }
  }

  /**
   * Draws: the projection aᵀ(z − μ)/√(aᵀΣa) follows t_ν (KS at p &lt; 0.001, false-alarm rate
   * 0.1%), including ν &lt; 2 where the chi-square is drawn in log space.
   */
  @Test
  void drawsHaveTProjections() {
    for (double dof : new double[] {0.7, 6}) {
      MultivariateT t = MultivariateT.of(MU, SIGMA, dof);
      MultivariateT.Sampler s = t.sampler(RandomStreams.of(4).stream(1));
      int n = 20_000;
      double[] a = {1, 2};
      double scale = Math.sqrt(2 + 2 * 2 * 0.6 + 4 * 0.5);
      double[] proj = new double[n];
      double[] z = new double[2];
      for (int i = 0; i < n; i++) {
        s.sample(z, 0);
        assertTrue(Double.isFinite(z[0]) && Double.isFinite(z[1]));
        proj[i] = (a[0] * (z[0] - MU[0]) + a[1] * (z[1] - MU[1])) / scale;
      }
      TDistribution ref = TDistribution.of(dof);
      double p = KolmogorovSmirnovTest.withDefaults().test(proj, ref::cumulativeProbability)
          .getPValue();
      assertTrue(p > 1e-3, "dof " + dof + ": p = " + p);
    }
  }

  /**
   * EM recovers location and scatter from 50 000 draws of the same t (dof known). The maximum-
   * likelihood location has variance (ν + D + 2)/(ν + D)·Σ/n (the t's Fisher information), so SE
   * 0.0073 for Σ₁₁ = 2: 4 SE is 0.03. The scatter's entries have relative SE about
   * √(2(ν + D + 2)/(ν + D)/n) ≈ 0.7%; 4 SE of them (3%) moves the log density at the test points,
   * within two scale units of μ, by at most about 0.06; 0.1 allows for that.
   */
  /**
   * Draws finished a block at a time ({@link MultivariateT.Sampler#sampleStandard}, then {@link
   * MultivariateT#place}) are the per-draw sampler's from the same stream, to rounding (1e-12 of
   * the scale): below and above the dimension where the block becomes one dtrmm.
   */
  @Test
  void blockedDrawsAreThePerDrawOnes() {
    for (int dim : new int[] {5, MultivariateT.BLOCKED_DIM + 20}) {
      double[] location = new double[dim];
      double[] scatter = new double[dim * dim];
      for (int i = 0; i < dim; i++) {
        location[i] = 0.1 * i - 1;
        for (int j = 0; j < dim; j++) {
          scatter[i * dim + j] = (i == j ? 1.5 : 0) + 0.3 * Math.exp(-Math.abs(i - j));
        }
      }
      MultivariateT t = MultivariateT.of(location, scatter, 3.5);
      int n = 40;
      double[] one = new double[n * dim];
      double[] block = new double[n * dim];
      MultivariateT.Sampler a = t.sampler(RandomStreams.of(9).stream(1));
      MultivariateT.Sampler b = t.sampler(RandomStreams.of(9).stream(1));
      for (int i = 0; i < n; i++) {
        a.sample(one, i * dim);
        b.sampleStandard(block, i * dim);
      }
      t.place(block, 0, n);
      for (int i = 0; i < one.length; i++) {
        assertEquals(one[i], block[i], 1e-12 * Math.max(1, Math.abs(one[i])), "D = " + dim);
      }
    }
  }

  @Test
  void emRecoversParameters() {
    double dof = 4;
    MultivariateT t = MultivariateT.of(MU, SIGMA, dof);
    MultivariateT.Sampler s = t.sampler(RandomStreams.of(8).stream(1));
    int n = 50_000;
    double[] points = new double[2 * n];
    for (int i = 0; i < n; i++) {
      s.sample(points, 2 * i);
    }
    MultivariateT fit = MultivariateT.fit(points, null, 2, dof, 100, 1);
    assertEquals(MU[0], fit.location()[0], 4 * Math.sqrt(8.0 / 6 * SIGMA[0] / n));
    assertEquals(MU[1], fit.location()[1], 4 * Math.sqrt(8.0 / 6 * SIGMA[3] / n));
    double[] scratch = new double[2];
    // Same distribution ⇒ same density, within the scatter's few-per-cent error.
    for (double[] z : new double[][] {{1, -2}, {3, -1}, {-1, -3}}) {
      assertEquals(t.logDensity(z, 0, scratch), fit.logDensity(z, 0, scratch), 0.1);
    }
  }

  /**
   * The selection-based weighted median is the sorting definition's value exactly: the
   * smallest value whose cumulative weight in ascending order reaches half the total; with ties,
   * zero weights, equal weights and one element.
   */
  @Test
  void weightedMedianIsTheSortingDefinitions() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (int trial = 0; trial < 2000; trial++) {
      int n = 1 + random.nextInt(trial < 1000 ? 12 : 3000);
      double[] v = new double[n];
      double[] w = new double[n];
      boolean equal = random.nextBoolean();
      for (int i = 0; i < n; i++) {
        v[i] = random.nextInt(4) == 0 ? random.nextInt(3) : random.nextGaussian();
        w[i] = equal ? 1 : random.nextInt(5) == 0 ? 0 : random.nextDouble();
      }
      Integer[] order = new Integer[n];
      double total = 0;
      for (int i = 0; i < n; i++) {
        order[i] = i;
        total += w[i];
      }
      java.util.Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
      double expected = v[order[n - 1]];
      double cumulative = 0;
      for (Integer i : order) {
        cumulative += w[i];
        if (cumulative >= 0.5 * total) {
          expected = v[i];
          break;
        }
      }
      assertEquals(expected, MultivariateT.weightedMedian(v.clone(), w), "trial " + trial);
    }
  }

  /** The blocked EM adds its blocks' sums in block order: the same bits on 1 and 3 threads. */
  @Test
  void theEmFitIsTheSameOnAnyNumberOfThreads() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    int dim = 5;
    int n = 10 * TEm.BLOCK + 17;
    double[] points = new double[n * dim];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        points[i * dim + d] = random.nextGaussian() / Math.max(0.05, random.nextDouble());
      }
      w[i] = random.nextDouble();
    }
    double[][] mus = new double[2][];
    double[][] scatters = new double[2][];
    int[] threads = {1, 3};
    for (int k = 0; k < 2; k++) {
      mus[k] = new double[dim];
      double[] start = new double[dim * dim];
      for (int d = 0; d < dim; d++) {
        start[d * dim + d] = 1;
      }
      scatters[k] = new TEm(points, w, dim, 4, java.util.Arrays.stream(w).sum()).run(mus[k],
          start, 20, threads[k]);
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(mus[0], mus[1]);
    org.junit.jupiter.api.Assertions.assertArrayEquals(scatters[0], scatters[1]);
  }
}
