package org.poevi.family;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.math.RandomStreams;

/** Small models with known or quadrature-computable normalisers, shared by the family tests. */
final class TestModels {
  private TestModels() {}

  /**
   * A named model, with a centre, a scale and (in 2-D) a rotation angle for quadrature nodes: the
   * axes are turned so that a rank-one expert's ridge (its null direction) runs along one of them,
   * which the product rule could not resolve far out otherwise.
   */
  record Case(String name, ProductOfExperts family, double[] center, double scale, double angle) {
    Case(String name, ProductOfExperts family, double[] center, double scale) {
      this(name, family, center, scale, 0);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Expert expert1d(double mu, double lambda) {
    return Expert.of(new double[] {mu}, new double[] {lambda});
  }

  static Expert expert2d(double m1, double m2, double l11, double l12, double l22) {
    return Expert.of(new double[] {m1, m2}, new double[] {l11, l12, l12, l22});
  }

  /** A single 1-D expert: a t with ν = 2α − 1; C = √(π/λ) Γ(α − ½)/Γ(α). */
  static Case studentT1d() {
    return new Case("student-t 1-D", ProductOfExperts.of(List.of(expert1d(0.5, 0.25)),
        new double[] {2.5}), new double[] {0.5}, 2);
  }

  /** Three 1-D experts of different location, width and weight: a skewed density. */
  static Case skewed1d() {
    return new Case("skewed 1-D", ProductOfExperts.of(
        List.of(expert1d(0, 1), expert1d(1.5, 0.2), expert1d(-0.5, 4)),
        new double[] {1.5, 1.0, 0.7}), new double[] {0}, 1);
  }

  /** Two narrow experts far apart: a density with modes near ±3. */
  static Case bimodal1d() {
    return new Case("bimodal 1-D", ProductOfExperts.of(
        List.of(expert1d(-3, 4), expert1d(3, 4), expert1d(0, 0.05)),
        new double[] {2, 2, 1}), new double[] {0}, 3);
  }

  /** Three correlated full-rank 2-D experts. */
  static Case correlated2d() {
    return new Case("correlated 2-D", ProductOfExperts.of(
        List.of(expert2d(0, 0, 1, 0.6, 1), expert2d(1, -1, 0.5, -0.2, 2),
            expert2d(-1, 0.5, 0.3, 0, 0.3)),
        new double[] {2, 1.5, 1}), new double[] {0, 0}, 1);
  }

  /**
   * A rank-one expert (Λ = v vᵀ, v = (1, 0.8)) with two full-rank ones. Along the null direction
   * of the rank-one expert the tail exponent is 2·(1.2 + 0.5) − 1 = 2.4: the variance exists but
   * not the fourth moment.
   */
  static Case singular2d() {
    return new Case("singular 2-D", ProductOfExperts.of(
        List.of(expert2d(0, 0, 1, 0.2, 1), expert2d(0.5, 0.5, 1, 0.8, 0.64),
            expert2d(1, -1, 0.4, 0, 0.4)),
        new double[] {1.2, 2, 0.5}), new double[] {0.3, 0}, 1, Math.atan2(0.8, 1));
  }

  /**
   * Two rank-one experts and no full-rank one: (1 + x²)^(−3/2) (1 + (x+y)²/2)^(−3/2), whose
   * integral is 2 · 2√2 = 4√2 (substitute u = x + y). Its two ridges cannot both lie along a
   * quadrature axis, so its reference is this closed form.
   */
  static final double RANK_ONE_PAIR_LOG_C = Math.log(4 * Math.sqrt(2));

  static Case rankOnePair2d() {
    return new Case("rank-one pair 2-D", ProductOfExperts.of(
        List.of(expert2d(0, 0, 1, 0, 0), expert2d(0, 0, 0.5, 0.5, 0.5)),
        new double[] {1.5, 1.5}), new double[] {0, 0}, 1);
  }

  /** Two narrow experts apart plus a broad one: two modes. */
  static Case bimodal2d() {
    return new Case("bimodal 2-D", ProductOfExperts.of(
        List.of(expert2d(-2, 0, 4, 0, 0.5), expert2d(2, 0.5, 4, 1, 0.8),
            expert2d(0, 0, 0.05, 0, 0.05)),
        new double[] {1.5, 1.5, 2}), new double[] {0, 0.3}, 1.5);
  }

  /** A random D-dimensional model: K experts with Wishart-like Λ and Σα = D/2 + extra. */
  static ProductOfExperts random(int dim, int numExperts, double extra, long seed) {
    return random(dim, numExperts, extra, 1.5, seed);
  }

  /** As above, with locations spread as N(0, spread²) per coordinate. */
  static ProductOfExperts random(int dim, int numExperts, double extra, double spread,
      long seed) {
    UniformRandomProvider rng = RandomStreams.of(seed).stream(99);
    var normal = ZigguratSampler.NormalizedGaussian.of(rng);
    List<Expert> experts = new ArrayList<>();
    double[] alpha = new double[numExperts];
    double[] raw = new double[numExperts];
    double rawSum = 0;
    for (int k = 0; k < numExperts; k++) {
      double[] mu = new double[dim];
      for (int d = 0; d < dim; d++) {
        mu[d] = spread * normal.sample();
      }
      double[] a = new double[dim * dim];
      for (int i = 0; i < a.length; i++) {
        a[i] = normal.sample();
      }
      double[] lambda = new double[dim * dim];
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          double s = 0;
          for (int r = 0; r < dim; r++) {
            s += a[r * dim + i] * a[r * dim + j];
          }
          lambda[i * dim + j] = 0.3 * s / dim + (i == j ? 0.2 : 0);
        }
      }
      experts.add(Expert.of(mu, lambda));
      raw[k] = 0.5 + rng.nextDouble();
      rawSum += raw[k];
    }
    for (int k = 0; k < numExperts; k++) {
      alpha[k] = raw[k] / rawSum * (dim / 2.0 + extra);
    }
    return ProductOfExperts.of(experts, alpha);
  }

  static List<Case> oneDimensional() {
    return List.of(studentT1d(), skewed1d(), bimodal1d());
  }

  /** 2-D models whose quadrature converges (the rank-one pair has two ridges; see its Javadoc). */
  static List<Case> twoDimensional() {
    return List.of(correlated2d(), singular2d(), bimodal2d());
  }
}
