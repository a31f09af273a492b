package org.poevi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.poevi.InvalidInputException;
import org.poevi.family.Expert;
import org.poevi.family.ModelJson;
import org.poevi.family.PoeModel;
import org.poevi.family.ProductOfExperts;
import org.poevi.targets.BananaTarget;
import org.poevi.targets.ExactTarget;
import org.poevi.targets.FunnelTarget;
import org.poevi.targets.GaussianMixtureTarget;
import org.poevi.targets.ProductOfTTarget;
import org.poevi.targets.SinhArcsinhTarget;
import org.poevi.targets.StudentTTarget;
import org.poevi.targets.Target;
import org.poevi.targets.VaryingInterceptsData;
import org.poevi.targets.VaryingInterceptsTarget;
import org.poevi.targets.glm.RegressionTarget;

/** {@link Targets#fromConfig}: valid blocks, defaults, the reference file, and one-line errors. */
class TargetsTest {
  private static ExactTarget parse(String hocon) {
    return TargetReader.fromConfig(ConfigFactory.parseString(hocon).getConfig("target"));
  }

  @Test
  void buildsEachTypeWithGivenValues() {
    assertEquals(BananaTarget.of(3, 1.5, -0.2).toString(),
        parse("target { type = banana, dimension = 3, scale = 1.5, curvature = -0.2 }")
            .toString());
    assertEquals(FunnelTarget.of(5, 2).toString(),
        parse("target { type = funnel, dimension = 5, scale = 2 }").toString());
    assertEquals(StudentTTarget.of(6, 2.5).toString(),
        parse("target { type = student-t, dimension = 6, dof = 2.5 }").toString());
    assertEquals(SinhArcsinhTarget.of(10, -0.1, 1.2, -0.3).toString(),
        parse("target { type = sinh-arcsinh, dimension = 10, skew = -0.1, tail = 1.2,"
            + " correlation = -0.3 }").toString());
    assertEquals(GaussianMixtureTarget.of(new double[] {1, 3},
        new double[][] {{0, 1}, {2, 2}},
        new double[][][] {{{1, 0.2}, {0.2, 2}}, {{0.5, 0}, {0, 0.5}}}).toString(),
        parse("target { type = gaussian-mixture, weights = [1, 3], means = [[0, 1], [2, 2]],"
            + " covariances = [[[1, 0.2], [0.2, 2]], [[0.5, 0], [0, 0.5]]] }").toString());
  }

  @Test
  void defaultsForEveryKey() {
    assertEquals("banana(dimension=2, scale=2.0, curvature=0.5)",
        parse("target.type = banana").toString());
    assertEquals("funnel(dimension=3, scale=3.0)", parse("target.type = funnel").toString());
    assertEquals("student-t(dimension=4, dof=3.0)", parse("target.type = student-t").toString());
    assertEquals("sinh-arcsinh(dimension=50, skew=0.3, tail=0.7, correlation=0.5)",
        parse("target.type = sinh-arcsinh").toString());
    assertEquals(GaussianMixtureTarget.defaultMixture().toString(),
        parse("target.type = gaussian-mixture").toString());
    // Partial overrides keep the other defaults.
    assertEquals("banana(dimension=2, scale=2.0, curvature=1.0)",
        parse("target { type = banana, curvature = 1 }").toString());
  }

  @Test
  void mixtureDefaultsToEqualWeightsAndIdentityCovariances() {
    assertEquals(GaussianMixtureTarget.of(new double[] {1, 1}, new double[][] {{0, 0}, {3, 1}},
        new double[][][] {{{1, 0}, {0, 1}}, {{1, 0}, {0, 1}}}).toString(),
        parse("target { type = gaussian-mixture, means = [[0, 0], [3, 1]] }").toString());
  }

  @Test
  void numbersMayBeStrings() {
    assertEquals(BananaTarget.of(3, 2.5, 0.5).toString(),
        parse("target { type = banana, dimension = \"3\", scale = \"2.5\" }").toString());
  }

  @Test
  void readsAProductOfTModel(@TempDir Path dir) {
    ProductOfExperts family = ProductOfExperts.of(List.of(
        Expert.of(new double[] {0, 0}, new double[] {1, 0.3, 0.3, 1}),
        Expert.of(new double[] {1, -1}, new double[] {0.5, 0, 0, 0.5})), new double[] {1.5, 1.2});
    Path file = dir.resolve("model.json");
    ModelJson.write(new PoeModel(List.of("a", "b"), family, null), file);
    ExactTarget t = TargetReader.fromConfig(ConfigFactory.empty()
        .withValue("type", ConfigValueFactory.fromAnyRef("product-of-t"))
        .withValue("model", ConfigValueFactory.fromAnyRef(file.toString())));
    ProductOfTTarget poe = assertInstanceOf(ProductOfTTarget.class, t);
    assertEquals(List.of("a", "b"), poe.parameterNames());
    assertEquals(family.logDensityUnnormalized(new double[] {0.3, 0.4}),
        poe.logDensity(new double[] {0.3, 0.4}), 0);
  }

