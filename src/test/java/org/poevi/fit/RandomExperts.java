package org.poevi.fit;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.poevi.family.Expert;

/** Random experts and batches for tests: locations in [−2, 2]^D, Λ = AᵀA + 0.3·I, A uniform. */
public final class RandomExperts {
  private RandomExperts() {}

  public static List<Expert> of(UniformRandomProvider rng, int dim, int count) {
    List<Expert> out = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      double[] mu = new double[dim];
      for (int i = 0; i < dim; i++) {
        mu[i] = rng.nextDouble() * 4 - 2;
      }
      out.add(Expert.of(mu, spd(rng, dim, 0.3)));
    }
    return out;
  }

  /** AᵀA + ridge·I, row-major D×D, with A's entries uniform on [−½, ½] drawn row by row. */
  public static double[] spd(UniformRandomProvider rng, int dim, double ridge) {
    double[] a = new double[dim * dim];
    for (int i = 0; i < a.length; i++) {
      a[i] = rng.nextDouble() - 0.5;
    }
    double[] out = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        double s = i == j ? ridge : 0;
        for (int r = 0; r < dim; r++) {
          s += a[r * dim + i] * a[r * dim + j];
        }
        out[i * dim + j] = s;
      }
    }
    return out;
  }

  /**
   * n random points in [−2, 2]^D, scores in [−1, 1]^D and log weights uniform on
   * [−spread/2, spread/2] (widely spread, so that merges rescale): {z, scores, logW}.
   */
  public static double[][] batch(UniformRandomProvider rng, int n, int dim, double spread) {
    double[] z = new double[n * dim];
    double[] s = new double[n * dim];
    double[] logW = new double[n];
    for (int i = 0; i < n * dim; i++) {
      z[i] = 4 * rng.nextDouble() - 2;
      s[i] = 2 * rng.nextDouble() - 1;
    }
    for (int i = 0; i < n; i++) {
      logW[i] = spread * (rng.nextDouble() - 0.5);
    }
    return new double[][] {z, s, logW};
  }
}
