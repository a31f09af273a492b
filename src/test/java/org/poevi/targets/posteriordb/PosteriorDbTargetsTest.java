package org.poevi.targets.posteriordb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.CauchyDistribution;
import org.apache.commons.statistics.distribution.GammaDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.PoissonDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.poevi.InvalidInputException;
import org.poevi.targets.ReferenceDraws;
import org.poevi.targets.Target;
import org.poevi.targets.TargetChecks;

/**
 * The posteriordb targets: analytic gradients against finite differences, names and dimensions
 * against the reference files, serialisation, data-file errors, and each log density against an
 * independent constrained-scale computation with Commons Statistics densities.
 */
public class PosteriorDbTargetsTest {
  /** Reference draws used as evaluation points: different chains, start, middle and end. */
  private static final int[] DRAWS = {0, 2_718, 5_000, 9_999};

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.poevi.targets.ReferenceDraws#posteriors")
  void gradientMatchesFiniteDifferences(String posterior) {
    Target target = ReferenceDraws.target(posterior);
    ReferenceDraws draws = ReferenceDraws.read(posterior);
    boolean gp = target instanceof GpPoissonTarget;
    for (int i : DRAWS) {
      assertGradient(target, draws.draw(i), gp, posterior + " at draw " + i);
    }
    // Random points: a reference draw moved by N(0, 0.5²) in every coordinate, off the draws.
    SplittableRandom rng = new SplittableRandom(20_250_429L + posterior.hashCode());
    for (int r = 0; r < 3; r++) {
      double[] z = draws.draw(rng.nextInt(draws.count));
      for (int d = 0; d < z.length; d++) {
        z[d] += 0.5 * gaussian(rng);
      }
      assertGradient(target, z, gp, posterior + " at " + Arrays.toString(z));
    }
  }

  private static void assertGradient(Target target, double[] z, boolean noisy, String what) {
    if (noisy) {
      assertGradientRichardson(target, z, what);
    } else {
      TargetChecks.assertGradient(target, z, what);
    }
  }

  /**
   * For gp-poisson: its K is so badly conditioned that the computed log density carries rounding
   * noise of about 1e-10 (the Cholesky factor's forward error grows with K's condition number),
   * and the plain central difference with h = 1e-5 (TargetChecks) amplifies it to about 1e-5,
   * more than its 1e-6 relative tolerance (at draw 0: analytic ∂log ρ 8.2579394, difference
   * 8.2579199 at h = 1e-5, 8.2579392 by the rule below). So here a Richardson-extrapolated central
   * difference (4D(h) − D(2h))/3 with h = 1e-3·max(1, |z_i|): truncation O(h⁴) ≈ 1e-10 and
   * rounding about 1e-10/h = 1e-7, both well inside the same tolerance 1e-6·max(1, |g_i|), while a
   * wrong term is O(|g|).
   */
  private static void assertGradientRichardson(Target target, double[] z, String what) {
    double[] g = new double[target.dim()];
    double value = target.logDensity(z.clone(), g);
    assertEquals(value, target.logDensity(z.clone()), 1e-12 * Math.max(1, Math.abs(value)),
        what + ": logDensity with and without the gradient");
    for (int i = 0; i < z.length; i++) {
      double h = 1e-3 * Math.max(1, Math.abs(z[i]));
      double near = centralDifference(target, z, i, h);
      double far = centralDifference(target, z, i, 2 * h);
      double fd = (4 * near - far) / 3;
      assertEquals(fd, g[i], 1e-6 * Math.max(1, Math.abs(g[i])),
          what + ": component " + i + " of the gradient");
    }
  }

  private static double centralDifference(Target target, double[] z, int i, double h) {
    double[] plus = z.clone();
    double[] minus = z.clone();
    plus[i] += h;
    minus[i] -= h;
    return (target.logDensity(plus) - target.logDensity(minus)) / (2 * h);
  }

