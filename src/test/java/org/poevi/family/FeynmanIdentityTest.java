package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.commons.numbers.gamma.LogBeta;
import org.junit.jupiter.api.Test;
import org.poevi.math.LogDirichletSampler;
import org.poevi.math.LogSpace;
import org.poevi.math.RandomStreams;
import org.poevi.testing.Quadrature;

/**
 * The Feynman identity Π_k A_k^(−α_k) = E_{w ~ Dir(α)}[(Σ_k w_k A_k)^(−α₀)] (SPEC §2), pointwise,
 * and its consequence for the conditional normaliser C(w) = ∫ (Σ_k w_k A_k(z))^(−α₀) dz.
 */
class FeynmanIdentityTest {

  /**
   * K = 2: the expectation is a 1-D Beta integral, done by tanh-sinh quadrature, which resolves the
   * endpoint singularities of α &lt; 1 to full precision; 1e-8 relative is the bar.
   */
  @Test
  void twoExpertsByQuadrature() {
    Quadrature.UnitNodes nodes = Quadrature.unitInterval(1.0 / 64, 6.5);
    double[][] alphas = {{0.3, 0.8}, {1.5, 2.5}, {0.1, 4}, {7, 0.6}};
    ProductOfExperts geometry = ProductOfExperts.of(List.of(
        TestModels.expert2d(-1, 0.5, 2, 0.3, 1), TestModels.expert2d(1, 1, 0.5, -0.1, 3)),
        new double[] {2, 2});
    double[][] points = {{0, 0}, {-1, 0.5}, {3, -2}, {10, 7}};
    for (double[] a : alphas) {
      double a0 = a[0] + a[1];
      for (double[] z : points) {
        double a1 = geometry.expert(0).a(z);
        double a2 = geometry.expert(1).a(z);
        double[] terms = new double[nodes.w().length];
        for (int i = 0; i < terms.length; i++) {
          double w = nodes.w()[i];
          double mix = w * a1 + (1 - w) * a2;
          terms[i] = nodes.logWeight()[i] + (a[0] - 1) * nodes.logW()[i]
              + (a[1] - 1) * nodes.log1mW()[i] - LogBeta.value(a[0], a[1])
              - a0 * Math.log(mix);
        }
        double lhs = -a[0] * Math.log(a1) - a[1] * Math.log(a2);
        double rhs = LogSpace.logSumExp(terms);
        assertEquals(0, Math.expm1(rhs - lhs), 1e-8,
            "alpha " + a[0] + "," + a[1] + " at z " + z[0] + "," + z[1]);
      }
    }
  }

  /**
   * K = 3 by Monte Carlo: the mean of (Σ w_k A_k)^(−α₀) over 200 000 Dirichlet draws agrees with
   * the product within 4 standard errors (false-alarm rate 6e-5 per comparison under normality).
   */
  @Test
  void threeExpertsByMonteCarlo() {
    ProductOfExperts f = TestModels.correlated2d().family();
    double[][] alphas = {{2, 1.5, 1}, {0.2, 0.5, 3}};
    double[][] points = {{0, 0}, {1.5, -2}};
    int n = 200_000;
    for (double[] alpha : alphas) {
      LogDirichletSampler.Bound dir = LogDirichletSampler.of(alpha)
          .bind(RandomStreams.of(11).stream(1));
      double a0 = alpha[0] + alpha[1] + alpha[2];
      double[] logW = new double[3];
      double[] w = new double[3];
      for (double[] z : points) {
        double[] a = {f.expert(0).a(z), f.expert(1).a(z), f.expert(2).a(z)};
        double lhs = 0;
        for (int k = 0; k < 3; k++) {
          lhs -= alpha[k] * Math.log(a[k]);
        }
        double target = Math.exp(lhs);
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
          dir.sample(w, 0, null, 0);
          double v = Math.pow(w[0] * a[0] + w[1] * a[1] + w[2] * a[2], -a0);
          sum += v;
          sumSq += v * v;
        }
        double mean = sum / n;
        double se = Math.sqrt((sumSq / n - mean * mean) / (n - 1));
        assertTrue(Math.abs(mean - target) <= 4 * se,
            "MC " + mean + " vs " + target + " (se " + se + ")");
      }
    }
  }

  /**
   * The conditional normaliser: for fixed w, ∫ (Σ_k w_k A_k(z))^(−α₀) dz computed by quadrature
   * equals exp(log C(w)) with log C(w) from the closed form of SPEC §2 (σ², log|Λ(w)|, ν) to
   * 1e-9 relative — checks the completion of the square, including a singular Λ_k.
   */
  @Test
  void conditionalNormaliserMatchesQuadrature() {
    for (TestModels.Case c : List.of(TestModels.correlated2d(), TestModels.singular2d(),
        TestModels.skewed1d())) {
      ProductOfExperts f = c.family();
      FeynmanSampler sampler = FeynmanSampler.of(f);
      int k = f.numActive();
      double[][] ws = k == 3 ? new double[][] {{0.2, 0.3, 0.5}, {0.9, 0.05, 0.05}}
          : new double[][] {{0.5, 0.5}};
      for (double[] w : ws) {
        double a0 = f.alphaSum();
        int dim = f.dim();
        Quadrature.Nodes axis = Quadrature.realLine(0, 1, 1.0 / 32, 6);
        int n1 = dim == 2 ? axis.size() : 1;
        double[] terms = new double[axis.size() * n1];
        double[] z = new double[dim];
        for (int i = 0; i < axis.size(); i++) {
          for (int j = 0; j < n1; j++) {
            z[0] = axis.x()[i];
            double lw = axis.logWeight()[i];
            if (dim == 2) {
              z[1] = axis.x()[j];
              lw += axis.logWeight()[j];
            }
            double mix = 0;
            for (int m = 0; m < k; m++) {
              mix += w[m] * f.expert(m).a(z);
            }
            terms[i * n1 + j] = lw - a0 * Math.log(mix);
          }
        }
        double quadrature = LogSpace.logSumExp(terms);
        assertEquals(quadrature, sampler.logC(w), 1e-9 * Math.max(1, Math.abs(quadrature)),
            c.name() + " w=" + java.util.Arrays.toString(w));
      }
    }
  }
}
