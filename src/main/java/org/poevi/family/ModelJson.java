package org.poevi.family;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.poevi.InvalidInputException;
import org.poevi.io.AtomicFiles;

/**
 * Reads and writes {@code model.json} (SPEC §7):
 *
 * <pre>
 * {"format": "poevi-model", "version": 1, "family": "product-of-t", "dimension": D,
 *  "parameters": ["a", "b", ...],
 *  "experts": [{"location": [D numbers], "lambda": [[D×D]], "alpha": a}, ...],
 *  "logNormalizer": {"estimate": x, "standardError": s, "draws": M}}
 * </pre>
 *
 * <p>Experts may also be structured, lambda = scale·metric + Σ u uᵀ with a top-level
 * {@code metric} ({@link StructuredJson}).
 *
 * <p>Reading is strict: unknown or duplicate fields, wrong types, wrong lengths, non-finite numbers,
 * a non-symmetric or indefinite lambda and a non-normalisable alpha are each reported in one line
 * that names the field, e.g. {@code experts[2].lambda[0][1]}. {@code family} may be omitted (it
 * defaults to product-of-t), as may {@code parameters} (z[1]..z[D]) and {@code logNormalizer}.
 */
public final class ModelJson {
  public static final String FORMAT = "poevi-model";
  public static final int VERSION = 1;
  public static final String FAMILY = "product-of-t";
  /** The Gaussian baselines' family: mean and covariance instead of experts. */
  public static final String GAUSSIAN = "gaussian";
  private static final Set<String> GAUSSIAN_TOP_LEVEL = Set.of("format", "version", "family",
      "dimension", "parameters", "mean", "covariance");

  private static final Set<String> TOP_LEVEL = Set.of("format", "version", "family", "dimension",
      "parameters", "frame", "metric", "experts", "logNormalizer");
  private static final Set<String> EXPERT_FIELDS = Set.of("location", "lambda", "scale",
      "lowRank", "alpha");
  private static final Set<String> NORMALIZER_FIELDS = Set.of("estimate", "standardError",
      "draws");

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private ModelJson() {}

