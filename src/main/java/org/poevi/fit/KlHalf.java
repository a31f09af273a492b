package org.poevi.fit;

import java.util.Arrays;
import org.poevi.family.Expert;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.BlockParallel;
import org.poevi.math.Lbfgs;
import org.poevi.math.LogSpace;

/**
 * One half of {@link KlProjection}'s estimate of KL(p; q_α) − KL(p; q_0): log A_k of the active
 * experts at its draws of q_0, and E_p[log A_k] over its chains of p or its draws weighted by
 * p̃/q_0; its minimiser over α ≥ 0 and the held-out gain of an α with its standard error.
 */
final class KlHalf {
  final int n;
  final int m;
  final double[] logA;
  /** The weights of the points E_p averages over, and their log A (logA without chains). */
  final double[] weights;
  final double[] pointsLogA;
  final double[] expectationP;

  KlHalf(LogA at, double[] z, double[] logP, double[] logQ, boolean[] first, boolean which,
      Chains chains, int chainFrom, int chainTo) {
    int count = 0;
    for (boolean f : first) {
      count += f == which ? 1 : 0;
    }
    n = count;
    m = at.active().length;
    int[] rows = new int[n];
    for (int i = 0, r = 0; i < first.length; i++) {
      if (first[i] == which) {
        rows[r++] = i;
      }
    }
    logA = at.at(z, rows);
    if (chains == null) {
      double[] lw = new double[n];
      for (int r = 0; r < n; r++) {
        lw[r] = logP[rows[r]] - logQ[rows[r]];
      }
      weights = softmax(lw);
      pointsLogA = logA;
    } else {
      int[] chainRows = java.util.stream.IntStream.range(chainFrom, chainTo).toArray();
      pointsLogA = at.at(chains.z(), chainRows);
      weights = new double[chainRows.length];
      Arrays.fill(weights, 1.0 / chainRows.length);
    }
    expectationP = new double[m];
    for (int r = 0; r < weights.length; r++) {
      for (int j = 0; j < m; j++) {
        expectationP[j] += weights[r] * pointsLogA[r * m + j];
      }
    }
  }

  /**
   * The estimate's minimiser over α ≥ 0 from {@code alpha0}, shortened towards alpha0 until
   * these draws keep {@value KlProjection#MIN_ESS} effective as draws of it.
   */
  double[] minimise(double[] alpha0) {
    double[] s = new double[n];
    double[] alpha = new double[m];
    Lbfgs.Result r = Lbfgs.of(KlProjection.MAX_ITERATIONS, 10, 1e-7, 1e-12).minimize((x, g) -> {
      for (int j = 0; j < m; j++) {
        alpha[j] = alpha0[j] * Math.exp(x[j]);
      }
      double value = change(alpha, alpha0, s, g);
      for (int j = 0; j < m; j++) {
        g[j] *= alpha[j];
      }
      return value;
    }, new double[m]);
    double[] best = new double[m];
    double[] x = r.x();
    for (int j = 0; j < m; j++) {
      best[j] = Double.isFinite(x[j]) ? alpha0[j] * Math.exp(x[j]) : alpha0[j];
    }
    double[] step = best.clone();
    for (double t = 1; t > 1e-3; t *= 0.5) {
      for (int j = 0; j < m; j++) {
        step[j] = alpha0[j] + t * (best[j] - alpha0[j]);
      }
      if (change(step, alpha0, s, null) <= 0
          && LogSpace.effectiveSampleSize(s, 0, n) >= KlProjection.MIN_ESS * n) {
        return step;
      }
    }
    return alpha0.clone();
  }

