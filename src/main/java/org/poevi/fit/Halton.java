package org.poevi.fit;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.poevi.math.Cholesky;

/**
 * The Halton sequence's pieces (the radical inverse in a base, the first primes as bases), and
 * the quasi-random points of a Gaussian that place the pool's bulk experts.
 */
final class Halton {
  private Halton() {}

  static double radicalInverse(long index, int base) {
    double result = 0;
    double f = 1.0 / base;
    long i = index;
    while (i > 0) {
      result += f * (i % base);
      i /= base;
      f /= base;
    }
    return result;
  }

  static int[] firstPrimes(int n) {
    int[] primes = new int[n];
    int count = 0;
    for (int candidate = 2; count < n; candidate++) {
      boolean prime = true;
      for (int i = 0; i < count && primes[i] * primes[i] <= candidate; i++) {
        if (candidate % primes[i] == 0) {
          prime = false;
          break;
        }
      }
      if (prime) {
        primes[count++] = candidate;
      }
    }
    return primes;
  }

  /**
   * n points of N(m, S): a Halton sequence in bases 2, 3, 5, … with a uniform random shift modulo
   * 1 (Cranley–Patterson), through Φ⁻¹ and the Cholesky factor of S.
   */
  static double[][] gaussianPoints(GaussianFit g, int n, int dim, UniformRandomProvider rng) {
    return gaussianPoints(g, 0, n, dim, rng);
  }

  /** Points from + 1 … from + n of the same sequence (the same shift from {@code rng}). */
  static double[][] gaussianPoints(GaussianFit g, int from, int n, int dim,
      UniformRandomProvider rng) {
    int[] primes = Halton.firstPrimes(dim);
    double[] shift = new double[dim];
    for (int d = 0; d < dim; d++) {
      shift[d] = rng.nextDouble();
    }
    double[] factor = Cholesky.pack(g.covariance(), dim);
    if (!Cholesky.factor(factor, 0, dim)) {
      throw new IllegalStateException("preliminary covariance is not positive definite");
    }
    NormalDistribution normal = NormalDistribution.of(0, 1);
    double[][] out = new double[n][];
    double[] y = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        double u = Halton.radicalInverse(from + i + 1, primes[d]) + shift[d];
        u -= Math.floor(u);
        // Keep u inside (0, 1): Φ⁻¹ of 0 is −∞.
        u = Math.min(Math.max(u, 1e-12), 1 - 1e-12);
        y[d] = normal.inverseCumulativeProbability(u);
      }
      double[] z = g.mean().clone();
      for (int a = 0; a < dim; a++) {
        for (int b = 0; b <= a; b++) {
          z[a] += factor[Cholesky.packedIndex(a, b)] * y[b];
        }
      }
      out[i] = z;
    }
    return out;
  }
}
