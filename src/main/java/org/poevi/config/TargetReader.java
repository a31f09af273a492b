package org.poevi.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.poevi.InvalidInputException;
import org.poevi.family.ModelJson;
import org.poevi.family.PoeModel;
import org.poevi.targets.BananaTarget;
import org.poevi.targets.ExactTarget;
import org.poevi.targets.FunnelTarget;
import org.poevi.targets.GaussianMixtureTarget;
import org.poevi.targets.ProductOfTTarget;
import org.poevi.targets.SinhArcsinhTarget;
import org.poevi.targets.StudentTTarget;
import org.poevi.targets.Target;
import org.poevi.targets.glm.ColumnMoments;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.Prior;
import org.poevi.targets.glm.RegressionTarget;
import org.poevi.targets.glm.RowData;
import org.poevi.targets.glm.RowLikelihood;
import org.poevi.targets.glm.SyntheticLogisticData;
import org.poevi.targets.posteriordb.ArTarget;
import org.poevi.targets.posteriordb.EightSchoolsTarget;
import org.poevi.targets.posteriordb.Garch11Target;
import org.poevi.targets.posteriordb.GpPoissonTarget;
import org.poevi.targets.posteriordb.NormalMixtureTarget;

/**
 * Builds a synthetic target (SPEC §5) from the {@code target} block of a HOCON configuration. The
 * keys, with their defaults (documented in {@code conf/reference-targets.conf}, which a test checks
 * against the code):
 *
 * <pre>
 *   target.type = banana            # required: banana | funnel | student-t | sinh-arcsinh
 *                                   #           | gaussian-mixture | product-of-t
 *   banana:           dimension = 2, scale = 2, curvature = 0.5            ({@link BananaTarget})
 *   funnel:           dimension = 3, scale = 3                             ({@link FunnelTarget})
 *   student-t:        dimension = 4, dof = 3                               ({@link StudentTTarget})
 *   sinh-arcsinh:     dimension = 50, skew = 0.3, tail = 0.7, correlation = 0.5
 *                                                                   ({@link SinhArcsinhTarget})
 *   gaussian-mixture: weights = [...], means = [[...], ...], covariances = [[[...]], ...]
 *                                                                   ({@link GaussianMixtureTarget})
 *   product-of-t:     model = "path/to/model.json" (required)       ({@link ProductOfTTarget})
 * </pre>
 *
 * <p><b>gaussian-mixture.</b> With none of its three keys, the default 3-mode 2-D mixture
 * ({@link GaussianMixtureTarget#defaultMixture()}). Otherwise {@code means} (a list of J points)
 * is required; {@code weights} (relative, normalised by their sum) default to equal weights and
 * {@code covariances} (a list of J matrices, each a list of rows) to identity matrices.
 *
 * <p><b>product-of-t.</b> {@code model} is a path to a {@code model.json} (SPEC §7), relative
 * paths resolved against the working directory. Its log-normaliser is estimated afresh
 * ({@link ProductOfTTarget}).
 *
 * <p><b>Errors.</b> An unknown key, a value of the wrong type, an out-of-range value or a missing
 * required key throws {@link InvalidInputException} with one line naming the key, e.g.
 * {@code target.curvature must be finite, got NaN} or
 * {@code unknown key target.curvatur for type banana (allowed: curvature, dimension, scale, type)}.
 * Numbers may also be given as strings (as HOCON overrides from a command line are); integers must
 * be whole numbers.
 */
public final class TargetReader {
  /** The target types, in documentation order. */
  public static final List<String> TYPES = List.of("banana", "funnel", "student-t",
      "sinh-arcsinh", "gaussian-mixture", "product-of-t");

  private static final Map<String, Set<String>> KEYS = Map.of(
      "banana", Set.of("dimension", "scale", "curvature"),
      "funnel", Set.of("dimension", "scale"),
      "student-t", Set.of("dimension", "dof"),
      "sinh-arcsinh", Set.of("dimension", "skew", "tail", "correlation"),
      "gaussian-mixture", Set.of("weights", "means", "covariances"),
      "product-of-t", Set.of("model"));