  /**
   * The estimated change of KL(p; q) from α_0 to {@code alpha}: Σ_k d_k E_p[log A_k] + log
   * mean exp(s) over the draws of q, s_i = −Σ_k d_k log A_k(z_i), d = α − α_0. Leaves s in
   * {@code s} and, when {@code gradient} is not null, the gradient in α there.
   */
  double change(double[] alpha, double[] alpha0, double[] s, double[] gradient) {
    double ep = 0;
    for (int j = 0; j < m; j++) {
      ep += (alpha[j] - alpha0[j]) * expectationP[j];
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int r = 0; r < n; r++) {
      double v = 0;
      for (int j = 0; j < m; j++) {
        v -= (alpha[j] - alpha0[j]) * logA[r * m + j];
      }
      s[r] = v;
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int r = 0; r < n; r++) {
      sum += Math.exp(s[r] - max);
    }
    if (gradient != null) {
      System.arraycopy(expectationP, 0, gradient, 0, m);
      for (int r = 0; r < n; r++) {
        double v = Math.exp(s[r] - max) / sum;
        for (int j = 0; j < m; j++) {
          gradient[j] -= v * logA[r * m + j];
        }
      }
    }
    return ep + max + Math.log(sum / n);
  }

  /**
   * The gain −(change of KL(p; q)) of {@code alpha} over this half and its standard error
   * (delta method: the E_p average's points and the draws of q are independent samples).
   */
  double[] gain(double[] alpha, double[] alpha0) {
    double[] s = new double[n];
    double value = change(alpha, alpha0, s, null);
    int np = weights.length;
    double[] h = new double[np];
    double mean = 0;
    for (int r = 0; r < np; r++) {
      for (int j = 0; j < m; j++) {
        h[r] += (alpha[j] - alpha0[j]) * pointsLogA[r * m + j];
      }
      mean += weights[r] * h[r];
    }
    double ssP = 0;
    for (int r = 0; r < np; r++) {
      double psi = weights[r] * (h[r] - mean);
      ssP += psi * psi;
    }
    double max = Arrays.stream(s).max().orElse(0);
    double e = 0;
    for (int r = 0; r < n; r++) {
      e += Math.exp(s[r] - max) / n;
    }
    double ssQ = 0;
    for (int r = 0; r < n; r++) {
      double psi = Math.exp(s[r] - max) / e - 1;
      ssQ += psi * psi;
    }
    // With importance weights the two sums are over the same draws (paired, as before).
    double se = pointsLogA == logA ? Math.sqrt(pairedSs(s, h, mean, max, e)) / n
        : Math.sqrt(ssP + ssQ / ((double) n * n));
    return new double[] {-value, se};
  }

  /** Σ_i ψ_i² of the paired estimate: ψ_i = n w_i (h_i − H) + (e^{s_i}/ē − 1). */
  private double pairedSs(double[] s, double[] h, double mean, double max, double e) {
    double ss = 0;
    for (int r = 0; r < n; r++) {
      double psi = n * weights[r] * (h[r] - mean) + (Math.exp(s[r] - max) / e - 1);
      ss += psi * psi;
    }
    return ss;
  }

  /** log A_k of the active experts at points, row-major (points × experts). */
  record LogA(ProductOfExperts q, int[] active, int threads) {
    double[] at(double[] z, int[] rows) {
      int dim = q.dim();
      int m = active.length;
      int n = rows.length;
      double[] out = new double[n * m];
      Expert[] experts = new Expert[m];
      for (int j = 0; j < m; j++) {
        experts[j] = q.expert(active[j]);
      }
      int block = 64;
      BlockParallel.forEach((n + block - 1) / block, threads, () -> new double[dim], (bl, p) -> {
        for (int r = bl * block; r < Math.min(n, (bl + 1) * block); r++) {
          System.arraycopy(z, rows[r] * dim, p, 0, dim);
          for (int j = 0; j < m; j++) {
            out[r * m + j] = experts[j].logA(p);
          }
        }
      });
      return out;
    }
  }

  /** exp(v_i) / Σ exp(v), with −∞ as weight 0. */
  static double[] softmax(double[] v) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      max = Math.max(max, x);
    }
    double[] w = new double[v.length];
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      w[i] = Math.exp(v[i] - max);
      sum += w[i];
    }
    for (int i = 0; i < v.length; i++) {
      w[i] /= sum;
    }
    return w;
  }
}
