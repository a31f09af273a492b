package org.poevi.qp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Random α-step QPs built the way Algorithm 1 builds them (SPEC §3), from B rows q_b (one score
 * row Q(z_b) per sample, D = 1 so the data part has rank ≤ B), weights π_b normalised to mean 1,
 * scores s_b, a proximal step η and the previous iterate α⁽ᵗ⁾:
 *
 * <pre>
 *   G = (1/B) Σ_b π_b q_b q_bᵀ + (1/η) I,    h = (1/B) Σ_b π_b q_b s_b + (1/η) α⁽ᵗ⁾.
 * </pre>
 *
 * Each {@link Kind} bends this recipe towards one hard case; all seeds are fixed.
 */
final class QpCases {
  private QpCases() {}

  enum Kind {
    /** B = 2K rows: full-rank data part, moderate c. */
    GENERIC,
    /** h shifted negative so that the unconstrained optimum has Σα &lt; c: the sum binds. */
    BINDING_SUM,
    /** K &gt; B: the data part has rank B &lt; K; only (1/η)I makes G definite (η = 10). */
    RANK_DEFICIENT,
    /** Pairs of identical columns of Q with equal α⁽ᵗ⁾: ties (equal rows of G and h). */
    DUPLICATE_COLUMNS,
    /** h = 0 exactly: the solution is set by the sum constraint alone. */
    ZERO_H,
    /** Most h_k strongly negative: most α_k are 0 at the optimum. */
    SPARSE,
    /** Even columns scaled by 1e3, odd by 3e-2, η = 1e3: G_kk from ~1e-3 to ~1e6. */
    HUGE_SCALE
  }