  private static final String PREFIX = "target.";
  /** Decimal numbers, and NaN/Infinity so that those get the "must be finite" message. */
  private static final Pattern NUMBER = Pattern.compile(
      "[+-]?(NaN|Infinity|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)");

  private TargetReader() {}

  /** The keys of a target type, without {@code type}; empty for an unknown type. */
  static Set<String> keysOf(String type) {
    return KEYS.getOrDefault(type, Set.of());
  }

  /** Target types whose likelihood is a sum over data rows (SPEC §6, data-parallel). */
  public static final List<String> DATA_TYPES = List.of("linear-regression",
      "logistic-regression", "poisson-regression");

  /** A prior value that asks for the default, scaled by the data as rstanarm does. */
  static final String AUTO = "auto";

  /**
   * The keys of every regression, as paths below {@code target}, with their defaults; the data
   * keys ({@link #DATA_FILE_KEYS}, and for logistic-regression {@link #SYNTHETIC_DEFAULTS}) come
   * on top.
   */
  static final Map<String, Object> REGRESSION_DEFAULTS = Map.of(
      "intercept", true,
      "prior.intercept", AUTO,
      "prior.coefficients", AUTO);

  /** logistic-regression's synthetic data, the default when no data file is given. */
  static final Map<String, Object> SYNTHETIC_DEFAULTS = Map.of(
      "data.synthetic.rows", 100000,
      "data.synthetic.predictors", 20,
      "data.synthetic.seed", 1);

  /** linear-regression's prior on the noise scale. */
  static final Map<String, Object> SCALE_DEFAULTS = Map.of("prior.sigma", AUTO);

  /** The keys of a regression type (below {@code target}, without type) and their defaults. */
  static Map<String, Object> regressionDefaults(RegressionTarget.Family family) {
    Map<String, Object> all = new java.util.HashMap<>(REGRESSION_DEFAULTS);
    if (family == RegressionTarget.Family.LOGISTIC) {
      all.putAll(SYNTHETIC_DEFAULTS);
    }
    if (family.hasScale()) {
      all.putAll(SCALE_DEFAULTS);
    }
    return all;
  }

  /**
   * The classic posteriordb models (SPEC §5): small data read from a posteriordb JSON file
   * ({@code target.data.path}), evaluated sample-parallel.
   */
  public static final List<String> MODEL_TYPES = List.of("eight-schools", "ar", "garch11",
      "gp-poisson", "normal-mixture");

  /** A user's class implementing {@link Target}, loaded from the classpath. */
  public static final String CLASS_TYPE = "class";

  /** eight-schools' parameterisations; the first is the default. */
  static final List<String> PARAMETERIZATIONS = List.of("noncentered", "centered");

  /** Every target type: the synthetic ones, the posteriors over data, the models, a class. */
  public static List<String> allTypes() {
    List<String> all = new java.util.ArrayList<>(TYPES);
    all.addAll(DATA_TYPES);
    all.addAll(MODEL_TYPES);
    all.add(CLASS_TYPE);
    return all;
  }

  /**
   * Where the rows of a data-parallel target live: this JVM, or a Spark cluster. Rows come from a
   * synthetic generator or from a data file.
   */
  public interface DataBackend {
    RowData rows(SyntheticLogisticData data);

    /**
     * The rows of a data file; this JVM alone cannot read them (no default reader outside Spark).
     *
     * @throws InvalidInputException when the backend cannot read files
     */
    default RowData rows(DataFile file) {
      throw new InvalidInputException(PREFIX + "data.path: reading data files needs Spark (run"
          + " without --master none), for " + file.path());
    }
  }

  /**
   * A backend that builds no rows: {@link #build} with it checks every key and gives the target's
   * dimension and names; evaluating its target is an error.
   */
  public static final DataBackend UNLOADED = new DataBackend() {
    @Override
    public RowData rows(SyntheticLogisticData data) {
      return unloaded(data.rows(), data.columns());
    }

    @Override
    public RowData rows(DataFile file) {
      return unloaded(-1, file.columns());
    }
  };