  /** Reads a product-of-experts model file; every error message starts with the path. */
  public static PoeModel read(Path path) {
    String text = readText(path);
    try {
      return parse(text);
    } catch (InvalidInputException e) {
      throw new InvalidInputException("model file " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a model file of either family: a {@link PoeModel} or a {@link GaussianModel}
   * ({@code "family": "gaussian"}).
   */
  public static FittedModel readAny(Path path) {
    String text = readText(path);
    try {
      return parseAny(text);
    } catch (InvalidInputException e) {
      throw new InvalidInputException("model file " + path + ": " + e.getMessage(), e);
    }
  }

  /** A model of either family from model.json's text. */
  public static FittedModel parseAny(String text) {
    JsonNode root = org.poevi.io.StrictJson.parse(text, "");
    if (root != null && root.isObject() && GAUSSIAN.equals(root.path("family").asText())) {
      return parseGaussian(root);
    }
    return parse(text);
  }

  /** The file's text; a missing or unreadable file is a one-line error naming it. */
  private static String readText(Path path) {
    try {
      return Files.readString(path);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("model file " + path + " does not exist");
    } catch (IOException e) {
      throw new InvalidInputException("cannot read model file " + path + ": " + e.getMessage());
    }
  }

  /** The parameter names after checking format, version and dimension (family is checked apart). */
  private static List<String> header(JsonNode root) {
    String format = requiredText(root, "format");
    if (!FORMAT.equals(format)) {
      throw new InvalidInputException("format must be \"" + FORMAT + "\", got \"" + format
          + "\"");
    }
    long version = requiredLong(root, "version");
    if (version != VERSION) {
      throw new InvalidInputException("version " + version + " is not supported (this poevi reads"
          + " version " + VERSION + ")");
    }
    long dimLong = requiredLong(root, "dimension");
    if (dimLong < 1 || dimLong > 10_000) {
      throw new InvalidInputException("dimension must be between 1 and 10000, got " + dimLong);
    }
    int dim = (int) dimLong;
    return root.has("parameters") ? readNames(root.get("parameters"), dim)
        : PoeModel.defaultNames(dim);
  }

  private static GaussianModel parseGaussian(JsonNode root) {
    checkFields(root, GAUSSIAN_TOP_LEVEL, "");
    List<String> names = header(root);
    int dim = names.size();
    double[] mean = readVector(required(root, "mean", "model"), dim, "mean");
    double[] covariance = readMatrix(required(root, "covariance", "model"), dim, "covariance");
    return new GaussianModel(names, mean, covariance);
  }

  /** A Gaussian model as a JSON tree, fields in the documented order. */
  public static ObjectNode toJson(GaussianModel model) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("family", GAUSSIAN);
    int dim = model.dim();
    root.put("dimension", dim);
    ArrayNode names = root.putArray("parameters");
    model.parameters().forEach(names::add);
    ArrayNode mean = root.putArray("mean");
    for (double v : model.mean()) {
      mean.add(v);
    }
    ArrayNode covariance = root.putArray("covariance");
    double[] s = model.covariance();
    for (int i = 0; i < dim; i++) {
      ArrayNode row = covariance.addArray();
      for (int j = 0; j < dim; j++) {
        row.add(s[i * dim + j]);
      }
    }
    return root;
  }

  /** Parses model JSON text. */
  public static PoeModel parse(String text) {
    JsonNode root = org.poevi.io.StrictJson.parse(text, "");
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("expected a JSON object at the top level");
    }
    checkFields(root, TOP_LEVEL, "");
    List<String> names = header(root);
    int dim = names.size();
    if (root.has("family")) {
      String family = requiredText(root, "family");
      if (!FAMILY.equals(family)) {
        throw new InvalidInputException("family \"" + family + "\" is not supported here"
            + " (expected \"" + FAMILY + "\")");
      }
    }
    ProductOfExperts family = readExperts(root, dim);
    return new PoeModel(names, family, readLogNormalizer(root), FrameJson.read(root, dim));
  }

  /** The experts and their alphas, each expert checked and named by its index. */
  private static ProductOfExperts readExperts(JsonNode root, int dim) {
    JsonNode expertsNode = root.get("experts");
    if (expertsNode == null) {
      throw new InvalidInputException("experts is missing");
    }
    if (!expertsNode.isArray() || expertsNode.isEmpty()) {
      throw new InvalidInputException("experts must be a non-empty array");
    }
    SharedMetric metric = StructuredJson.readMetric(root, dim);
    List<Expert> experts = new ArrayList<>();
    double[] alpha = new double[expertsNode.size()];
    for (int k = 0; k < expertsNode.size(); k++) {
      String at = "experts[" + k + "]";
      JsonNode e = expertsNode.get(k);
      if (!e.isObject()) {
        throw new InvalidInputException(at + " must be an object");
      }
      checkFields(e, EXPERT_FIELDS, at + ".");
      double[] location = readVector(required(e, "location", at), dim, at + ".location");
      boolean structured = StructuredJson.isStructured(e, at);
      double[] lambda = structured ? null
          : readMatrix(required(e, "lambda", at), dim, at + ".lambda");
      alpha[k] = readNumber(required(e, "alpha", at), at + ".alpha");
      // At most 1e12: fitted alphas are of order D; an alpha near the double range made the
      // sampler's Lambda(w) unfactorable with an error that named no field (fuzz harness).
      if (!(alpha[k] >= 0 && alpha[k] <= 1e12)) {
        throw new InvalidInputException(at + ".alpha must be in [0, 1e12], got " + alpha[k]);
      }
      if (structured) {
        experts.add(StructuredJson.readExpert(e, at, location, metric));
        continue;
      }
      try {
        experts.add(Expert.of(location, lambda));
      } catch (InvalidInputException ex) {
        throw new InvalidInputException(at + "." + ex.getMessage(), ex);
      }
    }
    return ProductOfExperts.of(experts, alpha);
  }

  /** The optional logNormalizer block, or null when absent. */
  private static PoeModel.LogNormalizer readLogNormalizer(JsonNode root) {
    if (!root.has("logNormalizer")) {
      return null;
    }
    JsonNode n = root.get("logNormalizer");
    if (!n.isObject()) {
      throw new InvalidInputException("logNormalizer must be an object");
    }
    checkFields(n, NORMALIZER_FIELDS, "logNormalizer.");
    double estimate = readNumber(required(n, "estimate", "logNormalizer"),
        "logNormalizer.estimate");
    double se = readNumber(required(n, "standardError", "logNormalizer"),
        "logNormalizer.standardError");
    long draws = requiredLong(n, "draws", "logNormalizer.draws");
    return new PoeModel.LogNormalizer(estimate, se, draws);
  }

  /** Writes the model atomically. */
  public static void write(PoeModel model, Path path) {
    AtomicFiles.write(path, AtomicFiles.Content.text(out -> MAPPER.writeValue(out,
        toJson(model))));
  }

  /** The model as a JSON tree, fields in the documented order. */
  public static ObjectNode toJson(PoeModel model) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("family", FAMILY);
    root.put("dimension", model.dim());
    ArrayNode names = root.putArray("parameters");
    model.parameters().forEach(names::add);
    if (model.frame() != null) {
      FrameJson.write(root, model.frame());
    }
    ProductOfExperts family = model.family();
    SharedMetric metric = StructuredJson.metricOf(family);
    if (metric != null) {
      StructuredJson.writeMetric(root, metric);
    }
    ArrayNode experts = root.putArray("experts");
    for (int k = 0; k < family.numExperts(); k++) {
      Expert e = family.expert(k);
      ObjectNode node = experts.addObject();
      ArrayNode location = node.putArray("location");
      for (double v : e.location) {
        location.add(v);
      }
      if (metric != null && e.metric == metric) {
        StructuredJson.writeExpert(node, e);
      } else {
        ArrayNode lambda = node.putArray("lambda");
        for (double[] row : e.lambdaRows()) {
          ArrayNode r = lambda.addArray();
          for (double v : row) {
            r.add(v);
          }
        }
      }
      node.put("alpha", family.alpha(k));
    }
    if (model.logNormalizer() != null) {
      ObjectNode n = root.putObject("logNormalizer");
      n.put("estimate", model.logNormalizer().estimate());
      n.put("standardError", model.logNormalizer().standardError());
      n.put("draws", model.logNormalizer().draws());
    }
    return root;
  }

