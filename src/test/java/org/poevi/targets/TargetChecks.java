package org.poevi.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.poevi.math.LogSpace;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.testing.GradientCheck;
import org.poevi.testing.Quadrature;

/** Property checks shared by the target tests. */
public final class TargetChecks {
  /**
   * KS p-value below which a sample is rejected: each KS test then raises a false alarm with
   * probability 0.001 when the sampler is right (about 1% over the dozen KS tests of this package).
   */
  static final double KS_ALPHA = 1e-3;
  /**
   * Standard errors allowed for a Monte Carlo mean: a two-sided false-alarm rate of 6.3e-5 per
   * coordinate (normal approximation), under 1% over every coordinate checked in this package.
   */
  static final double Z = 4;

  private TargetChecks() {}

  /** The gradient against central differences, and logDensity(z) against logDensity(z, g). */
  public static void assertGradient(Target t, double[] z, String what) {
    GradientCheck.assertGradient(t::logDensity, t::logDensity, z, what);
    double[] g = new double[t.dim()];
    double withGradient = t.logDensity(z.clone(), g);
    double alone = t.logDensity(z.clone());
    // The same formula evaluated twice: equal up to summation order, a few ulps of the terms.
    assertEquals(withGradient, alone, 1e-12 * Math.max(1, Math.abs(alone)),
        what + ": logDensity with and without the gradient");
  }

  /**
   * The analytic Hessian against central differences of the gradient, with step
   * h = 1e-5·max(1, |z_i|). The difference has truncation error h²|∇³g|/6 (below 1e-9 relative for
   * these smooth targets at the points used) and rounding error about ε·max|g|/h ≈ 2e-11·max|g|;
   * the tolerance 1e-6·max(1, |H_ij|) + 1e-8·max|g| leaves two decades of margin on each, while a
   * wrong term is O(|H|). Symmetry is checked exactly up to rounding.
   */
  static void assertHessian(Target t, double[] z, String what) {
    int n = t.dim();
    double[] h = new double[n * n];
    assertTrue(t.hessian(z.clone(), h), what + ": the Hessian must be analytic");
    double[] g = new double[n];
    t.logDensity(z.clone(), g);
    double maxG = 0;
    for (double v : g) {
      maxG = Math.max(maxG, Math.abs(v));
    }
    double[] gPlus = new double[n];
    double[] gMinus = new double[n];
    for (int i = 0; i < n; i++) {
      double step = 1e-5 * Math.max(1, Math.abs(z[i]));
      double[] plus = z.clone();
      double[] minus = z.clone();
      plus[i] += step;
      minus[i] -= step;
      t.logDensity(plus, gPlus);
      t.logDensity(minus, gMinus);
      for (int j = 0; j < n; j++) {
        double fd = (gPlus[j] - gMinus[j]) / (2 * step);
        double tol = 1e-6 * Math.max(1, Math.abs(h[i * n + j])) + 1e-8 * maxG;
        assertEquals(fd, h[j * n + i], tol, what + ": Hessian entry (" + j + ", " + i + ")");
        assertEquals(h[i * n + j], h[j * n + i],
            1e-12 * Math.max(1, Math.abs(h[i * n + j])), what + ": Hessian symmetry");
      }
    }
  }