  /** Rows not read: {@code rows} (−1 if not known yet) rows of {@code columns} columns. */
  private static RowData unloaded(long rows, int columns) {
    return new Unloaded() {
      @Override
      public long rows() {
        return rows;
      }

      @Override
      public int columns() {
        return columns;
      }

      @Override
      public double[] sums(RowLikelihood likelihood, double[] points, int n) {
        throw new IllegalStateException("the rows of this target were not loaded");
      }
    };
  }

  /** Rows that were not read ({@link #UNLOADED}): no data-scaled defaults can be computed. */
  private interface Unloaded extends RowData {}

  /** The keys of a data file, below {@code target}. */
  static final List<String> DATA_FILE_KEYS = List.of("data.path", "data.response",
      "data.predictors");

  /** Whether the {@code target} block names a data-parallel type. */
  public static boolean isDataTarget(Config target) {
    return target.hasPath("type") && target.getValue("type").valueType()
        == ConfigValueType.STRING && DATA_TYPES.contains(target.getString("type"));
  }

  /**
   * Any target: a synthetic one ({@link #fromConfig}) or a posterior over data whose rows the
   * backend holds.
   *
   * @throws InvalidInputException one line naming the offending key
   */
  public static Target build(Config target, DataBackend backend) {
    ConfigValue typeValue = target.root().get("type");
    String type = typeValue != null && typeValue.valueType() == ConfigValueType.STRING
        ? (String) typeValue.unwrapped() : null;
    if (MODEL_TYPES.contains(type)) {
      return model(type, target);
    }
    if (CLASS_TYPE.equals(type)) {
      return UserTargets.load(target);
    }
    if (!isDataTarget(target)) {
      return fromConfig(target);
    }
    RegressionTarget.Family family = family(target.getString("type"));
    String typeName = family.type();
    Map<String, Object> defaults = regressionDefaults(family);
    Map<String, ConfigValue> flat = new java.util.HashMap<>();
    for (Map.Entry<String, ConfigValue> e : target.entrySet()) {
      String key = e.getKey();
      if (!key.equals("type") && !defaults.containsKey(key) && !DATA_FILE_KEYS.contains(key)) {
        Set<String> allowed = new TreeSet<>(defaults.keySet());
        allowed.addAll(DATA_FILE_KEYS);
        throw new InvalidInputException("unknown key " + PREFIX + key + " for type "
            + typeName + " (allowed: " + String.join(", ", allowed) + ", type)");
      }
      flat.put(key, e.getValue());
    }
    Reader r = new Reader(flat);
    boolean intercept = true;
    if (r.has("intercept")) {
      ConfigValue v = flat.get("intercept");
      if (v.valueType() == ConfigValueType.BOOLEAN) {
        intercept = (Boolean) v.unwrapped();
      } else if (v.valueType() == ConfigValueType.STRING
          && ("true".equals(v.unwrapped()) || "false".equals(v.unwrapped()))) {
        intercept = Boolean.parseBoolean((String) v.unwrapped());
      } else {
        throw new InvalidInputException(PREFIX + "intercept must be true or false, got "
            + describe(v));
      }
    }
    if (!intercept && r.has("prior.intercept")) {
      throw new InvalidInputException(PREFIX + "prior.intercept is set, but " + PREFIX
          + "intercept = false: the model has no intercept");
    }
    PriorSpec priors = new PriorSpec(
        priorText(r, defaults, "prior.intercept"), priorText(r, defaults, "prior.coefficients"),
        family.hasScale() ? priorText(r, defaults, "prior.sigma") : null);
    RowData rows;
    double[] truth = null;
    if (r.has("data.path") || r.has("data.response") || r.has("data.predictors")) {
      for (String key : flat.keySet()) {
        if (key.startsWith("data.synthetic.")) {
          throw new InvalidInputException(PREFIX + key + " and " + PREFIX + "data.path are"
              + " exclusive: the data is either synthetic or read from a file");
        }
      }
      DataFile file = new DataFile(requiredString(r, "data.path"),
          requiredString(r, "data.response"), stringList(r, "data.predictors"), intercept,
          family.response());
      rows = backend.rows(file);
    } else if (family != RegressionTarget.Family.LOGISTIC) {
      throw new InvalidInputException(PREFIX + "data.path is missing: " + typeName + " reads its"
          + " data from a file (synthetic data is for logistic-regression)");
    } else {
      long count = r.whole("data.synthetic.rows", 100000);
      int predictors = r.integer("data.synthetic.predictors", 20);
      long seed = r.whole("data.synthetic.seed", 1);
      boolean withIntercept = intercept;
      SyntheticLogisticData data = prefixed("data.synthetic.", () -> new SyntheticLogisticData(
          count, predictors, withIntercept, seed));
      rows = backend.rows(data);
      truth = data.trueCoefficients();
    }
    return new RegressionTarget(family, rows, intercept, priors.resolve(family, rows, intercept),
        truth);
  }