  static void checkFields(JsonNode node, Set<String> allowed, String prefix) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new InvalidInputException("unknown field " + prefix + name + " (allowed: "
            + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  static JsonNode required(JsonNode node, String field, String at) {
    JsonNode v = node.get(field);
    if (v == null) {
      throw new InvalidInputException((at.isEmpty() ? "" : at + ".") + field + " is missing");
    }
    return v;
  }

  private static String requiredText(JsonNode node, String field) {
    JsonNode v = required(node, field, "");
    if (!v.isTextual()) {
      throw new InvalidInputException(field + " must be a string, got " + v);
    }
    return v.asText();
  }

  private static long requiredLong(JsonNode node, String field) {
    return requiredLong(node, field, field);
  }

  private static long requiredLong(JsonNode node, String field, String name) {
    JsonNode v = node.get(field);
    if (v == null) {
      throw new InvalidInputException(name + " is missing");
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new InvalidInputException(name + " must be an integer, got " + v);
    }
    return v.asLong();
  }

  static double readNumber(JsonNode v, String name) {
    if (!v.isNumber()) {
      throw new InvalidInputException(name + " must be a number, got " + v);
    }
    double d = v.asDouble();
    if (!Double.isFinite(d)) {
      throw new InvalidInputException(name + " must be finite, got " + v);
    }
    return d;
  }

  static double[] readVector(JsonNode v, int dim, String name) {
    if (!v.isArray()) {
      throw new InvalidInputException(name + " must be an array of " + dim + " numbers");
    }
    if (v.size() != dim) {
      throw new InvalidInputException(name + " has " + v.size() + " entries but dimension is "
          + dim);
    }
    double[] out = new double[dim];
    for (int i = 0; i < dim; i++) {
      out[i] = readNumber(v.get(i), name + "[" + i + "]");
    }
    return out;
  }

  static double[] readMatrix(JsonNode v, int dim, String name) {
    if (!v.isArray()) {
      throw new InvalidInputException(name + " must be an array of " + dim + " rows");
    }
    if (v.size() != dim) {
      throw new InvalidInputException(name + " has " + v.size() + " rows but dimension is " + dim);
    }
    double[] out = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      System.arraycopy(readVector(v.get(i), dim, name + "[" + i + "]"), 0, out, i * dim, dim);
    }
    return out;
  }

  private static List<String> readNames(JsonNode v, int dim) {
    if (!v.isArray()) {
      throw new InvalidInputException("parameters must be an array of " + dim + " strings");
    }
    if (v.size() != dim) {
      throw new InvalidInputException("parameters has " + v.size() + " names but dimension is "
          + dim);
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < dim; i++) {
      if (!v.get(i).isTextual()) {
        throw new InvalidInputException("parameters[" + i + "] must be a string, got " + v.get(i));
      }
      names.add(v.get(i).asText());
    }
    return names;
  }
}