  /**
   * Exact draws of a 1-D unimodal target against its CDF by quadrature. Below the mode c,
   * F(x) = ∫₀^∞ p̃(x − r) dr / ∫p̃, and above it 1 − ∫₀^∞ p̃(x + r) dr / ∫p̃: on either side the
   * integrand decreases from r = 0, which the nodes r = w/(1 − w) (tanh-sinh in w) resolve; across
   * the mode it would peak far from r = 0 between nodes. Both sides agree at c to 1e-9, which
   * checks the reference, and dividing by the quadrature integral (not the estimated normaliser)
   * keeps it exact to about that level. The draws come a block at a time ({@link
   * ExactTarget#sample(UniformRandomProvider, int, double[], int)}).
   *
   * @param center the middle of the density's bulk, and {@code scale} its width: the nodes and
   *     the distances r are in these units
   */
  static void assertDrawsFollowTheDensityIn1d(ExactTarget t, double center, double scale,
      long seed, int n) {
    Quadrature.Nodes line = Quadrature.realLine(center, scale, 0.05, 3.5);
    double[] terms = new double[line.size()];
    double mode = 0;
    double best = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < line.size(); i++) {
      double logP = t.logDensity(new double[] {line.x()[i]});
      terms[i] = line.logWeight()[i] + logP;
      if (logP > best) {
        best = logP;
        mode = line.x()[i];
      }
    }
    double logTotal = LogSpace.logSumExp(terms);
    Quadrature.UnitNodes unit = Quadrature.unitInterval(0.05, 3.5);
    java.util.function.DoubleBinaryOperator tail = (x, direction) -> {
      double[] parts = new double[unit.w().length];
      for (int i = 0; i < parts.length; i++) {
        double r = scale * Math.exp(unit.logW()[i] - unit.log1mW()[i]);
        parts[i] = unit.logWeight()[i] - 2 * unit.log1mW()[i] + Math.log(scale)
            + t.logDensity(new double[] {x + direction * r});
      }
      return Math.exp(LogSpace.logSumExp(parts) - logTotal);
    };
    double c = mode;
    assertEquals(1, tail.applyAsDouble(c, -1) + tail.applyAsDouble(c, 1), 1e-9,
        "the two halves of the reference CDF");
    double[] draws = new double[n];
    t.sample(RandomStreams.of(seed).stream(7), n, draws, 0);
    assertKs(draws, x -> x <= c ? tail.applyAsDouble(x, -1) : 1 - tail.applyAsDouble(x, 1),
        t.toString());
  }

  /** n exact draws, n×D row-major, from one stream of the seed. */
  static double[] draws(ExactTarget t, long seed, int n) {
    UniformRandomProvider rng = RandomStreams.of(seed).stream(7);
    double[] out = new double[n * t.dim()];
    for (int i = 0; i < n; i++) {
      t.sample(rng, out, i * t.dim());
    }
    return out;
  }

  /** Column d of an n×D row-major array. */
  static double[] column(double[] rows, int dim, int d) {
    double[] out = new double[rows.length / dim];
    for (int i = 0; i < out.length; i++) {
      out[i] = rows[i * dim + d];
    }
    return out;
  }

  /**
   * The Stein identity E_p[∇log p] = 0, coordinate by coordinate: |mean score| ≤ {@value #Z}·SE,
   * SE = sd/√n from the same draws.
   */
  static void assertSteinIdentity(ExactTarget t, double[] draws, String what) {
    int dim = t.dim();
    int n = draws.length / dim;
    double[] sum = new double[dim];
    double[] sumSq = new double[dim];
    double[] z = new double[dim];
    double[] g = new double[dim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(draws, i * dim, z, 0, dim);
      t.logDensity(z, g);
      for (int d = 0; d < dim; d++) {
        assertTrue(Double.isFinite(g[d]), what + ": score at draw " + i + " is " + g[d]);
        sum[d] += g[d];
        sumSq[d] += g[d] * g[d];
      }
    }
    for (int d = 0; d < dim; d++) {
      double mean = sum[d] / n;
      double variance = (sumSq[d] - n * mean * mean) / (n - 1);
      double se = Math.sqrt(variance / n);
      assertTrue(Math.abs(mean) <= Z * se, what + ": mean score of coordinate " + d + " is "
          + mean + ", more than " + Z + " standard errors (" + se + ") from 0");
    }
  }

  /** One-sample Kolmogorov–Smirnov test against a continuous CDF, rejected at p &lt; 0.001. */
  static void assertKs(double[] sample, DoubleUnaryOperator cdf, String what) {
    double p = KolmogorovSmirnovTest.withDefaults().test(sample, cdf).getPValue();
    assertTrue(p >= KS_ALPHA, what + ": KS p-value " + p + " < " + KS_ALPHA);
  }

  /** A Java serialisation round trip. */
  @SuppressWarnings("unchecked")
  public static <T> T roundTrip(T value) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(value);
      }
      try (ObjectInputStream in = new ObjectInputStream(
          new ByteArrayInputStream(bytes.toByteArray()))) {
        return (T) in.readObject();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * log ∫∫ exp(logDensity − logNormalizer) over R² by the sinh-sinh rule: outer nodes for z₁, and
   * for each z₁ the inner nodes {@code inner(z₁)} for z₂ (a per-slice change of variables, which
   * Fubini allows; it follows a curved or funnel-shaped density's bulk).
   */
  static double logIntegral2d(ExactTarget t, Quadrature.Nodes outer,
      DoubleFunction<Quadrature.Nodes> inner) {
    double[] terms = new double[outer.size()];
    double[] z = new double[2];
    for (int i = 0; i < outer.size(); i++) {
      z[0] = outer.x()[i];
      Quadrature.Nodes in = inner.apply(z[0]);
      double[] slice = new double[in.size()];
      for (int j = 0; j < in.size(); j++) {
        z[1] = in.x()[j];
        slice[j] = in.logWeight()[j] + t.logDensity(z);
      }
      terms[i] = outer.logWeight()[i] + LogSpace.logSumExp(slice);
    }
    return LogSpace.logSumExp(terms) - t.logNormalizer();
  }

  /** log ∫ exp(logDensity − logNormalizer) over R for a 1-D target. */
  static double logIntegral1d(ExactTarget t, Quadrature.Nodes nodes) {
    double[] terms = new double[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      terms[i] = nodes.logWeight()[i] + t.logDensity(new double[] {nodes.x()[i]});
    }
    return LogSpace.logSumExp(terms) - t.logNormalizer();
  }

  /** The Monte Carlo estimate of E_r[p/r] with its standard error. */
  record Estimate(double mean, double standardError) {}

  /**
   * E_r[p(z)/r(z)] with p = exp(logDensity − logNormalizer) and z ~ r, a multivariate t proposal
   * whose tails are heavier than p's, so that p/r is bounded and the estimate has finite variance.
   */
  static Estimate importanceMean(ExactTarget t, MultivariateT proposal, long seed, int n) {
    int dim = t.dim();
    MultivariateT.Sampler sampler = proposal.sampler(RandomStreams.of(seed).stream(11));
    double[] z = new double[dim];
    double[] scratch = new double[dim];
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      sampler.sample(z, 0);
      double w = Math.exp(t.logDensity(z) - t.logNormalizer() - proposal.logDensity(z, 0, scratch));
      sum += w;
      sumSq += w * w;
    }
    double mean = sum / n;
    double variance = (sumSq - n * mean * mean) / (n - 1);
    return new Estimate(mean, Math.sqrt(variance / n));
  }

  /**
   * Asserts that a log-integral computed by the sinh-sinh rule is 0 to within {@code tolerance}.
   * The rule's error behaves like exp(−c/h), so halving h from 0.05 to 0.025 roughly squares it:
   * the change between the two (required below 1e-6, i.e. the coarse rule is already that accurate)
   * bounds the coarse error, and the fine value is then accurate to about its square, far below
   * any tolerance used here.
   */
  static void assertLogIntegralZero(DoubleUnaryOperator logIntegralAtStep, double tolerance,
      String what) {
    double coarse = logIntegralAtStep.applyAsDouble(0.05);
    double fine = logIntegralAtStep.applyAsDouble(0.025);
    assertEquals(coarse, fine, 1e-6, what + ": quadrature has not converged");
    assertEquals(0, fine, tolerance, what + ": log of the integral of the normalised density");
  }

  /** |log mean| within Z combined standard errors (the Monte Carlo one and optionally another). */
  static void assertMeanIsOne(Estimate e, double otherLogSe, String what) {
    double logSe = Math.hypot(e.standardError() / e.mean(), otherLogSe);
    // A check with a large standard error would pass anything: below 0.01, 4 SE resolve an error
    // of 0.04 nats in the normaliser (a wrong constant such as log τ or log(1 − ρ²) is larger).
    assertTrue(e.standardError() < 0.01, what + ": Monte Carlo standard error "
        + e.standardError() + " too large for a meaningful check");
    assertEquals(0, Math.log(e.mean()), Z * logSe, what + ": log E_r[p/r] (mean " + e.mean()
        + " ± " + e.standardError() + ")");
  }

  /**
   * A t_ν proposal with the mean and {@code inflation} times the covariance of 20 000 exact draws
   * of the target (its own stream), for importance sampling.
   */
  static MultivariateT widenedFit(ExactTarget t, double inflation, double dof) {
    int dim = t.dim();
    int n = 20_000;
    double[] draws = draws(t, 31, n);
    double[] mean = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        mean[d] += draws[i * dim + d] / n;
      }
    }
    double[] scatter = new double[dim * dim];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < dim; a++) {
        for (int b = 0; b < dim; b++) {
          scatter[a * dim + b] += inflation * (draws[i * dim + a] - mean[a])
              * (draws[i * dim + b] - mean[b]) / (n - 1);
        }
      }
    }
    return MultivariateT.of(mean, scatter, dof);
  }

  /** A row-major D×D matrix c·I. */
  static double[] scaledIdentity(int dim, double c) {
    double[] m = new double[dim * dim];
    for (int d = 0; d < dim; d++) {
      m[d * dim + d] = c;
    }
    return m;
  }
}