  record Case(String name, Kind kind, QpProblem problem) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** 8 seeds per kind (56 problems), K cycling through 2..30. */
  static List<Case> all() {
    List<Case> cases = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      for (int seed = 0; seed < 8; seed++) {
        int k = 2 + (seed * 11 + kind.ordinal() * 5) % 29;
        cases.add(of(kind, k, seed));
      }
    }
    return cases;
  }

  /** Small problems (K ≤ 8) of every kind, for checking the reference against enumeration. */
  static List<Case> small() {
    List<Case> cases = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      for (int seed = 100; seed < 104; seed++) {
        int k = 2 + (seed + kind.ordinal()) % 7;
        cases.add(of(kind, k, seed));
      }
    }
    return cases;
  }

  static Case of(Kind kind, int k, long seed) {
    UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(20261127L * 31 + seed * 7
        + kind.ordinal());
    ZigguratSampler.NormalizedGaussian normal = ZigguratSampler.NormalizedGaussian.of(rng);
    int rows = kind == Kind.RANK_DEFICIENT ? Math.max(1, k / 3) : 2 * k;
    double eta = switch (kind) {
      case RANK_DEFICIENT -> 10;
      case HUGE_SCALE -> 1e3;
      default -> 1;
    };
    double[][] q = new double[rows][k];
    for (double[] row : q) {
      for (int j = 0; j < k; j++) {
        row[j] = normal.sample();
      }
    }
    double[] previous = new double[k];
    for (int j = 0; j < k; j++) {
      previous[j] = 2 * rng.nextDouble();
    }
    shapeColumns(kind, q, previous);
    double[] weights = new double[rows];
    double total = 0;
    for (int b = 0; b < rows; b++) {
      weights[b] = -Math.log(rng.nextDouble());
      total += weights[b];
    }
    double[] g = new double[k * k];
    double[] h = new double[k];
    for (int b = 0; b < rows; b++) {
      weights[b] *= rows / total;
      addRow(q[b], weights[b] / rows, 3 * normal.sample(), g, h);
    }
    for (int i = 0; i < k; i++) {
      g[i * k + i] += 1 / eta;
      h[i] += previous[i] / eta;
    }
    double c = 1 + 0.25 * k;
    switch (kind) {
      case BINDING_SUM -> {
        for (int i = 0; i < k; i++) {
          h[i] = 0.01 * h[i] - 1;
        }
      }
      case ZERO_H -> Arrays.fill(h, 0);
      case SPARSE -> {
        for (int i = 0; i < k; i++) {
          if (i % 4 != 0) {
            h[i] -= 20 * g[i * k + i] * (1 + rng.nextDouble());
          }
        }
        c = 0.5;
      }
      default -> { }
    }
    return new Case(kind + " K=" + k + " seed=" + seed, kind, QpProblem.of(g, h, c));
  }

  /** DUPLICATE_COLUMNS: pairs of equal columns and α⁽ᵗ⁾; HUGE_SCALE: columns scaled apart. */
  private static void shapeColumns(Kind kind, double[][] q, double[] previous) {
    int k = previous.length;
    if (kind == Kind.DUPLICATE_COLUMNS) {
      for (int j = 0; j + 1 < k; j += 2) {
        for (double[] row : q) {
          row[j + 1] = row[j];
        }
        previous[j + 1] = previous[j];
      }
    }
    if (kind == Kind.HUGE_SCALE) {
      for (double[] row : q) {
        for (int j = 0; j < k; j++) {
          row[j] *= j % 2 == 0 ? 1e3 : 3e-2;
        }
      }
    }
  }

  /** Adds w·q qᵀ to G (row-major) and w·q·s to h. */
  private static void addRow(double[] q, double w, double s, double[] g, double[] h) {
    int k = q.length;
    for (int i = 0; i < k; i++) {
      h[i] += w * q[i] * s;
      for (int j = 0; j < k; j++) {
        g[i * k + j] += w * q[i] * q[j];
      }
    }
  }

  /**
   * A QP of a fit's size (K ≈ 325), built as Algorithm 1 builds one from n = 3K rows: G =
   * (1/n) Σ_b π_b q_b q_bᵀ + ρI, the Gram matrix of a tall random Q plus a small proximal ridge
   * ρ = 1/η = 0.01, and h = (1/n) Σ_b π_b q_b s_b + ρα⁽ᵗ⁾. The rows share 8 Gaussian factors
   * (column j loads 0.7 on factor j mod 8), so experts are correlated as experts fitted to one
   * target are; the scores s_b = q_bᵀβ + noise come from a β with about half its entries
   * negative, so many α are 0 at the optimum. With {@code bindingSum}, β is scaled by 0.01 and
   * c = 5 (D/2 + ε for D = 10), far above the Σα that the data ask for, so Σα ≥ c binds;
   * otherwise c = 1, below it, and the constraint is slack. Seeded: the same problem every time.
   */
  static QpProblem fitSize(int k, long seed, boolean bindingSum) {
    UniformRandomProvider rng = RandomSource.SPLIT_MIX_64.create(20261204L * 31 + seed);
    ZigguratSampler.NormalizedGaussian normal = ZigguratSampler.NormalizedGaussian.of(rng);
    int rows = 3 * k;
    int factors = 8;
    double[] beta = new double[k];
    for (int j = 0; j < k; j++) {
      beta[j] = (bindingSum ? 0.01 : 1) * normal.sample();
    }
    double[] weights = new double[rows];
    double total = 0;
    for (int b = 0; b < rows; b++) {
      weights[b] = -Math.log(rng.nextDouble());
      total += weights[b];
    }
    double[] g = new double[k * k];
    double[] h = new double[k];
    double[] q = new double[k];
    double[] f = new double[factors];
    for (int b = 0; b < rows; b++) {
      for (int m = 0; m < factors; m++) {
        f[m] = normal.sample();
      }
      double score = normal.sample();
      for (int j = 0; j < k; j++) {
        q[j] = normal.sample() + 0.7 * f[j % factors];
        score += q[j] * beta[j];
      }
      // (1/n) π_b with π normalised to mean 1.
      double w = weights[b] / total;
      for (int i = 0; i < k; i++) {
        double wi = w * q[i];
        h[i] += wi * score;
        for (int j = 0; j <= i; j++) {
          g[i * k + j] += wi * q[j];
        }
      }
    }
    double ridge = 0.01;
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < i; j++) {
        g[j * k + i] = g[i * k + j];
      }
      g[i * k + i] += ridge;
      h[i] += ridge * 0.1 * rng.nextDouble();
    }
    return QpProblem.of(g, h, bindingSum ? 5 : 1);
  }
}
