package org.poevi.config;

import static org.poevi.config.TargetReader.KEYS;
import static org.poevi.config.TargetReader.PREFIX;
import static org.poevi.config.TargetReader.SYNTHETIC_POSTERIOR_TYPES;
import static org.poevi.config.TargetReader.TYPES;
import static org.poevi.config.TargetReader.allTypes;
import static org.poevi.config.TargetReader.isDataTarget;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.poevi.InvalidInputException;
import org.poevi.family.ModelJson;
import org.poevi.family.PoeModel;
import org.poevi.targets.BananaTarget;
import org.poevi.targets.ExactTarget;
import org.poevi.targets.FunnelTarget;
import org.poevi.targets.GaussianMixtureTarget;
import org.poevi.targets.ProductOfTTarget;
import org.poevi.targets.RandomProductOfT;
import org.poevi.targets.SinhArcsinhTarget;
import org.poevi.targets.StudentTTarget;
import org.poevi.targets.Target;
import org.poevi.targets.VaryingInterceptsData;
import org.poevi.targets.VaryingInterceptsTarget;

/**
 * The synthetic targets ({@link TargetReader#TYPES}): their {@code target} blocks read into
 * targets with exact draws and a known normaliser ({@link TargetReader#fromConfig}); and the
 * posteriors over synthetic data ({@link TargetReader#SYNTHETIC_POSTERIOR_TYPES}), whose blocks
 * follow the same rules but whose targets have no exact draws ({@link #readPosterior}).
 */
final class SyntheticTargetReader {
  private SyntheticTargetReader() {}

  /**
   * The synthetic target described by {@code target}, after checking its type and keys.
   *
   * @throws InvalidInputException one line naming the offending key
   */
  static ExactTarget read(Config target) {
    if (isDataTarget(target)) {
      throw new InvalidInputException(PREFIX + "type " + target.getString("type") + " is a"
          + " posterior over data: it has no exact draws (one of " + String.join(", ", TYPES)
          + " is needed here)");
    }
    Map<String, ConfigValue> values = target.root();
    ConfigValue typeValue = values.get("type");
    if (typeValue == null) {
      throw new InvalidInputException(PREFIX + "type is missing (one of: "
          + String.join(", ", allTypes()) + ")");
    }
    String type = BlockReader.string(typeValue, "type");
    if (SYNTHETIC_POSTERIOR_TYPES.contains(type)) {
      throw new InvalidInputException(PREFIX + "type " + type + " is a posterior over synthetic"
          + " data: it has no exact draws (one of " + String.join(", ", TYPES)
          + " is needed here)");
    }
    return ofType(type, checkedKeys(type, values));
  }

  /**
   * A posterior over synthetic data ({@link TargetReader#SYNTHETIC_POSTERIOR_TYPES}), after
   * checking its keys.
   *
   * @throws InvalidInputException one line naming the offending key
   */
  static Target readPosterior(String type, Config target) {
    BlockReader r = checkedKeys(type, target.root());
    switch (type) {
      case "varying-intercepts": {
        int groups = r.integer("groups", VaryingInterceptsData.DEFAULT_GROUPS);
        int rows = r.integer("rows-per-group", VaryingInterceptsData.DEFAULT_ROWS_PER_GROUP);
        double mu = r.number("mu", VaryingInterceptsData.DEFAULT_MU);
        double tau = r.number("tau", VaryingInterceptsData.DEFAULT_TAU);
        double sigma = r.number("sigma", VaryingInterceptsData.DEFAULT_SIGMA);
        long seed = r.whole("seed", VaryingInterceptsData.DEFAULT_SEED);
        return TargetReader.prefixed("", () -> VaryingInterceptsTarget.of(
            VaryingInterceptsData.of(groups, rows, mu, tau, sigma, seed)));
      }
      default:
        throw new IllegalStateException("unhandled target type " + type);
    }
  }

  /** The block's values, after checking that {@code type} is known and has each key. */
  private static BlockReader checkedKeys(String type, Map<String, ConfigValue> values) {
    Set<String> keys = KEYS.get(type);
    if (keys == null) {
      throw new InvalidInputException(PREFIX + "type must be one of " + String.join(", ",
          allTypes()) + ", got \"" + type + "\"");
    }
    for (String key : values.keySet()) {
      if (!key.equals("type") && !keys.contains(key)) {
        Set<String> allowed = new TreeSet<>(keys);
        allowed.add("type");
        throw new InvalidInputException("unknown key " + PREFIX + key + " for type " + type
            + " (allowed: " + String.join(", ", allowed) + ")");
      }
    }
    return new BlockReader(values);
  }