  /** The D = 1000 example names a random product of t's that builds as documented. */
  @Test
  void theProductOfTExampleIsTheD1000Target() {
    Config conf = ConfigFactory.parseFile(Path.of("conf/examples/product-of-t-1000.conf")
        .toFile());
    ExactTarget t = TargetReader.fromConfig(conf.getConfig("target"));
    assertEquals(1000, t.dim());
    assertEquals("product-of-t", t.name());
  }

  /**
   * conf/reference-targets.conf documents every key of every type with its default: its keys are
   * exactly the code's, and building from its values gives the target the defaults give.
   */
  @Test
  void referenceFileMatchesTheCode() {
    Config reference = ConfigFactory.parseFile(Path.of("conf/reference-targets.conf").toFile())
        .getConfig("targets");
    assertEquals(Set.copyOf(TargetReader.allTypes()), reference.root().keySet());
    for (RegressionTarget.Family family : RegressionTarget.Family.values()) {
      Config block = reference.getConfig("\"" + family.type() + "\"");
      Map<String, Object> defaults = TargetReader.regressionDefaults(family);
      assertEquals(defaults.keySet(), block.entrySet().stream()
          .map(java.util.Map.Entry::getKey).collect(java.util.stream.Collectors.toSet()),
          family.type());
      for (var e : defaults.entrySet()) {
        assertEquals(e.getValue(), block.getValue(e.getKey()).unwrapped(), e.getKey());
      }
    }
    assertEquals(Set.of("parameterization"), reference.getConfig("\"eight-schools\"").root()
        .keySet());
    assertEquals(TargetReader.PARAMETERIZATIONS.get(0), reference.getString(
        "\"eight-schools\".parameterization"));
    for (String type : TargetReader.SYNTHETIC_POSTERIOR_TYPES) {
      Config block = reference.getConfig("\"" + type + "\"");
      assertEquals(TargetReader.keysOf(type), block.root().keySet(), type);
      Config typeOnly = ConfigFactory.empty()
          .withValue("type", ConfigValueFactory.fromAnyRef(type));
      assertEquals(TargetReader.build(typeOnly, TargetReader.UNLOADED).toString(),
          TargetReader.build(block.withFallback(typeOnly), TargetReader.UNLOADED).toString(),
          type);
    }
    for (String type : TargetReader.TYPES) {
      Config block = reference.getConfig("\"" + type + "\"");
      if (type.equals("product-of-t")) {
        assertTrue(block.root().isEmpty(), "product-of-t has no defaults");
        continue;
      }
      assertEquals(TargetReader.keysOf(type), block.root().keySet(), type);
      Config withType = block.withValue("type", ConfigValueFactory.fromAnyRef(type));
      Config typeOnly = ConfigFactory.empty()
          .withValue("type", ConfigValueFactory.fromAnyRef(type));
      assertEquals(TargetReader.fromConfig(typeOnly).toString(),
          TargetReader.fromConfig(withType).toString(), type);
    }
  }