  /** A classic posteriordb model: {@code data.path}, and eight-schools' parameterization. */
  private static Target model(String type, Config target) {
    Set<String> keys = new TreeSet<>(List.of("type", "data.path"));
    if (type.equals("eight-schools")) {
      keys.add("parameterization");
    }
    Map<String, ConfigValue> flat = new java.util.HashMap<>();
    for (Map.Entry<String, ConfigValue> e : target.entrySet()) {
      if (!keys.contains(e.getKey())) {
        throw new InvalidInputException("unknown key " + PREFIX + e.getKey() + " for type "
            + type + " (allowed: " + String.join(", ", keys) + ")");
      }
      flat.put(e.getKey(), e.getValue());
    }
    if (!flat.containsKey("data.path")) {
      throw new InvalidInputException(PREFIX + "data.path is missing: " + type + " reads its"
          + " data from a posteriordb JSON file (e.g. conf/posteriordb/*/data.json)");
    }
    String text = string(flat.get("data.path"), "data.path");
    Path path;
    try {
      path = Path.of(text);
    } catch (InvalidPathException e) {
      throw new InvalidInputException(PREFIX + "data.path is not a valid path: \"" + text
          + "\"", e);
    }
    String p = flat.containsKey("parameterization")
        ? string(flat.get("parameterization"), "parameterization") : PARAMETERIZATIONS.get(0);
    if (!PARAMETERIZATIONS.contains(p)) {
      throw new InvalidInputException(PREFIX + "parameterization must be one of "
          + String.join(", ", PARAMETERIZATIONS) + ", got \"" + p + "\"");
    }
    boolean centered = p.equals("centered");
    return prefixed("data.path: ", () -> switch (type) {
      case "eight-schools" -> EightSchoolsTarget.read(path, centered);
      case "ar" -> ArTarget.read(path);
      case "garch11" -> Garch11Target.read(path);
      case "gp-poisson" -> GpPoissonTarget.read(path);
      case "normal-mixture" -> NormalMixtureTarget.read(path);
      default -> throw new IllegalStateException("unhandled model type " + type);
    });
  }

  private static RegressionTarget.Family family(String type) {
    for (RegressionTarget.Family f : RegressionTarget.Family.values()) {
      if (f.type().equals(type)) {
        return f;
      }
    }
    throw new IllegalArgumentException(type);
  }

  private static String priorText(Reader r, Map<String, Object> defaults, String key) {
    return r.has(key) ? string(r.values.get(key), key) : (String) defaults.get(key);
  }