  /** A standard normal by Box–Muller (SplittableRandom has no nextGaussian in Java 17). */
  private static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI
        * rng.nextDouble());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.poevi.targets.ReferenceDraws#posteriors")
  void namesAndDimensionMatchTheReferenceFiles(String posterior) {
    Target target = ReferenceDraws.target(posterior);
    assertEquals(ReferenceDraws.read(posterior).names, target.parameterNames(), posterior);
    Map<String, Integer> index = ReferenceDraws.indexDimensions();
    assertEquals(index.get(posterior), target.dim(), posterior + ": dim_unconstrained");
    assertEquals(target.dim(), target.parameterNames().size(), posterior);
  }

  @Test
  void indexListsExactlyTheSixPosteriors() {
    assertEquals(ReferenceDraws.POSTERIORS,
        List.copyOf(ReferenceDraws.indexDimensions().keySet()));
  }

  @Test
  void namesOfTheTargets() {
    assertEquals("eight-schools-centered",
        ReferenceDraws.target("eight_schools-eight_schools_centered").name());
    assertEquals("eight-schools-noncentered",
        ReferenceDraws.target("eight_schools-eight_schools_noncentered").name());
    assertEquals("garch11", ReferenceDraws.target("garch-garch11").name());
    assertEquals("ar", ReferenceDraws.target("arK-arK").name());
    assertEquals("gp-poisson", ReferenceDraws.target("gp_pois_regr-gp_pois_regr").name());
    assertEquals("normal-mixture",
        ReferenceDraws.target("low_dim_gauss_mix-low_dim_gauss_mix").name());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.poevi.targets.ReferenceDraws#posteriors")
  void serializationRoundTripGivesTheSameDensity(String posterior) {
    Target target = ReferenceDraws.target(posterior);
    Target copy = TargetChecks.roundTrip(target);
    assertEquals(target.name(), copy.name());
    assertEquals(target.parameterNames(), copy.parameterNames());
    ReferenceDraws draws = ReferenceDraws.read(posterior);
    for (int i : DRAWS) {
      double[] g = new double[target.dim()];
      double[] gCopy = new double[target.dim()];
      assertEquals(target.logDensity(draws.draw(i), g), copy.logDensity(draws.draw(i), gCopy),
          0, posterior);
      assertTrue(Arrays.equals(g, gCopy), posterior + ": gradient after the round trip");
    }
  }

  /** gp-poisson's K is badly conditioned; every reference draw must still evaluate finitely. */
  @Test
  void gpPoissonIsFiniteAtEveryReferenceDraw() {
    String posterior = "gp_pois_regr-gp_pois_regr";
    Target target = ReferenceDraws.target(posterior);
    ReferenceDraws draws = ReferenceDraws.read(posterior);
    double[] g = new double[target.dim()];
    for (int i = 0; i < draws.count; i++) {
      double lp = target.logDensity(draws.draw(i), g);
      assertTrue(Double.isFinite(lp), "log density at draw " + i + ": " + lp);
      for (double v : g) {
        assertTrue(Double.isFinite(v), "gradient at draw " + i + ": " + Arrays.toString(g));
      }
    }
  }

  @Test
  void farPointsGiveMinusInfinityNotNaN() {
    double[] g = new double[13];
    Target gp = ReferenceDraws.target("gp_pois_regr-gp_pois_regr");
    double[] z = new double[13];
    z[1] = 400; // α² = e^800 overflows
    assertEquals(Double.NEGATIVE_INFINITY, gp.logDensity(z, g));
    z[1] = 0;
    z[0] = 50; // ρ ≈ 5e21: K is a matrix of ones plus the jitter, still factorised
    assertTrue(gp.logDensity(z, g) < -1e20);
    z[1] = 20; // and α² = e^40: the jitter is lost against α², K is singular numerically
    assertEquals(Double.NEGATIVE_INFINITY, gp.logDensity(z, g));
    z[1] = 0;
    z[0] = -800; // ρ = 0: K = α² I + jitter, finite
    assertTrue(Double.isFinite(gp.logDensity(z, g)));
    Target centered = ReferenceDraws.target("eight_schools-eight_schools_centered");
    double[] c = new double[10];
    c[0] = 1;
    c[9] = -800;
    assertEquals(Double.NEGATIVE_INFINITY, centered.logDensity(c, new double[10]));
    Target mixture = ReferenceDraws.target("low_dim_gauss_mix-low_dim_gauss_mix");
    assertEquals(Double.NEGATIVE_INFINITY,
        mixture.logDensity(new double[] {0, 0, -400, 0, 0}, new double[5]));
    assertEquals(Double.NEGATIVE_INFINITY,
        mixture.logDensity(new double[] {0, 800, 0, 0, 0}, new double[5]));
    Target garch = ReferenceDraws.target("garch-garch11");
    assertEquals(Double.NEGATIVE_INFINITY,
        garch.logDensity(new double[] {0, 800, 0, 0}, new double[4]));
    // Extreme but representable logits stay finite.
    double[] gg = new double[4];
    assertTrue(Double.isFinite(garch.logDensity(new double[] {5, 0, -40, 40}, gg)));
    for (double v : gg) {
      assertTrue(Double.isFinite(v), Arrays.toString(gg));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Value tests: log p̃(z₀) − log p̃(z_j) between reference draw 0 and draws j = 2718, 5000, 9999
  // (other chains) against the same differences computed directly on the constrained scale
  // (Commons Statistics densities plus the log-Jacobian), so that the constants the targets drop
  // cancel. Each direct computation returns its terms; the tolerance is 1e-9·Σ|terms| over both
  // draws (1e-7 to 4e-6 here). Rounding: each term carries a few ulps (≈1e-15 relative) in either
  // computation, and summing at most ~1000 terms adds at most 1000·ε ≈ 2.2e-13 of Σ|terms|, so
  // 1e-9 leaves three decades of margin (the observed errors are below 1e-10). A missing or
  // wrong term changes a difference by that term's change between the draws: every
  // log-Jacobian coordinate changes by at least 4.7e-3 in one of the three pairs (the smallest is
  // the mixture's log(μ₂ − μ₁)), a thousand times the largest tolerance.
  // ---------------------------------------------------------------------------------------------

  private static void assertDifference(String posterior, Function<double[], double[]> direct) {
    Target target = ReferenceDraws.target(posterior);
    ReferenceDraws draws = ReferenceDraws.read(posterior);
    double[] z1 = draws.draw(DRAWS[0]);
    double[] t1 = direct.apply(z1);
    for (int j = 1; j < DRAWS.length; j++) {
      double[] z2 = draws.draw(DRAWS[j]);
      double[] t2 = direct.apply(z2);
      double scale = 0;
      double expected = 0;
      for (double v : t1) {
        scale += Math.abs(v);
        expected += v;
      }
      for (double v : t2) {
        scale += Math.abs(v);
        expected -= v;
      }
      double actual = target.logDensity(z1) - target.logDensity(z2);
      assertTrue(Math.abs(expected) > 1e-3, posterior + ": the draws must differ in density");
      assertEquals(expected, actual, 1e-9 * scale, posterior + ": log density difference between"
          + " draws " + DRAWS[0] + " and " + DRAWS[j]);
    }
  }

  private static double[] eightSchoolsData(String field) {
    return switch (field) {
      case "y" -> new double[] {28, 8, -3, 7, -1, 1, 18, 12};
      default -> new double[] {15, 10, 16, 11, 9, 11, 10, 18};
    };
  }

  @Test
  void eightSchoolsNoncenteredValue() {
    double[] y = eightSchoolsData("y");
    double[] sigma = eightSchoolsData("sigma");
    assertDifference("eight_schools-eight_schools_noncentered", z -> {
      double mu = z[8];
      double tau = Math.exp(z[9]);
      double[] terms = new double[2 * 8 + 3];
      for (int j = 0; j < 8; j++) {
        double theta = mu + tau * z[j];
        terms[j] = NormalDistribution.of(0, 1).logDensity(z[j]);
        terms[8 + j] = NormalDistribution.of(theta, sigma[j]).logDensity(y[j]);
      }
      terms[16] = NormalDistribution.of(0, 5).logDensity(mu);
      terms[17] = CauchyDistribution.of(0, 5).logDensity(tau);
      terms[18] = Math.log(tau);
      return terms;
    });
  }

  @Test
  void eightSchoolsCenteredValue() {
    double[] y = eightSchoolsData("y");
    double[] sigma = eightSchoolsData("sigma");
    assertDifference("eight_schools-eight_schools_centered", z -> {
      double mu = z[8];
      double tau = Math.exp(z[9]);
      double[] terms = new double[2 * 8 + 3];
      for (int j = 0; j < 8; j++) {
        terms[j] = NormalDistribution.of(mu, tau).logDensity(z[j]);
        terms[8 + j] = NormalDistribution.of(z[j], sigma[j]).logDensity(y[j]);
      }
      terms[16] = NormalDistribution.of(0, 5).logDensity(mu);
      terms[17] = CauchyDistribution.of(0, 5).logDensity(tau);
      terms[18] = Math.log(tau);
      return terms;
    });
  }

  /** The numbers of one array field of a data.json (test-side parsing, independent of the main). */
  private static double[] jsonArray(String posterior, String field) {
    try {
      String text = Files.readString(ReferenceDraws.data(posterior));
      int start = text.indexOf('[', text.indexOf("\"" + field + "\""));
      int end = text.indexOf(']', start);
      return Arrays.stream(text.substring(start + 1, end).split(","))
          .mapToDouble(Double::parseDouble).toArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void arValue() {
    String posterior = "arK-arK";
    double[] y = jsonArray(posterior, "y");
    int order = 5;
    assertDifference(posterior, z -> {
      double alpha = z[0];
      double sigma = Math.exp(z[order + 1]);
      double[] terms = new double[y.length + 3];
      terms[0] = NormalDistribution.of(0, 10).logDensity(alpha);
      for (int k = 1; k <= order; k++) {
        terms[0] += NormalDistribution.of(0, 10).logDensity(z[k]);
      }
      terms[1] = CauchyDistribution.of(0, 2.5).logDensity(sigma);
      terms[2] = Math.log(sigma);
      for (int t = order; t < y.length; t++) {
        double mean = alpha;
        for (int k = 1; k <= order; k++) {
          mean += z[k] * y[t - k];
        }
        terms[3 + t] = NormalDistribution.of(mean, sigma).logDensity(y[t]);
      }
      return terms;
    });
  }

  @Test
  void garchValue() {
    String posterior = "garch-garch11";
    double[] y = jsonArray(posterior, "y");
    double sigma1 = 0.5;
    assertDifference(posterior, z -> {
      double mu = z[0];
      double alpha0 = Math.exp(z[1]);
      double alpha1 = 1 / (1 + Math.exp(-z[2]));
      double v = 1 / (1 + Math.exp(-z[3]));
      double beta1 = (1 - alpha1) * v;
      double[] terms = new double[y.length + 6];
      double sigma = sigma1;
      for (int t = 0; t < y.length; t++) {
        if (t > 0) {
          sigma = Math.sqrt(alpha0 + alpha1 * Math.pow(y[t - 1] - mu, 2)
              + beta1 * sigma * sigma);
        }
        terms[t] = NormalDistribution.of(mu, sigma).logDensity(y[t]);
      }
      // Jacobian of alpha0 = e^u, alpha1 = logistic, beta1 = (1 − alpha1)·logistic.
      terms[y.length] = Math.log(alpha0);
      terms[y.length + 1] = Math.log(alpha1);
      terms[y.length + 2] = Math.log(1 - alpha1);
      terms[y.length + 3] = Math.log(1 - alpha1);
      terms[y.length + 4] = Math.log(v);
      terms[y.length + 5] = Math.log(1 - v);
      return terms;
    });
  }

  @Test
  void gpPoissonValue() {
    String posterior = "gp_pois_regr-gp_pois_regr";
    double[] x = jsonArray(posterior, "x");
    double[] k = jsonArray(posterior, "k");
    int n = x.length;
    assertDifference(posterior, z -> {
      double rho = Math.exp(z[0]);
      double alpha = Math.exp(z[1]);
      double[][] cov = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          cov[i][j] = alpha * alpha * Math.exp(-Math.pow(x[i] - x[j], 2) / (2 * rho * rho))
              + (i == j ? 1e-10 : 0);
        }
      }
      double[][] l = new double[n][n];
      for (int j = 0; j < n; j++) {
        double s = cov[j][j];
        for (int m = 0; m < j; m++) {
          s -= l[j][m] * l[j][m];
        }
        l[j][j] = Math.sqrt(s);
        for (int i = j + 1; i < n; i++) {
          double t = cov[i][j];
          for (int m = 0; m < j; m++) {
            t -= l[i][m] * l[j][m];
          }
          l[i][j] = t / l[j][j];
        }
      }
      double[] terms = new double[2 * n + 4];
      for (int i = 0; i < n; i++) {
        double f = 0;
        for (int j = 0; j <= i; j++) {
          f += l[i][j] * z[2 + j];
        }
        terms[i] = PoissonDistribution.of(Math.exp(f)).logProbability((int) k[i]);
        terms[n + i] = NormalDistribution.of(0, 1).logDensity(z[2 + i]);
      }
      terms[2 * n] = GammaDistribution.of(25, 1.0 / 4).logDensity(rho);
      terms[2 * n + 1] = NormalDistribution.of(0, 2).logDensity(alpha);
      terms[2 * n + 2] = Math.log(rho);
      terms[2 * n + 3] = Math.log(alpha);
      return terms;
    });
  }

  @Test
  void normalMixtureValue() {
    String posterior = "low_dim_gauss_mix-low_dim_gauss_mix";
    double[] y = jsonArray(posterior, "y");
    assertDifference(posterior, z -> {
      double mu1 = z[0];
      double mu2 = mu1 + Math.exp(z[1]);
      double sigma1 = Math.exp(z[2]);
      double sigma2 = Math.exp(z[3]);
      double theta = 1 / (1 + Math.exp(-z[4]));
      double[] terms = new double[y.length + 9];
      NormalDistribution first = NormalDistribution.of(mu1, sigma1);
      NormalDistribution second = NormalDistribution.of(mu2, sigma2);
      for (int i = 0; i < y.length; i++) {
        terms[i] = Math.log(theta * first.density(y[i]) + (1 - theta) * second.density(y[i]));
      }
      NormalDistribution prior = NormalDistribution.of(0, 2);
      terms[y.length] = prior.logDensity(mu1) + prior.logDensity(mu2);
      terms[y.length + 1] = prior.logDensity(sigma1);
      terms[y.length + 2] = prior.logDensity(sigma2);
      terms[y.length + 3] = BetaDistribution.of(5, 5).logDensity(theta);
      // Jacobian: mu2 − mu1 = e^u, the two scales and the logistic.
      terms[y.length + 4] = z[1];
      terms[y.length + 5] = Math.log(sigma1);
      terms[y.length + 6] = Math.log(sigma2);
      terms[y.length + 7] = Math.log(theta);
      terms[y.length + 8] = Math.log(1 - theta);
      return terms;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Bad data files: one-line InvalidInputException naming the file and the field.
  // ---------------------------------------------------------------------------------------------

  private static void assertBadData(Path file, Executable read, String... fragments) {
    InvalidInputException e = assertThrows(InvalidInputException.class, read);
    String message = e.getMessage();
    assertFalse(message.contains("\n"), "one line: " + message);
    assertTrue(message.contains(file.toString()), "names the file: " + message);
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment), "mentions " + fragment + ": " + message);
    }
  }

  private static Path write(Path dir, String name, String json) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, json);
    return file;
  }

  private static String numbers(int count) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      b.append(i == 0 ? "" : ",").append(Math.sin(i));
    }
    return b.append(']').toString();
  }

  @Test
  void missingAndMalformedFilesAreReported(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("nothing.json");
    assertBadData(missing, () -> Garch11Target.read(missing), "does not exist", "garch11");
    Path garbage = write(dir, "garbage.json", "{\"T\": 3, \"y\": [1, 2");
    assertBadData(garbage, () -> Garch11Target.read(garbage), "malformed JSON");
    Path array = write(dir, "array.json", "[1, 2, 3]");
    assertBadData(array, () -> NormalMixtureTarget.read(array), "JSON object");
    Path duplicate = write(dir, "duplicate.json", "{\"N\": 1, \"N\": 1, \"y\": [0]}");
    assertBadData(duplicate, () -> NormalMixtureTarget.read(duplicate), "malformed JSON", "N");
    Path directory = Files.createDirectory(dir.resolve("a-directory"));
    assertBadData(directory, () -> ArTarget.read(directory), "cannot read");
  }

  @Test
  void missingFieldsAreNamed(@TempDir Path dir) throws IOException {
    Path noSigma1 = write(dir, "garch.json", "{\"T\": 3, \"y\": [1, 2, 3]}");
    assertBadData(noSigma1, () -> Garch11Target.read(noSigma1), "missing field \"sigma1\"",
        "garch11");
    Path noK = write(dir, "gp.json", "{\"N\": 2, \"x\": [0, 1], \"y\": [1.5, 2.5]}");
    assertBadData(noK, () -> GpPoissonTarget.read(noK), "missing field \"k\"");
    Path noJ = write(dir, "schools.json", "{\"y\": [1], \"sigma\": [1]}");
    assertBadData(noJ, () -> EightSchoolsTarget.read(noJ, true), "missing field \"J\"");
  }

  @Test
  void wrongTypesAndValuesAreNamed(@TempDir Path dir) throws IOException {
    Path textT = write(dir, "t.json", "{\"T\": \"200\", \"y\": [1], \"sigma1\": 1}");
    assertBadData(textT, () -> Garch11Target.read(textT), "T must be an integer");
    Path fractionalK = write(dir, "k.json", "{\"K\": 1.5, \"T\": 3, \"y\": [1, 2, 3]}");
    assertBadData(fractionalK, () -> ArTarget.read(fractionalK), "K must be an integer");
    Path textY = write(dir, "y.json", "{\"N\": 2, \"y\": [1, \"x\"]}");
    assertBadData(textY, () -> NormalMixtureTarget.read(textY), "y[1] must be a number");
    Path scalarY = write(dir, "ys.json", "{\"N\": 1, \"y\": 3}");
    assertBadData(scalarY, () -> NormalMixtureTarget.read(scalarY), "y must be an array");
    Path hugeY = write(dir, "huge.json", "{\"N\": 2, \"y\": [1e400, 0]}");
    assertBadData(hugeY, () -> NormalMixtureTarget.read(hugeY), "y[0] must be finite");
    Path emptyN = write(dir, "n.json", "{\"N\": 0, \"y\": []}");
    assertBadData(emptyN, () -> NormalMixtureTarget.read(emptyN), "N must be at least 1");
    Path sigma1 = write(dir, "s1.json", "{\"T\": 2, \"y\": [1, 2], \"sigma1\": -0.5}");
    assertBadData(sigma1, () -> Garch11Target.read(sigma1), "sigma1 must be > 0");
  }

  @Test
  void lengthMismatchesAreNamed(@TempDir Path dir) throws IOException {
    Path shortY = write(dir, "garch.json", "{\"T\": 200, \"y\": " + numbers(199)
        + ", \"sigma1\": 0.5}");
    assertBadData(shortY, () -> Garch11Target.read(shortY), "y has 199 values but T = 200");
    Path sigma = write(dir, "schools.json", "{\"J\": 3, \"y\": [1, 2, 3], \"sigma\": [1, 2]}");
    assertBadData(sigma, () -> EightSchoolsTarget.read(sigma, false),
        "sigma has 2 values but J = 3");
    Path order = write(dir, "ar.json", "{\"K\": 3, \"T\": 3, \"y\": [1, 2, 3]}");
    assertBadData(order, () -> ArTarget.read(order), "K = 3 must be less than T = 3");
  }

  @Test
  void countsAndScalesMustBeValid(@TempDir Path dir) throws IOException {
    Path negative = write(dir, "neg.json", "{\"N\": 3, \"x\": [0, 1, 2], \"k\": [1, 2, -1]}");
    assertBadData(negative, () -> GpPoissonTarget.read(negative),
        "k[2] must be a non-negative integer");
    Path fraction = write(dir, "frac.json", "{\"N\": 2, \"x\": [0, 1], \"k\": [1.5, 2]}");
    assertBadData(fraction, () -> GpPoissonTarget.read(fraction),
        "k[0] must be a non-negative integer");
    Path zeroSigma = write(dir, "zero.json", "{\"J\": 2, \"y\": [1, 2], \"sigma\": [1, 0]}");
    assertBadData(zeroSigma, () -> EightSchoolsTarget.read(zeroSigma, true),
        "sigma[1] must be > 0");
    // Integers written as 200.0 and counts as 3.0 are accepted.
    Path decimal = write(dir, "ok.json", "{\"N\": 2.0, \"x\": [0, 1], \"k\": [3.0, 0]}");
    assertEquals(4, GpPoissonTarget.read(decimal).dim());
  }

  @Test
  void factoriesCheckTheirArguments() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> EightSchoolsTarget.of(new double[] {1, 2}, new double[] {1}, false));
    assertTrue(e.getMessage().contains("sigma has 1 values but y has 2"), e.getMessage());
    e = assertThrows(InvalidInputException.class,
        () -> ArTarget.of(-1, new double[] {1, 2}));
    assertTrue(e.getMessage().contains("K must be between 0 and"), e.getMessage());
    e = assertThrows(InvalidInputException.class,
        () -> GpPoissonTarget.of(new double[] {0, 1}, new int[] {1, -2}));
    assertTrue(e.getMessage().contains("k[1]"), e.getMessage());
    e = assertThrows(InvalidInputException.class,
        () -> Garch11Target.of(new double[] {1, Double.NaN}, 1));
    assertTrue(e.getMessage().contains("y[1] must be finite"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> NormalMixtureTarget.of(new double[0]));
    assertTrue(e.getMessage().contains("y must hold"), e.getMessage());
  }
}