  /** The synthetic target of type {@code type} from its checked keys. */
  private static ExactTarget ofType(String type, BlockReader r) {
    switch (type) {
      case "banana": {
        int dim = r.integer("dimension", BananaTarget.DEFAULT_DIMENSION);
        double scale = r.number("scale", BananaTarget.DEFAULT_SCALE);
        double curvature = r.number("curvature", BananaTarget.DEFAULT_CURVATURE);
        return prefixed(() -> BananaTarget.of(dim, scale, curvature));
      }
      case "funnel": {
        int dim = r.integer("dimension", FunnelTarget.DEFAULT_DIMENSION);
        double scale = r.number("scale", FunnelTarget.DEFAULT_SCALE);
        return prefixed(() -> FunnelTarget.of(dim, scale));
      }
      case "student-t": {
        int dim = r.integer("dimension", StudentTTarget.DEFAULT_DIMENSION);
        double dof = r.number("dof", StudentTTarget.DEFAULT_DOF);
        return prefixed(() -> StudentTTarget.of(dim, dof));
      }
      case "sinh-arcsinh": {
        int dim = r.integer("dimension", SinhArcsinhTarget.DEFAULT_DIMENSION);
        double skew = r.number("skew", SinhArcsinhTarget.DEFAULT_SKEW);
        double tail = r.number("tail", SinhArcsinhTarget.DEFAULT_TAIL);
        double correlation = r.number("correlation", SinhArcsinhTarget.DEFAULT_CORRELATION);
        return prefixed(() -> SinhArcsinhTarget.of(dim, skew, tail, correlation));
      }
      case "gaussian-mixture":
        return gaussianMixture(r);
      case "product-of-t":
        return productOfT(r);
      default:
        throw new IllegalStateException("unhandled target type " + type);
    }
  }

  /**
   * Runs a factory; its messages start with the parameter's name, which is also its key, so they
   * only need the {@code target.} prefix.
   */
  private static ExactTarget prefixed(Supplier<ExactTarget> factory) {
    return TargetReader.prefixed("", factory);
  }

  /** gaussian-mixture: its means, weights (equal by default) and covariances (identity). */
  private static ExactTarget gaussianMixture(BlockReader r) {
    if (!r.has("means")) {
      if (r.has("weights") || r.has("covariances")) {
        throw new InvalidInputException(PREFIX + "means is required when " + PREFIX
            + (r.has("weights") ? "weights" : "covariances") + " is given");
      }
      return GaussianMixtureTarget.defaultMixture();
    }
    double[][] means = r.matrix("means");
    if (means.length == 0) {
      throw new InvalidInputException(PREFIX + "means must be a non-empty list of points");
    }
    int count = means.length;
    double[] weights;
    if (r.has("weights")) {
      weights = r.vector("weights");
    } else {
      weights = new double[count];
      Arrays.fill(weights, 1);
    }
    double[][][] covariances;
    if (r.has("covariances")) {
      covariances = r.matrices("covariances");
    } else {
      covariances = new double[count][][];
      for (int j = 0; j < count; j++) {
        int dim = means[j].length;
        covariances[j] = new double[dim][dim];
        for (int d = 0; d < dim; d++) {
          covariances[j][d][d] = 1;
        }
      }
    }
    double[] w = weights;
    double[][][] s = covariances;
    return prefixed(() -> GaussianMixtureTarget.of(w, means, s));
  }

  /** The keys of a random product of t's ({@link RandomProductOfT}). */
  private static final List<String> GENERATOR_KEYS = List.of("dimension", "experts", "rank",
      "dof", "correlation", "seed");

  /** product-of-t: the model.json at {@code target.model}, or a random one of a dimension. */
  private static ExactTarget productOfT(BlockReader r) {
    if (!r.has("model")) {
      if (!r.has("dimension")) {
        throw new InvalidInputException(PREFIX + "model or " + PREFIX + "dimension is needed:"
            + " product-of-t reads a model.json or draws a random product of experts of that"
            + " dimension");
      }
      int dim = r.integer("dimension", 0);
      int experts = r.integer("experts", RandomProductOfT.DEFAULT_EXPERTS);
      int rank = r.integer("rank", RandomProductOfT.DEFAULT_RANK);
      double dof = r.number("dof", RandomProductOfT.DEFAULT_DOF);
      double correlation = r.number("correlation", RandomProductOfT.DEFAULT_CORRELATION);
      long seed = r.whole("seed", RandomProductOfT.DEFAULT_SEED);
      return prefixed(() -> ProductOfTTarget.of(
          RandomProductOfT.model(dim, experts, rank, dof, correlation, seed)));
    }
    for (String key : GENERATOR_KEYS) {
      if (r.has(key)) {
        throw new InvalidInputException(PREFIX + key + " draws a random product of experts: it"
            + " cannot be combined with " + PREFIX + "model");
      }
    }
    String text = BlockReader.string(r.values.get("model"), "model");
    if (text.isBlank()) {
      throw new InvalidInputException(PREFIX + "model must be a path, got an empty string");
    }
    Path path;
    try {
      path = Path.of(text);
    } catch (InvalidPathException e) {
      throw new InvalidInputException(PREFIX + "model is not a valid path: \"" + text + "\"", e);
    }
    try {
      PoeModel model = ModelJson.read(path);
      return ProductOfTTarget.of(model);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(PREFIX + "model: " + e.getMessage(), e);
    }
  }
}