  /**
   * A regression's prior strings, "auto" meaning rstanarm's weakly informative default scaled by
   * the data (one pass over the rows, {@link ColumnMoments}; with s_y = sd(y) for the linear
   * model and 1 otherwise, x̄_j and s_j the mean and sd of predictor j):
   *
   * <ul>
   *   <li>coefficients: normal(0, 2.5·s_y/s_j) (2.5·s_y for a constant column);
   *   <li>intercept: rstanarm's normal(m, 2.5·s_y) on the intercept of the centred predictors
   *       (m = mean(y) for the linear model, else 0), carried to poevi's intercept of the
   *       uncentred design, α = α_c − Σ_j β_j x̄_j, with the same marginal spread:
   *       normal(m, ((2.5·s_y)² + Σ_j x̄_j²·s_βj²)^½), s_βj the coefficients' auto scales (or
   *       2.5·s_y for coefficients with a prior given explicitly);
   *   <li>sigma: exponential(1/s_y).
   * </ul>
   */
  private record PriorSpec(String intercept, String coefficients, String sigma) {
    Prior[] resolve(RegressionTarget.Family family, RowData rows, boolean hasIntercept) {
      int columns = rows.columns();
      Prior[] priors = new Prior[columns + (family.hasScale() ? 1 : 0)];
      boolean auto = AUTO.equals(intercept) && hasIntercept || AUTO.equals(coefficients)
          || AUTO.equals(sigma);
      ColumnMoments.Summary moments = auto && !(rows instanceof Unloaded)
          ? ColumnMoments.of(rows) : null;
      double sy = 1;
      double my = 0;
      if (family.hasScale() && moments != null) {
        sy = moments.sdY();
        my = moments.meanY();
        if (!(sy > 0)) {
          throw new InvalidInputException(PREFIX + "data.response is constant (sd 0): the"
              + " default (auto) priors scale with its sd; give " + PREFIX + "prior.intercept, "
              + PREFIX + "prior.coefficients and " + PREFIX + "prior.sigma explicitly");
        }
      }
      int first = hasIntercept ? 1 : 0;
      double[] coefficientScale = new double[columns];
      for (int d = first; d < columns; d++) {
        if (AUTO.equals(coefficients)) {
          double sx = moments == null ? 1 : moments.sdX()[d];
          coefficientScale[d] = sx > 0 ? 2.5 * sy / sx : 2.5 * sy;
          priors[d] = Prior.normal(0, coefficientScale[d]);
        } else {
          priors[d] = Prior.coefficient(PREFIX + "prior.coefficients", coefficients);
        }
      }
      if (hasIntercept) {
        if (AUTO.equals(intercept)) {
          double variance = 2.5 * sy * 2.5 * sy;
          for (int d = first; d < columns && moments != null; d++) {
            // A coefficient with a non-normal prior adds its scale's spread the same way.
            double s = AUTO.equals(coefficients) ? coefficientScale[d] : 2.5 * sy;
            double mean = moments.meanX()[d];
            variance += mean * mean * s * s;
          }
          priors[0] = Prior.normal(my, Math.sqrt(variance));
        } else {
          priors[0] = Prior.coefficient(PREFIX + "prior.intercept", intercept);
        }
      }
      if (family.hasScale()) {
        priors[columns] = AUTO.equals(sigma) ? Prior.exponential(1 / sy)
            : Prior.scale(PREFIX + "prior.sigma", sigma);
      }
      return priors;
    }
  }

  private static String requiredString(Reader r, String key) {
    if (!r.has(key)) {
      throw new InvalidInputException(PREFIX + key + " is missing (a data file needs "
          + PREFIX + "data.path, " + PREFIX + "data.response and " + PREFIX
          + "data.predictors)");
    }
    String text = string(r.values.get(key), key);
    if (text.isBlank()) {
      throw new InvalidInputException(PREFIX + key + " must not be empty");
    }
    return text;
  }

