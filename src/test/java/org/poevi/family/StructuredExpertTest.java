package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.math.RandomStreams;

/**
 * Structured experts Λ_k = c_k·M + U_k U_kᵀ (issue #20) against the same experts given densely:
 * every quantity the family computes agrees to rounding, the structured sampler's draws have the
 * conditional's moments, and the exact sampler and normaliser agree with the dense ones within
 * Monte Carlo error.
 */
class StructuredExpertTest {
  /** Four standard errors: a two-sided miss has probability 6e-5 per check. */
  private static final double Z = 4;

  /** A random SPD metric with condition number around 100, and experts of ranks {@code ranks}. */
  static ProductOfExperts structured(int dim, int[] ranks, double alphaSum, long seed) {
    return structured(dim, ranks, alphaSum, 1, seed);
  }

  /** As above, with the locations spread around (3, …, 3) with standard deviation spread. */
  static ProductOfExperts structured(int dim, int[] ranks, double alphaSum, double spread,
      long seed) {
    Random rng = new Random(seed);
    double[] a = new double[dim * dim];
    for (int i = 0; i < a.length; i++) {
      a[i] = rng.nextGaussian();
    }
    double[] m = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        double s = 0;
        for (int k = 0; k < dim; k++) {
          s += a[i * dim + k] * a[j * dim + k];
        }
        m[i * dim + j] = s / dim + (i == j ? 0.05 : 0);
      }
    }
    SharedMetric metric = SharedMetric.of(m, dim);
    List<Expert> experts = new ArrayList<>();
    double[] alpha = new double[ranks.length];
    double total = 0;
    for (int k = 0; k < ranks.length; k++) {
      double[] location = new double[dim];
      for (int d = 0; d < dim; d++) {
        location[d] = 3 + spread * rng.nextGaussian();
      }
      double[] u = new double[dim * ranks[k]];
      for (int i = 0; i < u.length; i++) {
        u[i] = 0.7 * rng.nextGaussian();
      }
      experts.add(Expert.structured(location, metric, 0.2 + rng.nextDouble(), u));
      alpha[k] = 0.5 + rng.nextDouble();
      total += alpha[k];
    }
    for (int k = 0; k < alpha.length; k++) {
      alpha[k] *= alphaSum / total;
    }
    return ProductOfExperts.of(experts, alpha);
  }

  /** The same family with every Λ_k given as a dense matrix. */
  static ProductOfExperts dense(ProductOfExperts f) {
    List<Expert> experts = new ArrayList<>();
    for (Expert e : f.experts()) {
      experts.add(Expert.of(e.location(), e.lambda()));
    }
    return ProductOfExperts.of(experts, f.alpha());
  }

  private static double[] point(Random rng, int dim) {
    double[] z = new double[dim];
    for (int d = 0; d < dim; d++) {
      z[d] = 3 + 2 * rng.nextGaussian();
    }
    return z;
  }

  @Test
  void densityScoreAndDeterminantsMatchTheDenseExperts() {
    ProductOfExperts s = structured(7, new int[] {0, 1, 2, 3, 1}, 9, 1);
    ProductOfExperts d = dense(s);
    for (int k = 0; k < s.numExperts(); k++) {
      assertTrue(s.expert(k).isStructured());
      assertEquals(d.expert(k).logDeterminant(), s.expert(k).logDeterminant(), 1e-10,
          "log|lambda_" + k + "|");
    }
    Random rng = new Random(2);
    for (int i = 0; i < 20; i++) {
      double[] z = point(rng, 7);
      double ld = d.logDensityUnnormalized(z);
      assertEquals(ld, s.logDensityUnnormalized(z), 1e-10 * Math.abs(ld));
      assertArrayEquals(d.score(z), s.score(z), 1e-10);
      assertArrayEquals(d.qMatrix(z), s.qMatrix(z), 1e-10);
    }
  }

  @Test
  void blockLogDensityMatchesTheDenseStack() {
    ProductOfExperts s = structured(9, new int[] {2, 0, 1, 4}, 8, 3);
    ConditionalForm structured = ConditionalForm.of(s);
    ConditionalForm dense = ConditionalForm.of(dense(s));
    assertInstanceOf(StructuredStack.class, structured);
    assertInstanceOf(ExpertStack.class, dense);
    int n = 200;
    double[] z = new double[n * 9];
    Random rng = new Random(4);
    for (int i = 0; i < n; i++) {
      System.arraycopy(point(rng, 9), 0, z, i * 9, 9);
    }
    double[] a = new double[n];
    double[] b = new double[n];
    structured.logDensity(z, 0, n, structured.workspace(), a, 0);
    dense.logDensity(z, 0, n, dense.workspace(), b, 0);
    for (int i = 0; i < n; i++) {
      assertEquals(b[i], a[i], 1e-9 * Math.abs(b[i]), "point " + i);
      assertEquals(s.logDensityUnnormalized(java.util.Arrays.copyOfRange(z, i * 9, i * 9 + 9)),
          a[i], 1e-9 * Math.abs(a[i]));
    }
  }

  /** Small m uses the Java Cholesky of K, m ≥ 20 the native one; both match the dense Λ(w). */
  @Test
  void conditionalMatchesTheDenseOne() {
    for (int[] ranks : new int[][] {{0, 0, 0}, {1, 2, 0, 3}, {5, 6, 4, 7}}) {
      int dim = ranks.length == 3 ? 5 : 30;
      ProductOfExperts s = structured(dim, ranks, dim / 2.0 + 6, 5);
      FeynmanSampler fs = FeynmanSampler.of(s);
      FeynmanSampler fd = FeynmanSampler.of(dense(s));
      Random rng = new Random(6);
      for (int trial = 0; trial < 5; trial++) {
        double[] w = new double[ranks.length];
        double sum = 0;
        for (int k = 0; k < w.length; k++) {
          w[k] = -Math.log(rng.nextDouble());
          sum += w[k];
        }
        for (int k = 0; k < w.length; k++) {
          w[k] /= sum;
        }
        FeynmanSampler.Conditional cs = fs.conditional(w);
        FeynmanSampler.Conditional cd = fd.conditional(w);
        assertEquals(cd.logC(), cs.logC(), 1e-9 * Math.max(1, Math.abs(cd.logC())));
        assertArrayEquals(cd.location(), cs.location(), 1e-9);
        double maxScale = 0;
        for (double v : cd.scale()) {
          maxScale = Math.max(maxScale, Math.abs(v));
        }
        assertArrayEquals(cd.scale(), cs.scale(), 1e-9 * maxScale);
      }
    }
  }

  /**
   * 200,000 draws of z | w from the structured sampler: each mean within 4 SE of μ(w), each
   * variance within 4 SE of the t's ν/(ν − 2)·Ω⁻¹ diagonal (SE from the draws' own fourth
   * moments; ν = 2α₀ − D = 14 so they exist).
   */
  @Test
  void conditionalDrawsHaveTheTMoments() {
    int dim = 6;
    ProductOfExperts s = structured(dim, new int[] {2, 1, 3}, (dim + 14) / 2.0, 7);
    FeynmanSampler fs = FeynmanSampler.of(s);
    double[] w = {0.5, 0.3, 0.2};
    FeynmanSampler.Conditional c = fs.conditional(w);
    int n = 200_000;
    double[] z = fs.drawConditional(w, RandomSource.XO_RO_SHI_RO_128_PP.create(8L), n);
    double nu = c.dof();
    for (int d = 0; d < dim; d++) {
      double variance = c.scale()[d * dim + d] * nu / (nu - 2);
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += z[i * dim + d] / n;
      }
      assertEquals(c.location()[d], mean, Z * Math.sqrt(variance / n), "mean " + d);
      double m2 = 0;
      double m4 = 0;
      for (int i = 0; i < n; i++) {
        double e = (z[i * dim + d] - c.location()[d]) * (z[i * dim + d] - c.location()[d]);
        m2 += e / n;
        m4 += e * e / n;
      }
      assertEquals(variance, m2, Z * Math.sqrt((m4 - m2 * m2) / n), "variance " + d);
    }
  }

  /**
   * Exact draws and the Dirichlet normaliser of a structured family against the dense family's,
   * from independent seeds: means within 4 SE of their difference, log C_α within 4 SE; and the
   * structured draws do not depend on the number of threads.
   */
  @Test
  void exactSamplerAgreesWithTheDenseOne() {
    int dim = 8;
    ProductOfExperts s = structured(dim, new int[] {1, 0, 2, 1}, dim / 2.0 + 5, 0.1, 9);
    SampleOptions.Builder options = SampleOptions.builder().draws(20_000)
        .normalizerDraws(200_000).mode(SampleOptions.Mode.EXACT);
    SampleResult a = FeynmanSampler.of(s).sample(options.seed(10).threads(2).build());
    SampleResult b = FeynmanSampler.of(dense(s)).sample(options.seed(11).threads(2).build());
    SampleResult one = FeynmanSampler.of(s).sample(options.seed(10).threads(1).build());
    assertArrayEquals(a.draws(), one.draws(), 0.0);
    assertEquals(SamplingMode.EXACT, a.mode());
    for (int d = 0; d < dim; d++) {
      double[] ma = meanVar(a, d);
      double[] mb = meanVar(b, d);
      double se = Math.sqrt(ma[1] / a.numDraws() + mb[1] / b.numDraws());
      assertEquals(mb[0], ma[0], Z * se, "coordinate " + d);
    }
    double se = Math.hypot(a.normalizer().standardError(), b.normalizer().standardError());
    assertEquals(b.normalizer().estimate(), a.normalizer().estimate(), Z * se);
  }

  private static double[] meanVar(SampleResult r, int d) {
    int n = r.numDraws();
    int dim = r.dim();
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += r.draws()[i * dim + d] / n;
    }
    double var = 0;
    for (int i = 0; i < n; i++) {
      double e = r.draws()[i * dim + d] - mean;
      var += e * e / (n - 1);
    }
    return new double[] {mean, var};
  }

  @Test
  void normalisabilityIsTwoSumAlphaAboveD() {
    ProductOfExperts ok = structured(6, new int[] {1, 2}, 3.0001, 12);
    assertEquals(2 * 3.0001 - 6, ok.minTailDof(), 1e-12);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> structured(6, new int[] {1, 2}, 2.9, 12));
    assertTrue(e.getMessage().contains("must exceed the dimension D = 6"), e.getMessage());
  }

  @Test
  void badStructuredExpertsAreOneLineErrors() {
    SharedMetric metric = SharedMetric.of(new double[] {2, 0.5, 0.5, 1}, 2);
    double[] mu = {0, 0};
    assertEquals("scale must be finite and > 0, got 0.0", assertThrows(
        InvalidInputException.class,
        () -> Expert.structured(mu, metric, 0, new double[0])).getMessage());
    assertEquals("lowRank[1][0] must be finite, got NaN", assertThrows(
        InvalidInputException.class,
        () -> Expert.structured(mu, metric, 1, new double[] {1, 2, Double.NaN, 0})).getMessage());
    assertTrue(assertThrows(InvalidInputException.class,
        () -> Expert.structured(new double[3], metric, 1, new double[0])).getMessage()
        .contains("location has 3 coordinates but the metric is 2x2"));
    assertTrue(assertThrows(InvalidInputException.class,
        () -> SharedMetric.of(new double[] {1, 2, 2, 1}, 2)).getMessage()
        .contains("not positive definite"));
    assertTrue(assertThrows(InvalidInputException.class,
        () -> SharedMetric.of(new double[] {1, 0.2, 0.3, 1}, 2)).getMessage()
        .startsWith("metric[0][1] = 0.2 differs from metric[1][0] = 0.3"));
  }

  @Test
  void streamsDoNotDependOnTheLayoutOnlyOnTheSeed() {
    ProductOfExperts s = structured(5, new int[] {1, 1}, 6, 13);
    FeynmanSampler fs = FeynmanSampler.of(s);
    FeynmanSampler.WeightedDraws a = fs.weighted(RandomStreams.of(3), 1, 1000, 1);
    FeynmanSampler.WeightedDraws b = fs.weighted(RandomStreams.of(3), 1, 1000, 2);
    assertArrayEquals(a.z(), b.z(), 0.0);
    assertArrayEquals(a.logWeights(), b.logWeights(), 0.0);
  }

  @Test
  void modelJsonKeepsTheStructuredFormAndReadsItBack() {
    ProductOfExperts s = structured(4, new int[] {0, 2, 1}, 5, 14);
    PoeModel model = new PoeModel(PoeModel.defaultNames(4), s, null);
    String text = ModelJson.toJson(model).toString();
    assertTrue(text.contains("\"metric\"") && text.contains("\"lowRank\"")
        && !text.contains("\"lambda\""), text);
    ProductOfExperts back = ModelJson.parse(text).family();
    for (int k = 0; k < 3; k++) {
      assertTrue(back.expert(k).isStructured());
      assertEquals(s.expert(k).metricScale(), back.expert(k).metricScale(), 0.0);
      assertArrayEquals(s.expert(k).lowRank(), back.expert(k).lowRank(), 0.0);
    }
    double[] z = {1, 2, 3, 4};
    assertEquals(s.logDensityUnnormalized(z), back.logDensityUnnormalized(z), 0.0);
    String both = text.replaceFirst("\"scale\"", "\"lambda\": [[1,0,0,0],[0,1,0,0],[0,0,1,0],"
        + "[0,0,0,1]], \"scale\"");
    assertEquals("experts[0] has both lambda and scale/lowRank: give one form", assertThrows(
        InvalidInputException.class, () -> ModelJson.parse(both)).getMessage());
    String noMetric = text.replaceFirst("\"metric\"", "\"unusedMetric\"");
    assertTrue(assertThrows(InvalidInputException.class, () -> ModelJson.parse(noMetric))
        .getMessage().startsWith("unknown field unusedMetric"));
    String badScale = text.replaceFirst("\"scale\":[0-9.eE+-]+", "\"scale\":-1");
    assertEquals("experts[0].scale must be finite and > 0, got -1.0", assertThrows(
        InvalidInputException.class, () -> ModelJson.parse(badScale)).getMessage());
  }

  /** Q of a block, K columns of nb·D, from a QMatrixBlock over these experts. */
  private static double[] qBlock(List<Expert> experts, double[] z, int nb) {
    int dim = experts.get(0).dim();
    double[] out = new double[nb * dim * experts.size()];
    new QMatrixBlock(experts, nb).compute(z, 0, nb, out);
    return out;
  }

  /**
   * The structured Q of a block equals the dense one, with the identity metric and with a general
   * one; whitened by the shared metric (S = M⁻¹, F = L⁻ᵀ) it differs from the dense
   * ScoreBasis(M⁻¹) by a rotation per point, so the QP's sums Σ QᵀQ and Σ Qᵀ(transformed
   * scores) agree.
   */
  @Test
  void qMatrixBlockMatchesTheDenseOne() {
    int dim = 6;
    int nb = 40;
    ProductOfExperts s = structured(dim, new int[] {1, 0, 3, 2}, 8, 15);
    ProductOfExperts d = dense(s);
    Random rng = new Random(16);
    double[] z = new double[nb * dim];
    double[] scores = new double[nb * dim];
    for (int i = 0; i < z.length; i++) {
      z[i] = 3 + 2 * rng.nextGaussian();
      scores[i] = rng.nextGaussian();
    }
    assertArrayEquals(qBlock(d.experts(), z, nb), qBlock(s.experts(), z, nb), 1e-10);
    double[] covariance = org.poevi.math.Cholesky.inverse(
        s.expert(0).metric().matrix(), dim);
    assertArrayEquals(qBlock(ScoreBasis.of(d.experts(), covariance), z, nb),
        qBlock(ScoreBasis.of(s.experts(), covariance), z, nb), 1e-10);
    ScoreBasis white = ScoreBasis.whitened(s.experts());
    ScoreBasis plain = ScoreBasis.of(d.experts(), covariance);
    double[][] sums = new double[2][];
    int k = s.numExperts();
    for (int v = 0; v < 2; v++) {
      ScoreBasis basis = v == 0 ? white : plain;
      double[] q = qBlock(basis, z, nb);
      double[] t = new double[nb * dim];
      ScoreBasis.transformScores(basis, scores, 0, nb, t, 0);
      double[] sum = new double[k * k + k];
      for (int a = 0; a < k; a++) {
        for (int i = 0; i < nb * dim; i++) {
          for (int b = 0; b < k; b++) {
            sum[a * k + b] += q[a * nb * dim + i] * q[b * nb * dim + i];
          }
          sum[k * k + a] += q[a * nb * dim + i] * t[i];
        }
      }
      sums[v] = sum;
    }
    for (int i = 0; i < sums[0].length; i++) {
      assertEquals(sums[1][i], sums[0][i], 1e-9 * Math.max(1, Math.abs(sums[1][i])), "sum " + i);
    }
  }

  /** Blocked scores and log densities of many points equal the point-by-point ones. */
  @Test
  void blockedScoresAndLogDensitiesMatchPointByPoint() {
    ProductOfExperts s = structured(7, new int[] {1, 0, 2}, 8, 17);
    Random rng = new Random(18);
    int n = 150;
    double[] z = new double[n * 7];
    for (int i = 0; i < z.length; i++) {
      z[i] = 3 + 2 * rng.nextGaussian();
    }
    for (ProductOfExperts f : List.of(s, dense(s))) {
      double[] scores = f.scores(z, 2);
      double[] logQ = f.logDensities(z, 0.5, 2);
      for (int i = 0; i < n; i++) {
        double[] zi = java.util.Arrays.copyOfRange(z, i * 7, i * 7 + 7);
        assertArrayEquals(f.score(zi), java.util.Arrays.copyOfRange(scores, i * 7, i * 7 + 7),
            1e-10);
        double ld = f.logDensityUnnormalized(zi) - 0.5;
        assertEquals(ld, logQ[i], 1e-10 * Math.abs(ld));
      }
    }
  }
}
