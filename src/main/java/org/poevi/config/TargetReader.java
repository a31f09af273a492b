package org.poevi.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.poevi.InvalidInputException;
import org.poevi.targets.BananaTarget;
import org.poevi.targets.ExactTarget;
import org.poevi.targets.FunnelTarget;
import org.poevi.targets.GaussianMixtureTarget;
import org.poevi.targets.ProductOfTTarget;
import org.poevi.targets.RandomProductOfT;
import org.poevi.targets.SinhArcsinhTarget;
import org.poevi.targets.StudentTTarget;
import org.poevi.targets.Target;
import org.poevi.targets.VaryingInterceptsTarget;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.RegressionTarget;
import org.poevi.targets.glm.RowData;
import org.poevi.targets.glm.RowLikelihood;
import org.poevi.targets.glm.SyntheticLogisticData;

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
 *   product-of-t:     model = "path/to/model.json"                  ({@link ProductOfTTarget})
 *                     or dimension = D (required), experts = 4, rank = 2, dof = 5,
 *                     correlation = 0.5, seed = 1       ({@link RandomProductOfT})
 *
 *   target.type = varying-intercepts   # a posterior over synthetic data: no exact draws
 *   varying-intercepts: groups = 500, rows-per-group = 20, mu = 1, tau = 1, sigma = 2, seed = 1
 *                                                                ({@link VaryingInterceptsTarget})
 * </pre>
 *
 * <p><b>gaussian-mixture.</b> With none of its three keys, the default 3-mode 2-D mixture
 * ({@link GaussianMixtureTarget#defaultMixture()}). Otherwise {@code means} (a list of J points)
 * is required; {@code weights} (relative, normalised by their sum) default to equal weights and
 * {@code covariances} (a list of J matrices, each a list of rows) to identity matrices.
 *
 * <p><b>product-of-t.</b> {@code model} is a path to a {@code model.json} (SPEC §7), relative
 * paths resolved against the working directory. Its log-normaliser is estimated afresh
 * ({@link ProductOfTTarget}). Without {@code model}, {@code dimension} draws a random product of
 * {@code experts} structured experts Λ_k = M + U_k U_kᵀ of rank {@code rank}, with {@code dof}
 * tail degrees of freedom and a metric of the given {@code correlation}, from {@code seed}
 * ({@link RandomProductOfT}): the realisable target at D = 1000.
 *
 * <p><b>varying-intercepts.</b> J = {@code groups} (1 to 9997) groups of n = {@code
 * rows-per-group} (1 to 10000) rows, y_ij = μ + θ_j + ε_ij with θ_j ~ N(0, τ²) and ε_ij ~ N(0,
 * σ²), generated from {@code seed} with the true {@code mu} (finite), {@code tau} and {@code
 * sigma} (&gt; 0) ({@link org.poevi.targets.VaryingInterceptsData}); the target is the posterior
 * of (μ, log τ, log σ, θ_1..θ_J), D = J + 3, under weakly informative priors. It is built by
 * {@link #build}; {@link #fromConfig} refuses it (it has no exact draws).
 *
 * <p><b>Errors.</b> An unknown key, a value of the wrong type, an out-of-range value or a missing
 * required key throws {@link InvalidInputException} with one line naming the key, e.g.
 * {@code target.curvature must be finite, got NaN} or
 * {@code unknown key target.curvatur for type banana (allowed: curvature, dimension, scale, type)}.
 * Numbers may also be given as strings (as HOCON overrides from a command line are); integers must
 * be whole numbers.
 *
 * <p>The reading is split by concern: {@code SyntheticTargetReader} (the synthetic types and
 * the posteriors over synthetic data), {@code RegressionTargetReader} (the posteriors over data
 * rows), {@code PosteriorDbTargetReader} (the posteriordb models), {@code UserTargets} (a user's
 * class) and {@code BlockReader} (typed reads of a block's values); this class holds the types,
 * their keys and the entry points.
 */
public final class TargetReader {
  /** The target types, in documentation order. */
  public static final List<String> TYPES = List.of("banana", "funnel", "student-t",
      "sinh-arcsinh", "gaussian-mixture", "product-of-t");

  /** The keys of each synthetic type (and synthetic posterior), without {@code type}. */
  static final Map<String, Set<String>> KEYS = Map.of(
      "banana", Set.of("dimension", "scale", "curvature"),
      "funnel", Set.of("dimension", "scale"),
      "student-t", Set.of("dimension", "dof"),
      "sinh-arcsinh", Set.of("dimension", "skew", "tail", "correlation"),
      "gaussian-mixture", Set.of("weights", "means", "covariances"),
      "product-of-t", Set.of("model", "dimension", "experts", "rank", "dof", "correlation",
          "seed"),
      "varying-intercepts", Set.of("groups", "rows-per-group", "mu", "tau", "sigma", "seed"));

  /** What every key is named with in messages. */
  static final String PREFIX = "target.";

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
      "exact-sums", false,
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

  /**
   * Posteriors over synthetic data generated inside the target from a seed (issue #20): no exact
   * draws, evaluated sample-parallel like the models. Their keys are in {@link #KEYS}.
   */
  public static final List<String> SYNTHETIC_POSTERIOR_TYPES = List.of("varying-intercepts");

  /** A user's class implementing {@link Target}, loaded from the classpath. */
  public static final String CLASS_TYPE = "class";

  /** eight-schools' parameterisations; the first is the default. */
  static final List<String> PARAMETERIZATIONS = List.of("noncentered", "centered");

  /**
   * Every target type: the synthetic ones, the posteriors over data, the models, the posteriors
   * over synthetic data, a class.
   */
  public static List<String> allTypes() {
    List<String> all = new java.util.ArrayList<>(TYPES);
    all.addAll(DATA_TYPES);
    all.addAll(MODEL_TYPES);
    all.addAll(SYNTHETIC_POSTERIOR_TYPES);
    all.add(CLASS_TYPE);
    return all;
  }

  /**
   * Where the rows of a data-parallel target live: this JVM, or a Spark cluster. Rows come from a
   * synthetic generator or from a data source (a file or a catalog table).
   */
  public interface DataBackend {
    RowData rows(SyntheticLogisticData data);

    /**
     * The rows of a data file or table. Reading one needs Spark's data sources, which this
     * layer does not have. Every backend of the program reads them: {@code
     * org.poevi.spark.LocalRows#backend} in this JVM (fit --master none, evaluate, the
     * benchmark's trace) and {@code org.poevi.spark.Poevi}'s on Spark. Only tests' lambdas of
     * synthetic rows keep this default, which is a programming error, not a user's.
     *
     * @throws UnsupportedOperationException unless the backend reads data sources
     */
    default RowData rows(DataFile file) {
      throw new UnsupportedOperationException("this backend holds synthetic rows only, not the"
          + " rows of " + file.source());
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
      public double[] sums(RowLikelihood likelihood, double[] points, int n, int dim) {
        throw new IllegalStateException("the rows of this target were not loaded");
      }
    };
  }

  /** Rows that were not read ({@link #UNLOADED}): no data-scaled defaults can be computed. */
  interface Unloaded extends RowData {}

  /** The keys of a data source (a file or a table), below {@code target}. */
  static final List<String> DATA_FILE_KEYS = List.of("data.path", "data.table", "data.format",
      "data.response", "data.predictors");

  /** The block of Spark reader options of a data source, below {@code target}. */
  static final String DATA_OPTIONS = "data.options";

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
    // List.of(...).contains(null) throws: a type that is not a string goes to fromConfig,
    // whose error names target.type.
    if (type != null && MODEL_TYPES.contains(type)) {
      return PosteriorDbTargetReader.read(type, target);
    }
    if (type != null && SYNTHETIC_POSTERIOR_TYPES.contains(type)) {
      return SyntheticTargetReader.readPosterior(type, target);
    }
    if (CLASS_TYPE.equals(type)) {
      return UserTargets.load(target);
    }
    if (!isDataTarget(target)) {
      return fromConfig(target);
    }
    return RegressionTargetReader.read(target, backend);
  }

  /**
   * The synthetic target described by {@code target} (the {@code target} block itself, e.g.
   * {@code config.getConfig("target")}): one with exact draws and a known normaliser.
   *
   * @throws InvalidInputException one line naming the offending key
   */
  public static ExactTarget fromConfig(Config target) {
    return SyntheticTargetReader.read(target);
  }

  /** Runs a factory, its error messages prefixed with {@code target.} and {@code prefix}. */
  static <T> T prefixed(String prefix, Supplier<T> factory) {
    try {
      return factory.get();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(PREFIX + prefix + e.getMessage(), e);
    }
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
}