  private static List<String> stringList(Reader r, String key) {
    if (!r.has(key)) {
      requiredString(r, key);
    }
    ConfigList list = Reader.list(r.values.get(key), key, "column names");
    if (list.isEmpty()) {
      throw new InvalidInputException(PREFIX + key + " must name at least one column");
    }
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String name = string(list.get(i), key + "[" + i + "]");
      if (names.contains(name)) {
        throw new InvalidInputException(PREFIX + key + " names column \"" + name + "\" twice");
      }
      names.add(name);
    }
    return names;
  }

  /**
   * The synthetic target described by {@code target} (the {@code target} block itself, e.g.
   * {@code config.getConfig("target")}): one with exact draws and a known normaliser.
   *
   * @throws InvalidInputException one line naming the offending key
   */
  public static ExactTarget fromConfig(Config target) {
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
    String type = string(typeValue, "type");
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
    Reader r = new Reader(values);
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
    return prefixed("", factory);
  }

  private static <T> T prefixed(String prefix, Supplier<T> factory) {
    try {
      return factory.get();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(PREFIX + prefix + e.getMessage(), e);
    }
  }

  private static ExactTarget gaussianMixture(Reader r) {
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

  private static ExactTarget productOfT(Reader r) {
    if (!r.has("model")) {
      throw new InvalidInputException(PREFIX + "model is missing: product-of-t needs the path of"
          + " a model.json");
    }
    String text = string(r.values.get("model"), "model");
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

  private static String string(ConfigValue v, String key) {
    if (v.valueType() != ConfigValueType.STRING) {
      throw new InvalidInputException(PREFIX + key + " must be a string, got " + describe(v));
    }
    return (String) v.unwrapped();
  }

  /** A value for a message: its type and, when short, its rendering, on one line. */
  static String describe(ConfigValue v) {
    String rendered = v.render(ConfigRenderOptions.concise());
    if (rendered.length() > 40) {
      rendered = rendered.substring(0, 37) + "...";
    }
    return switch (v.valueType()) {
      case NULL -> "null";
      case BOOLEAN -> "a boolean (" + rendered + ")";
      case LIST -> "a list " + rendered;
      case OBJECT -> "an object " + rendered;
      case STRING -> "the string " + rendered;
      case NUMBER -> rendered;
    };
  }

  /** Typed reads of the block's values, each error naming the key (and index) in one line. */
  private static final class Reader {
    final Map<String, ConfigValue> values;

    Reader(Map<String, ConfigValue> values) {
      this.values = values;
    }

    boolean has(String key) {
      return values.containsKey(key);
    }

    double number(String key, double fallback) {
      ConfigValue v = values.get(key);
      return v == null ? fallback : number(v, key);
    }

    int integer(String key, int fallback) {
      ConfigValue v = values.get(key);
      if (v == null) {
        return fallback;
      }
      return (int) whole(v, key, Integer.MAX_VALUE);
    }

    long whole(String key, long fallback) {
      ConfigValue v = values.get(key);
      if (v == null) {
        return fallback;
      }
      return whole(v, key, 1L << 53);
    }

    /** An integer of magnitude at most {@code limit}, each failure named. */
    static long whole(ConfigValue v, String key, long limit) {
      double x = number(v, key);
      if (x != Math.rint(x)) {
        throw new InvalidInputException(PREFIX + key + " must be an integer, got " + describe(v));
      }
      if (Math.abs(x) > limit) {
        throw new InvalidInputException(PREFIX + key + " must be at most " + limit
            + " in magnitude, got " + describe(v));
      }
      return (long) x;
    }

    static double number(ConfigValue v, String name) {
      switch (v.valueType()) {
        case NUMBER:
          return ((Number) v.unwrapped()).doubleValue();
        case STRING:
          String text = ((String) v.unwrapped()).trim();
          if (NUMBER.matcher(text).matches()) {
            return Double.parseDouble(text);
          }
          throw new InvalidInputException(PREFIX + name + " must be a number, got " + describe(v));
        default:
          throw new InvalidInputException(PREFIX + name + " must be a number, got " + describe(v));
      }
    }

    static ConfigList list(ConfigValue v, String name, String what) {
      if (v.valueType() != ConfigValueType.LIST) {
        throw new InvalidInputException(PREFIX + name + " must be a list of " + what + ", got "
            + describe(v));
      }
      return (ConfigList) v;
    }

    static double[] vector(ConfigValue v, String name) {
      ConfigList list = list(v, name, "numbers");
      double[] out = new double[list.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = number(list.get(i), name + "[" + i + "]");
      }
      return out;
    }

    static double[][] matrix(ConfigValue v, String name) {
      ConfigList list = list(v, name, "lists of numbers");
      double[][] out = new double[list.size()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = vector(list.get(i), name + "[" + i + "]");
      }
      return out;
    }

    double[] vector(String key) {
      return vector(values.get(key), key);
    }

    double[][] matrix(String key) {
      return matrix(values.get(key), key);
    }

    double[][][] matrices(String key) {
      ConfigList list = list(values.get(key), key, "matrices (lists of rows)");
      double[][][] out = new double[list.size()][][];
      for (int i = 0; i < out.length; i++) {
        out[i] = matrix(list.get(i), key + "[" + i + "]");
      }
      return out;
    }
  }
}
