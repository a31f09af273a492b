package org.poevi.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.poevi.family.Expert;
import org.poevi.family.ProductOfExperts;

/** Reproducible random products of experts for the benchmarks. */
final class RandomModels {
  private RandomModels() {}

  /**
   * K experts in D dimensions: locations N(0, 2²) per coordinate, Λ_k = s_k (AᵀA/D + ½I) with A
   * a D×D standard normal matrix and s_k ~ U(0.5, 2), and α_k ∝ U(0.5, 1.5) scaled to
   * Σα = D/2 + 5 (so ν = 2Σα − D = 10).
   */
  static ProductOfExperts model(int dim, int experts, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Expert> list = new ArrayList<>(experts);
    double[] alpha = new double[experts];
    double alphaSum = 0;
    for (int k = 0; k < experts; k++) {
      double[] location = new double[dim];
      for (int d = 0; d < dim; d++) {
        location[d] = 2 * gaussian(rng);
      }
      double[] a = new double[dim * dim];
      for (int i = 0; i < a.length; i++) {
        a[i] = gaussian(rng);
      }
      double scale = 0.5 + 1.5 * rng.nextDouble();
      double[] lambda = new double[dim * dim];
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j <= i; j++) {
          double s = 0;
          for (int r = 0; r < dim; r++) {
            s += a[r * dim + i] * a[r * dim + j];
          }
          s = scale * (s / dim + (i == j ? 0.5 : 0));
          lambda[i * dim + j] = s;
          lambda[j * dim + i] = s;
        }
      }
      list.add(Expert.of(location, lambda));
      alpha[k] = 0.5 + rng.nextDouble();
      alphaSum += alpha[k];
    }
    double target = dim / 2.0 + 5;
    for (int k = 0; k < experts; k++) {
      alpha[k] *= target / alphaSum;
    }
    return ProductOfExperts.of(list, alpha);
  }

  /** Standard normal (Box–Muller); setup only. */
  static double gaussian(SplittableRandom rng) {
    double u = 1 - rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
  }
}
