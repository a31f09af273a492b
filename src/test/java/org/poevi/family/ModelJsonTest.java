package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.poevi.InvalidInputException;

/** The model.json codec: exact round trips, defaults, and one-line errors that name the field. */
class ModelJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A valid D = 2 model with two full-rank experts; the error cases below each break one thing. */
  private static final String BASE = """
      {"format": "poevi-model", "version": 1, "family": "product-of-t", "dimension": 2,
       "parameters": ["a", "b"],
       "experts": [
         {"location": [0.0, 0.0], "lambda": [[1.0, 0.0], [0.0, 1.0]], "alpha": 1.5},
         {"location": [1.0, -1.0], "lambda": [[2.0, 0.5], [0.5, 1.0]], "alpha": 0.5}],
       "logNormalizer": {"estimate": 1.25, "standardError": 0.01, "draws": 1000}}
      """;

  // ---- round trip and defaults ----

  @Test
  void roundTripIsBitForBit(@TempDir Path dir) {
    double[] loc0 = {Math.PI / 7, -0.0, 1e-300};
    double[][] b = {{0.3, 1.0 / 3, -0.2}, {0.1, 0.7, Math.E / 10}, {-0.45, 0.05, 0.9}};
    double[] lambda0 = gram(b);
    // Rank one: v vᵀ with a non-trivial v, so the eigen-solver sees rounding-level eigenvalues.
    double[] v = {0.6, -1.0 / 7, 0.25};
    double[] lambda1 = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        lambda1[i * 3 + j] = v[i] * v[j];
      }
    }
    double[] lambda2 = {4, 1, 0, 1, 3, 0.5, 0, 0.5, 2};
    List<Expert> experts = List.of(
        Expert.of(loc0, lambda0),
        Expert.of(new double[] {1.5, -2.25, 1e7 / 3}, lambda1),
        Expert.of(new double[] {0.1, 0.2, 0.3}, lambda2));
    double[] alpha = {2.345678901234567, 1.1, 0.0};
    ProductOfExperts family = ProductOfExperts.of(experts, alpha);
    PoeModel model = new PoeModel(List.of("intercept", "beta[1]", "log \"sigma\", ü"), family,
        new PoeModel.LogNormalizer(-3.141592653589793e-5, 1.0 / 3, 123_456_789_012L));
    assertFalse(family.expert(1).isFullRank(), "fixture: expert 1 should be singular");

    Path file = dir.resolve("model.json");
    ModelJson.write(model, file);
    PoeModel back = ModelJson.read(file);

    assertEquals(model.parameters(), back.parameters(), "parameter names");
    assertEquals(3, back.family().numExperts(), "number of experts");
    for (int k = 0; k < 3; k++) {
      Expert e = family.expert(k);
      Expert r = back.family().expert(k);
      assertArrayEquals(bits(e.location()), bits(r.location()), "location of expert " + k);
      assertArrayEquals(bits(e.lambda()), bits(r.lambda()), "lambda of expert " + k);
      assertEquals(Double.doubleToRawLongBits(family.alpha(k)),
          Double.doubleToRawLongBits(back.family().alpha(k)), "alpha of expert " + k);
    }
    assertEquals(model.logNormalizer(), back.logNormalizer(), "logNormalizer");
    assertEquals(Double.doubleToRawLongBits(model.logNormalizer().estimate()),
        Double.doubleToRawLongBits(back.logNormalizer().estimate()), "logNormalizer.estimate");
    assertEquals(ModelJson.toJson(model), ModelJson.toJson(back), "JSON trees");
  }

  @Test
  void parsesTheDocumentedExampleAndDefaults() {
    PoeModel m = ModelJson.parse(BASE);
    assertEquals(List.of("a", "b"), m.parameters());
    assertEquals(2, m.dim());
    assertArrayEquals(new double[] {1.5, 0.5}, m.family().alpha());
    assertEquals(new PoeModel.LogNormalizer(1.25, 0.01, 1000), m.logNormalizer());
  }

  @Test
  void missingFamilyReadsAsProductOfT() {
    PoeModel m = ModelJson.parse(edit(root -> root.remove("family")));
    assertEquals(ModelJson.FAMILY, ModelJson.toJson(m).get("family").asText(),
        "a file without \"family\" is a product of t experts");
    assertEquals(2, m.family().numExperts());
  }

  @Test
  void missingParametersGetDefaultNames() {
    PoeModel m = ModelJson.parse(edit(root -> root.remove("parameters")));
    assertEquals(List.of("z[1]", "z[2]"), m.parameters());
  }

  @Test
  void missingLogNormalizerIsNull() {
    assertNull(ModelJson.parse(edit(root -> root.remove("logNormalizer"))).logNormalizer());
  }

  @Test
  void expertWithZeroAlphaIsKept() {
    PoeModel m = ModelJson.parse(edit(root -> expert(root, 1).put("alpha", 0)));
    assertEquals(2, m.family().numExperts());
    assertEquals(1, m.family().numActive());
  }

  // ---- null-space normalisability (Normalisability's rule with singular experts) ----

  /** D = 2: a full-rank expert with alpha a, and lambda = diag(1, 0) with alpha 10. */
  private static String nullSpaceModel(double fullRankAlpha) {
    return """
        {"format": "poevi-model", "version": 1, "dimension": 2,
         "experts": [
           {"location": [0, 0], "lambda": [[1, 0], [0, 1]], "alpha": %s},
           {"location": [0, 0], "lambda": [[1, 0], [0, 0]], "alpha": 10}]}
        """.formatted(fullRankAlpha);
  }

  @Test
  void singularExpertDoesNotRescueASmallAlphaAlongItsNullSpace() {
    // Along span(e2) only expert 0 constrains z: 2 * 0.4 = 0.8 <= dim 1, so not integrable,
    // although 2 * sum(alpha) = 20.8 > D = 2.
    String msg = rejected(nullSpaceModel(0.4), "normalisable", "null space", "[1]");
    assertTrue(msg.contains("0.4"), () -> "message should give the alpha sum 0.4: " + msg);
  }

  @Test
  void enoughAlphaAlongTheNullSpaceIsAccepted() {
    // 2 * 0.6 = 1.2 > 1 along span(e2); 2 * 10.6 > 2 overall.
    PoeModel m = ModelJson.parse(nullSpaceModel(0.6));
    assertEquals(2, m.family().numActive());
    assertEquals(0.2, m.family().minTailDof(), 1e-12, "tail exponent along the null space");
  }

  // ---- errors ----

  static Stream<Arguments> invalidModels() {
    return Stream.of(
        // Syntax and top level
        bad("malformed JSON", "{\"format\": \"poevi-model\",\n  \"version\": 1,,\n}",
            "malformed JSON", "line 2"),
        bad("truncated JSON", "{\"format\": \"poevi-model\", \"version\"", "malformed JSON",
            "line 1"),
        bad("trailing tokens", BASE + " {}", "malformed JSON"),
        bad("top level is an array", "[1, 2]", "top level"),
        bad("top level is null", "null", "top level"),
        bad("empty text", "", "top level"),
        bad("unknown top-level field", edit(r -> r.put("colour", "red")),
            "unknown field colour"),
        bad("unknown field in an expert", edit(r -> expert(r, 1).put("scal", 1)),
            "unknown field experts[1].scal"),
        bad("duplicate top-level field",
            BASE.replace("\"dimension\": 2,", "\"dimension\": 2, \"dimension\": 2,"),
            "Duplicate field 'dimension'"),
        bad("duplicate field in an expert", BASE.replace("\"alpha\": 0.5", "\"alpha\": 0.5, \"alpha\": 1"),
            "Duplicate field 'alpha'"),
        // Header
        bad("wrong format string", edit(r -> r.put("format", "poevi-modle")), "format",
            "poevi-modle"),
        bad("format not a string", edit(r -> r.put("format", 1)), "format must be a string"),
        bad("missing format", edit(r -> r.remove("format")), "format is missing"),
        bad("unsupported version", edit(r -> r.put("version", 2)), "version 2"),
        bad("version not an integer", edit(r -> r.put("version", "1")),
            "version must be an integer"),
        bad("missing version", edit(r -> r.remove("version")), "version is missing"),
        bad("unsupported family", edit(r -> r.put("family", "gaussian")), "family", "gaussian"),
        bad("missing dimension", edit(r -> r.remove("dimension")), "dimension is missing"),
        bad("dimension 0", edit(r -> r.put("dimension", 0)), "dimension", "got 0"),
        bad("dimension not an integer", edit(r -> r.put("dimension", 2.5)),
            "dimension must be an integer"),
        // Experts
        bad("missing experts", edit(r -> r.remove("experts")), "experts is missing"),
        bad("empty experts", edit(r -> r.putArray("experts")), "experts must be a non-empty"),
        bad("expert not an object", edit(r -> ((ArrayNode) r.get("experts")).set(0, 3)),
            "experts[0] must be an object"),
        bad("missing location", edit(r -> expert(r, 0).remove("location")),
            "experts[0].location is missing"),
        bad("missing lambda", edit(r -> expert(r, 1).remove("lambda")),
            "experts[1].lambda is missing"),
        bad("missing alpha", edit(r -> expert(r, 1).remove("alpha")),
            "experts[1].alpha is missing"),
        bad("location too long", edit(r -> ((ArrayNode) expert(r, 1).get("location")).add(0)),
            "experts[1].location", "3 entries"),
        bad("location not an array", edit(r -> expert(r, 1).put("location", 1)),
            "experts[1].location must be an array"),
        bad("lambda with too few rows", edit(r -> ((ArrayNode) expert(r, 1).get("lambda")).remove(1)),
            "experts[1].lambda", "1 rows"),
        bad("lambda row too short",
            edit(r -> ((ArrayNode) expert(r, 1).get("lambda").get(1)).remove(1)),
            "experts[1].lambda[1]", "1 entries"),
        bad("lambda row not an array",
            edit(r -> ((ArrayNode) expert(r, 1).get("lambda")).set(1, 7)),
            "experts[1].lambda[1] must be an array"),
        bad("string in location",
            edit(r -> ((ArrayNode) expert(r, 0).get("location")).set(1, "x")),
            "experts[0].location[1]", "number"),
        bad("null in lambda", edit(r -> ((ArrayNode) expert(r, 1).get("lambda").get(0)).setNull(1)),
            "experts[1].lambda[0][1]", "number"),
        bad("string in lambda",
            edit(r -> ((ArrayNode) expert(r, 1).get("lambda").get(0)).set(1, "0.5")),
            "experts[1].lambda[0][1]", "number"),
        bad("alpha not a number", edit(r -> expert(r, 0).put("alpha", "1.5")),
            "experts[0].alpha", "number"),
        bad("1e999 overflows to infinity in location",
            BASE.replace("\"location\": [1.0, -1.0]", "\"location\": [1e999, -1.0]"),
            "experts[1].location[0]", "finite"),
        bad("-1e999 overflows to infinity in lambda",
            BASE.replace("[[2.0, 0.5], [0.5, 1.0]]", "[[2.0, 0.5], [0.5, -1e999]]"),
            "experts[1].lambda[1][1]", "finite"),
        bad("1e999 overflows to infinity in alpha",
            BASE.replace("\"alpha\": 0.5", "\"alpha\": 1e999"), "experts[1].alpha", "finite"),
        bad("negative alpha", edit(r -> expert(r, 1).put("alpha", -0.5)), "experts[1].alpha",
            "in [0, 1e12]"),
        // Found by the fuzz harness: the sampler then failed with a message naming no field.
        bad("alpha 1e308", edit(r -> expert(r, 1).put("alpha", 1e308)), "experts[1].alpha",
            "in [0, 1e12]"),
        bad("non-symmetric lambda",
            edit(r -> ((ArrayNode) expert(r, 1).get("lambda").get(1)).set(0, 0.7)),
            "experts[1].lambda", "symmetric", "lambda[0][1]"),
        bad("every alpha zero", edit(r -> {
          expert(r, 0).put("alpha", 0);
          expert(r, 1).put("alpha", 0);
        }), "alpha"),
        bad("2 * sum(alpha) <= D", edit(r -> {
          expert(r, 0).put("alpha", 0.5);
          expert(r, 1).put("alpha", 0.5);
        }), "normalisable", "alpha", "dimension D = 2"),
        // Parameters
        bad("too many parameter names", edit(r -> ((ArrayNode) r.get("parameters")).add("c")),
            "parameters", "3 names"),
        bad("too few parameter names", edit(r -> ((ArrayNode) r.get("parameters")).remove(1)),
            "parameters", "1 names"),
        bad("duplicate parameter name", edit(r -> ((ArrayNode) r.get("parameters")).set(1, "a")),
            "parameters[1]", "'a'"),
        bad("empty parameter name", edit(r -> ((ArrayNode) r.get("parameters")).set(0, "")),
            "parameters[0]", "empty"),
        bad("parameter name not a string", edit(r -> ((ArrayNode) r.get("parameters")).set(0, 1)),
            "parameters[0] must be a string"),
        bad("parameters not an array", edit(r -> r.put("parameters", "a,b")),
            "parameters must be an array"),
        // logNormalizer
        bad("logNormalizer not an object", edit(r -> r.put("logNormalizer", 1.25)),
            "logNormalizer must be an object"),
        bad("unknown logNormalizer field", edit(r -> normalizer(r).put("khat", 0.1)),
            "unknown field logNormalizer.khat"),
        bad("missing logNormalizer.estimate", edit(r -> normalizer(r).remove("estimate")),
            "logNormalizer.estimate is missing"),
        bad("missing logNormalizer.draws", edit(r -> normalizer(r).remove("draws")),
            "logNormalizer.draws is missing"),
        bad("logNormalizer.estimate not a number", edit(r -> normalizer(r).put("estimate", "x")),
            "logNormalizer.estimate", "number"),
        bad("negative logNormalizer.standardError",
            edit(r -> normalizer(r).put("standardError", -0.01)),
            "logNormalizer.standardError", ">= 0"),
        bad("logNormalizer.draws 0", edit(r -> normalizer(r).put("draws", 0)),
            "logNormalizer.draws", ">= 1"),
        bad("logNormalizer.draws not an integer", edit(r -> normalizer(r).put("draws", 2.5)),
            "logNormalizer.draws must be an integer"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidModels")
  void rejectsWithOneLineNamingTheField(String description, String json, String[] fragments) {
    rejected(json, fragments);
  }

  @Test
  void indefiniteLambdaNamesTheNegativeEigenvalue() {
    // [[1, 2], [2, 1]] has eigenvalues 3 and -1.
    String json = edit(r -> {
      ArrayNode lambda = (ArrayNode) expert(r, 1).get("lambda");
      ((ArrayNode) lambda.get(0)).set(0, 1.0).set(1, 2.0);
      ((ArrayNode) lambda.get(1)).set(0, 2.0).set(1, 1.0);
    });
    String msg = rejected(json, "experts[1].lambda", "positive semi-definite", "eigenvalue");
    Matcher m = Pattern.compile("eigenvalue (-[0-9.]+(?:E-?[0-9]+)?)").matcher(msg);
    assertTrue(m.find(), () -> "message should give the negative eigenvalue: " + msg);
    assertEquals(-1.0, Double.parseDouble(m.group(1)), 1e-12, () -> "eigenvalue in: " + msg);
  }

  @Test
  void readOfMissingFileSaysSoWithThePath(@TempDir Path dir) {
    Path missing = dir.resolve("nowhere").resolve("model.json");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelJson.read(missing));
    assertOneLine(e.getMessage());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertTrue(e.getMessage().contains(missing.toString()), () -> "message should name the path "
        + missing + ": " + e.getMessage());
  }

  @Test
  void readPrefixesErrorsWithThePath(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.json");
    java.nio.file.Files.writeString(file, edit(r -> expert(r, 1).put("alpha", -1)));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> ModelJson.read(file));
    assertOneLine(e.getMessage());
    assertTrue(e.getMessage().startsWith("model file " + file), e.getMessage());
    assertTrue(e.getMessage().contains("experts[1].alpha"), e.getMessage());
  }

  // ---- helpers ----

  private static Arguments bad(String description, String json, String... fragments) {
    return Arguments.of(description, json, fragments);
  }

  /** Asserts the JSON is rejected with a one-line message holding every fragment; returns it. */
  private static String rejected(String json, String... fragments) {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> ModelJson.parse(json),
        () -> "should be rejected:\n" + json);
    String msg = e.getMessage();
    assertOneLine(msg);
    for (String f : fragments) {
      assertTrue(msg.contains(f), () -> "message should contain '" + f + "': " + msg);
    }
    return msg;
  }

  private static void assertOneLine(String msg) {
    assertTrue(msg != null && !msg.isBlank(), "message should not be empty");
    assertFalse(msg.contains("\n") || msg.contains("\r"), () -> "message should be one line: "
        + msg);
  }

  /** BASE with one edit applied to its JSON tree. */
  private static String edit(Consumer<ObjectNode> change) {
    try {
      ObjectNode root = (ObjectNode) MAPPER.readTree(BASE);
      change.accept(root);
      return MAPPER.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode expert(ObjectNode root, int k) {
    return (ObjectNode) root.get("experts").get(k);
  }

  private static ObjectNode normalizer(ObjectNode root) {
    return (ObjectNode) root.get("logNormalizer");
  }

  /** B Bᵀ: exactly symmetric (the same products summed in the same order) and positive definite. */
  private static double[] gram(double[][] b) {
    int n = b.length;
    double[] out = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int c = 0; c < n; c++) {
          s += b[i][c] * b[j][c];
        }
        out[i * n + j] = s;
      }
    }
    return out;
  }

  private static long[] bits(double[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Double.doubleToRawLongBits(values[i]);
    }
    return out;
  }
}