  /** Found by the fuzz harness: a type that is not a string made build() throw an NPE. */
  @org.junit.jupiter.api.Test
  void buildNamesATypeThatIsNotAString() {
    for (String type : new String[] {"-1", "true", "{ a = 1 }"}) {
      org.poevi.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
          org.poevi.InvalidInputException.class, () -> TargetReader.build(
              ConfigFactory.parseString("target { type = " + type + " }").getConfig("target"),
              TargetReader.UNLOADED));
      org.junit.jupiter.api.Assertions.assertTrue(
          e.getMessage().startsWith("target.type must be a string, got"), e.getMessage());
    }
  }

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        bad("{ dimension = 2 }",
            "target.type is missing (one of: banana, funnel, student-t, sinh-arcsinh,"
                + " gaussian-mixture, product-of-t, linear-regression, logistic-regression,"
                + " poisson-regression, eight-schools, ar, garch11, gp-poisson, normal-mixture,"
                + " varying-intercepts, class)"),
        bad("{ type = bananas }", "target.type must be one of banana, funnel, student-t,"
            + " sinh-arcsinh, gaussian-mixture, product-of-t, linear-regression,"
            + " logistic-regression, poisson-regression, eight-schools, ar, garch11, gp-poisson,"
            + " normal-mixture, varying-intercepts, class, got \"bananas\""),
        bad("{ type = [banana] }", "target.type must be a string, got a list [\"banana\"]"),
        bad("{ type = banana, curvatur = 1 }", "unknown key target.curvatur for type banana"
            + " (allowed: curvature, dimension, scale, type)"),
        bad("{ type = funnel, curvature = 1 }", "unknown key target.curvature for type funnel"
            + " (allowed: dimension, scale, type)"),
        bad("{ type = banana, curvature = NaN }", "target.curvature must be finite, got NaN"),
        bad("{ type = banana, scale = -1 }", "target.scale must be > 0, got -1.0"),
        bad("{ type = banana, scale = abc }",
            "target.scale must be a number, got the string \"abc\""),
        bad("{ type = banana, scale = [1, 2] }", "target.scale must be a number, got a list [1,2]"),
        bad("{ type = banana, scale = { a = 1 } }",
            "target.scale must be a number, got an object {\"a\":1}"),
        bad("{ type = banana, dimension = 2.5 }", "target.dimension must be an integer, got 2.5"),
        bad("{ type = banana, dimension = 1 }",
            "target.dimension must be between 2 and 10000, got 1"),
        bad("{ type = banana, dimension = true }",
            "target.dimension must be a number, got a boolean (true)"),
        bad("{ type = banana, dimension = null }", "target.dimension must be a number, got null"),
        bad("{ type = funnel, scale = 0 }", "target.scale must be > 0, got 0.0"),
        bad("{ type = funnel, dimension = 1e9 }",
            "target.dimension must be between 2 and 10000, got 1000000000"),
        bad("{ type = student-t, dof = 0 }", "target.dof must be > 0, got 0.0"),
        bad("{ type = student-t, dof = Infinity }", "target.dof must be finite, got Infinity"),
        bad("{ type = student-t, dimension = 0 }",
            "target.dimension must be between 1 and 10000, got 0"),
        bad("{ type = sinh-arcsinh, tail = 0 }", "target.tail must be > 0, got 0.0"),
        bad("{ type = sinh-arcsinh, correlation = 1 }",
            "target.correlation must be strictly between -1 and 1, got 1.0"),
        bad("{ type = sinh-arcsinh, skew = \"-Infinity\" }",
            "target.skew must be finite, got -Infinity"),
        bad("{ type = gaussian-mixture, weights = [1, 1] }",
            "target.means is required when target.weights is given"),
        bad("{ type = gaussian-mixture, means = [] }",
            "target.means must be a non-empty list of points"),
        bad("{ type = gaussian-mixture, means = [0, 1] }",
            "target.means[0] must be a list of numbers, got 0"),
        bad("{ type = gaussian-mixture, means = [[0, 0], [1]] }",
            "target.means[1] has 1 entries but means[0] has 2"),
        bad("{ type = gaussian-mixture, means = [[0], [1]], weights = [1, -1] }",
            "target.weights[1] must be > 0, got -1.0"),
        bad("{ type = gaussian-mixture, means = [[0], [1]], weights = [1, 1, 1] }",
            "target.means has 2 entries but weights has 3"),
        bad("{ type = gaussian-mixture, means = [[0, 0]], covariances = [[[1, 2], [2, 1]]] }",
            "target.covariances[0] must be positive definite"),
        bad("{ type = gaussian-mixture, means = [[0, 0]], covariances = [[[1, 0.1], [0, 1]]] }",
            "target.covariances[0][1][0] = 0.0 differs from covariances[0][0][1] = 0.1:"
                + " covariances[0] must be symmetric"),
        bad("{ type = gaussian-mixture, means = [[0, 0]], covariances = [[[1, 0], [x, 1]]] }",
            "target.covariances[0][1][0] must be a number, got the string \"x\""),
        bad("{ type = gaussian-mixture, means = [[0, 0]], covariances = [[1, 0], [0, 1]] }",
            "target.covariances[0][0] must be a list of numbers, got 1"),
        bad("{ type = product-of-t }",
            "target.model or target.dimension is needed: product-of-t reads a model.json or"
                + " draws a random product of experts of that dimension"),
        bad("{ type = product-of-t, dimension = 0 }",
            "target.dimension must be 1 to 10000, got 0"),
        bad("{ type = product-of-t, dimension = 3, rank = 5 }",
            "target.rank must be 0 to dimension = 3, got 5"),
        bad("{ type = product-of-t, dimension = 3, correlation = -0.5 }",
            "target.correlation must be in [0, 1), got -0.5"),
        bad("{ type = product-of-t, model = \"m.json\", seed = 2 }",
            "target.seed draws a random product of experts: it cannot be combined with"
                + " target.model"),
        bad("{ type = product-of-t, model = 3 }", "target.model must be a string, got 3"),
        bad("{ type = product-of-t, model = \"/no/such/model.json\" }",
            "target.model: model file /no/such/model.json does not exist"),
        bad("{ type = product-of-t, model = \"m.json\", scale = 1 }",
            "unknown key target.scale for type product-of-t (allowed: correlation, dimension,"
                + " dof, experts, model, rank, seed, type)"));
  }

  private static Arguments bad(String block, String message) {
    return Arguments.of(block, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void badInputGivesOneLineNamingTheKey(String block, String message) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> parse("target " + block));
    assertEquals(message, e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
    assertTrue(e.getMessage().contains("target."), "names the key");
  }

  @Test
  void productOfTWithASingularActiveExpertIsRefused(@TempDir Path dir) {
    ProductOfExperts family = ProductOfExperts.of(List.of(
        Expert.of(new double[] {0, 0}, new double[] {1, 0, 0, 1}),
        Expert.of(new double[] {1, 1}, new double[] {1, 1, 1, 1})), new double[] {1.5, 1});
    Path file = dir.resolve("singular.json");
    ModelJson.write(new PoeModel(PoeModel.defaultNames(2), family, null), file);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> parse("target { type = product-of-t, model = \"" + file + "\" }"));
    assertTrue(e.getMessage().startsWith("target.model: expert 1 has a singular lambda"),
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void aBrokenModelFileIsNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.json");
    java.nio.file.Files.writeString(file, "{\"format\": \"poevi-model\"");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> parse("target { type = product-of-t, model = \"" + file + "\" }"));
    assertTrue(e.getMessage().startsWith("target.model: model file " + file + ": malformed JSON"),
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  private static Target build(String hocon) {
    return TargetReader.build(ConfigFactory.parseString(hocon).getConfig("target"),
        TargetReader.UNLOADED);
  }

  @Test
  void buildsVaryingIntercepts() {
    Target t = build("target { type = varying-intercepts, groups = 7, rows-per-group = \"3\","
        + " mu = -2, tau = 0.5, sigma = 1.5, seed = 9 }");
    VaryingInterceptsTarget v = assertInstanceOf(VaryingInterceptsTarget.class, t);
    assertEquals(10, v.dim());
    assertEquals(VaryingInterceptsTarget.of(VaryingInterceptsData.of(7, 3, -2, 0.5, 1.5, 9))
        .toString(), v.toString());
    assertEquals("varying-intercepts(groups=500, rows-per-group=20, mu=1.0, tau=1.0, sigma=2.0,"
        + " seed=1)", build("target.type = varying-intercepts").toString());
  }

  static Stream<Arguments> badVaryingIntercepts() {
    return Stream.of(
        bad("{ type = varying-intercepts, group = 5 }", "unknown key target.group for type"
            + " varying-intercepts (allowed: groups, mu, rows-per-group, seed, sigma, tau, type)"),
        bad("{ type = varying-intercepts, groups = 0 }",
            "target.groups must be between 1 and 9997, got 0"),
        bad("{ type = varying-intercepts, groups = 10000 }",
            "target.groups must be between 1 and 9997, got 10000"),
        bad("{ type = varying-intercepts, groups = 2.5 }",
            "target.groups must be an integer, got 2.5"),
        bad("{ type = varying-intercepts, rows-per-group = 0 }",
            "target.rows-per-group must be between 1 and 10000, got 0"),
        bad("{ type = varying-intercepts, rows-per-group = many }",
            "target.rows-per-group must be a number, got the string \"many\""),
        bad("{ type = varying-intercepts, mu = NaN }", "target.mu must be finite, got NaN"),
        bad("{ type = varying-intercepts, tau = 0 }", "target.tau must be > 0, got 0.0"),
        bad("{ type = varying-intercepts, tau = Infinity }",
            "target.tau must be finite, got Infinity"),
        bad("{ type = varying-intercepts, sigma = -1 }", "target.sigma must be > 0, got -1.0"),
        bad("{ type = varying-intercepts, seed = 1.5 }", "target.seed must be an integer, got 1.5"),
        bad("{ type = varying-intercepts, seed = [1] }",
            "target.seed must be a number, got a list [1]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badVaryingIntercepts")
  void badVaryingInterceptsGivesOneLineNamingTheKey(String block, String message) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> build("target " + block));
    assertEquals(message, e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  /** fromConfig wants exact draws, which a posterior over synthetic data does not have. */
  @Test
  void varyingInterceptsHasNoExactDraws() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> parse("target.type = varying-intercepts"));
    assertEquals("target.type varying-intercepts is a posterior over synthetic data: it has no"
        + " exact draws (one of banana, funnel, student-t, sinh-arcsinh, gaussian-mixture,"
        + " product-of-t is needed here)", e.getMessage());
  }
}
