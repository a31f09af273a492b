package org.poevi.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.poevi.InvalidInputException;
import org.poevi.baselines.AdviSettings;
import org.poevi.baselines.BamSettings;
import org.poevi.baselines.GaussianFitter;
import org.poevi.baselines.LaplaceStarted;
import org.poevi.fit.AlphaSettings;
import org.poevi.fit.ExpertPool;
import org.poevi.fit.ExpertSource;
import org.poevi.fit.Fitter;
import org.poevi.fit.InitSettings;
import org.poevi.fit.Objective;
import org.poevi.fit.ObjectiveSettings;
import org.poevi.fit.PoeSettings;
import org.poevi.fit.PopulationMode;
import org.poevi.fit.RunSettings;
import org.poevi.fit.ScoreMetric;
import org.poevi.fit.UnderPSettings;
import org.poevi.fit.UnderQSettings;
import org.poevi.math.BlockParallel;

/**
 * The HOCON configuration of a fit: the user's file, then command-line {@code key=value}
 * overrides, over the documented defaults ({@code conf/reference.conf}, on the classpath as
 * {@code org/poevi/reference.conf}). Unknown keys outside {@code target} are errors here; the
 * {@code target} block is checked by the target factory. Every problem is one line naming the key.
 */
public final class FitConfig {
  public static final String REFERENCE = "org/poevi/reference.conf";

  private final Config user;
  private final Config reference;
  private final Config resolved;
  private Fitter fitter;
  private Fitter chosen;

  private FitConfig(Config user, Config reference, Config resolved) {
    this.user = user;
    this.reference = reference;
    this.resolved = resolved;
  }

  /** The configuration in a HOCON file, then the {@code key=value} overrides. */
  public static FitConfig load(Path file, List<String> overrides) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("configuration file " + file + " does not exist");
    }
    Config fromFile;
    try {
      fromFile = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
    } catch (ConfigException e) {
      throw new InvalidInputException("configuration file " + file + ": " + oneLine(e));
    }
    return of(fromFile, overrides, true);
  }

  /**
   * The configuration in HOCON text (a notebook's string, e.g. {@code "target.type = banana"}),
   * then the {@code key=value} overrides; checked as a file is.
   */
  public static FitConfig parse(String hocon, List<String> overrides) {
    return of(parseText(hocon), overrides, true);
  }

  /**
   * The settings for a target built in code (a {@link org.poevi.targets.Target} object): as
   * {@link #parse}, but with no {@code target} block needed.
   */
  public static FitConfig forCodeTarget(String hocon, List<String> overrides) {
    return of(parseText(hocon), overrides, false);
  }

  private static Config parseText(String hocon) {
    Config fromText;
    try {
      fromText = ConfigFactory.parseString(hocon,
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF));
    } catch (ConfigException e) {
      throw new InvalidInputException("configuration: " + oneLine(e));
    }
    return fromText;
  }

  private static FitConfig of(Config fromFile, List<String> overrides, boolean requireTarget) {
    Config fromArgs = ConfigFactory.empty();
    for (String override : overrides) {
      if (!override.contains("=")) {
        throw new InvalidInputException("override '" + override + "' must be key=value");
      }
      try {
        fromArgs = ConfigFactory.parseString(override).withFallback(fromArgs);
      } catch (ConfigException e) {
        throw new InvalidInputException("override '" + override + "': " + oneLine(e));
      }
    }
    Config user = fromArgs.withFallback(fromFile);
    Config reference = ConfigFactory.parseResources(FitConfig.class.getClassLoader(), REFERENCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    Config resolved;
    try {
      resolved = user.withFallback(reference).resolve();
    } catch (ConfigException e) {
      throw new InvalidInputException("configuration: " + oneLine(e));
    }
    ConfigKeys.checkKnown(user, reference);
    if (requireTarget && !resolved.hasPath("target.type")) {
      throw new InvalidInputException("target.type is missing: the configuration must name a"
          + " target (see conf/reference-targets.conf)");
    }
    return new FitConfig(user, reference, resolved);
  }

  public Config resolved() {
    return resolved;
  }

  /** The resolved configuration as JSON text, for summary.json. */
  public String renderJson() {
    return resolved.root().render(ConfigRenderOptions.concise());
  }

  /**
   * The chosen fit method with its settings, checked once: the method, its objective and that
   * no key of another method or objective is set (the command line checks this before anything
   * starts, and the fit uses the same object).
   */
  public synchronized Fitter fitter() {
    if (fitter == null) {
      FitMethod method = method();
      read(() -> {
        String objective = resolved.getString("fit.objective");
        if (method == FitMethod.POE) {
          Objective.parse(objective);
        }
        ConfigKeys.checkApplicable(user, reference, method, objective,
            !resolved.getString("experts.from").isEmpty());
        return null;
      });
      runSettings();
      chosen = method.fitter(this);
      // Counts that cannot fit this JVM's heap at the target's D are refused before any work.
      fitter = (target, evaluator, progress) -> {
        read(() -> {
          MemoryCheck.check(resolved, method, target.dim());
          return null;
        });
        return chosen.fit(target, evaluator, progress);
      };
    }
    return fitter;
  }

  /** The method's own fitter, without the memory check {@link #fitter()} adds (for tests). */
  synchronized Fitter chosenFitter() {
    fitter();
    return chosen;
  }

  /** fit.method. */
  public FitMethod method() {
    return FitMethod.parse(read(() -> resolved.getString("fit.method")));
  }

  /** What every method shares: fit.seed, fit.threads (0: every core), output.draws. */
  public RunSettings runSettings() {
    return read(() -> {
      int threads = resolved.getInt("fit.threads");
      if (threads < 0) {
        throw new InvalidInputException("fit.threads must be >= 0 (0 = all cores), got "
            + threads);
      }
      return new RunSettings(resolved.getLong("fit.seed"),
          threads == 0 ? BlockParallel.defaultThreads() : threads,
          resolved.getInt("output.draws"));
    });
  }

  /** init.gaussian-rounds of a resolved configuration: a number, or auto (MemoryCheck too). */
  static int gaussianRounds(Config resolved) {
    return autoOrInt(resolved, "init.gaussian-rounds", InitSettings.AUTO_ROUNDS, ">= 0");
  }

  /** init.gaussian-draws: a number, or auto ({@link InitSettings#AUTO_DRAWS}). */
  private int gaussianDraws() {
    return gaussianDraws(resolved);
  }

  /** init.gaussian-draws of a resolved configuration (MemoryCheck reads it too). */
  static int gaussianDraws(Config resolved) {
    return autoOrInt(resolved, "init.gaussian-draws", InitSettings.AUTO_DRAWS, ">= 1000");
  }

  /** A key that takes auto (read as {@code auto}) or an integer; {@code range} names the bound. */
  private static int autoOrInt(Config resolved, String key, int auto, String range) {
    Object value = resolved.getValue(key).unwrapped();
    if ("auto".equals(value)) {
      return auto;
    }
    if (!(value instanceof Number)) {
      throw new InvalidInputException(key + " must be auto or a number " + range + ", got \""
          + value + "\"");
    }
    return resolved.getInt(key);
  }

  /** init.frame: auto, laplace or none ({@link org.poevi.fit.Frames}). */
  private org.poevi.fit.Frames.Choice frame() {
    String frame = resolved.getString("init.frame");
    for (org.poevi.fit.Frames.Choice c : org.poevi.fit.Frames.Choice.values()) {
      if (c.name().toLowerCase(java.util.Locale.ROOT).equals(frame)) {
        return c;
      }
    }
    throw new InvalidInputException("init.frame must be auto, laplace or none, got \"" + frame
        + "\"");
  }

  /** The settings of a product-of-experts fit: the init, experts and fit blocks. */
  public PoeSettings poeSettings() {
    return read(() -> new PoeSettings(runSettings(), new InitSettings(
        resolved.getInt("init.mode-starts"), resolved.getDouble("init.start-scale"),
        gaussianRounds(resolved), gaussianDraws(),
        frame(), resolved.getBoolean("init.gaussian-reuse")),
        expertSource(), alphaSettings()).withRefine(autoOrInt(resolved, "experts.refine-count",
        org.poevi.fit.RefineSettings.AUTO, "between 0 and 100000"),
        resolved.getInt("experts.refine-candidates"), resolved.getInt(
        "experts.refine-rounds")));
  }

  private AlphaSettings alphaSettings() {
    Objective objective = Objective.parse(resolved.getString("fit.objective"));
    ObjectiveSettings block = objective == Objective.UNDER_P
        ? new UnderPSettings(resolved.getDouble("fit.under-p.proposal-dof"),
            resolved.getDouble("fit.under-p.proposal-scale"),
            resolved.getDouble("fit.under-p.min-ess-fraction"),
            PopulationMode.parse(resolved.getString("fit.under-p.population")),
            resolved.getInt("fit.under-p.move-steps"),
            resolved.getInt("fit.under-p.move-burn-in"),
            resolved.getBoolean("fit.under-p.affine-calibration"),
            resolved.getInt("fit.under-p.independence-every"),
            resolved.getBoolean("fit.under-p.kl-projection"))
        : new UnderQSettings(resolved.getDouble("fit.under-q.growth-cap"),
            resolved.getDouble("fit.under-q.ess-floor"),
            resolved.getDouble("fit.under-q.q-temper"));
    return new AlphaSettings(resolved.getInt("fit.iterations"), resolved.getInt("fit.batch-size"),
        resolved.getDouble("fit.eta"), resolved.getDouble("fit.sum-slack"),
        resolved.getDouble("fit.tolerance"), ScoreMetric.parse(resolved.getString("fit.metric")),
        block);
  }

  /** The model named by experts.from (a model.json), or the pool of the experts block. */
  private ExpertSource expertSource() {
    String path = resolved.getString("experts.from");
    if (!path.isEmpty()) {
      try {
        return new ExpertSource.Given(org.poevi.family.ModelJson.read(Path.of(path))
            .unframedFamily("experts.from"));
      } catch (InvalidInputException e) {
        throw new InvalidInputException("experts.from: " + e.getMessage(), e);
      }
    }
    return new ExpertPool.Settings(ExpertPool.Placement.parse(
        resolved.getString("experts.placement")), resolved.getInt("experts.count"),
        resolved.getDouble("experts.planned-alpha"), doubles("experts.widths"),
        doubles("experts.broad-factors"), doubles("experts.global-widths"),
        resolved.getDouble("experts.hessian-floor"), resolved.getLong("experts.seed"),
        ExpertPool.Structure.parse(resolved.getString("experts.structure")),
        resolved.getInt("experts.rank"),
        org.poevi.fit.AxisMode.parse(resolved.getString("experts.axes")),
        doubles("experts.axis-offsets"),
        doubles("experts.axis-widths"));
  }

  /** spark.master: a Spark master URL, or "none". */
  public String sparkMaster() {
    return read(() -> resolved.getString("spark.master"));
  }

  /** spark.partitions: at least 1, or 0 for Spark's default parallelism (all executor cores). */
  public int sparkPartitions() {
    int p = read(() -> resolved.getInt("spark.partitions"));
    if (p < 0) {
      throw new InvalidInputException("spark.partitions must be >= 1, or 0 for Spark's default"
          + " parallelism, got " + p);
    }
    return p;
  }

  /**
   * spark.driver-values: a data set of at most this many values (rows × columns) is evaluated on
   * the driver's threads instead of in Spark jobs (the same sums, bit for bit); 0: always on the
   * executors.
   */
  public long sparkDriverValues() {
    long v = read(() -> resolved.getLong("spark.driver-values"));
    if (v < 0) {
      throw new InvalidInputException("spark.driver-values must be >= 0 (0: always evaluate the"
          + " rows on the executors), got " + v);
    }
    return v;
  }

  public String outputDir() {
    return read(() -> resolved.getString("output.dir"));
  }

  /** The fit.advi block. */
  public AdviSettings adviSettings() {
    return read(() -> new AdviSettings(resolved.getInt("fit.advi.iterations"),
        resolved.getInt("fit.advi.grad-samples"), resolved.getInt("fit.advi.elbo-samples"),
        resolved.getInt("fit.advi.eval-elbo"), resolved.getDouble("fit.advi.tol-rel-obj"),
        resolved.getDouble("fit.advi.learning-rate")));
  }

  /** The fit.bam block. */
  public BamSettings bamSettings() {
    return read(() -> new BamSettings(resolved.getInt("fit.bam.iterations"),
        resolved.getInt("fit.bam.batch-size")));
  }

  /**
   * A baseline as its init key ({@code fit.advi.init} or {@code fit.bam.init}) says: from
   * N(0, I) ({@code standard}), or from the Laplace approximation ({@code laplace}: the mode
   * search of {@code init.mode-starts} and {@code init.start-scale}, {@link LaplaceStarted}).
   */
  GaussianFitter started(String key, GaussianFitter baseline, boolean diagonal) {
    String init = read(() -> resolved.getString(key));
    return switch (init) {
      case "standard" -> baseline;
      case "laplace" -> read(() -> new LaplaceStarted(baseline, key,
          resolved.getInt("init.mode-starts"), resolved.getDouble("init.start-scale"),
          runSettings().seed(), runSettings().threads(), diagonal));
      default -> throw new InvalidInputException(key + " must be laplace or standard, got \""
          + init + "\"");
    };
  }

  /** output.plots: whether fit writes its pictures into DIR/plots/. */
  public boolean outputPlots() {
    return read(() -> resolved.getBoolean("output.plots"));
  }

  /** A read of the resolved configuration, with a wrong type as a one-line user error. */
  private static <T> T read(java.util.function.Supplier<T> reader) {
    try {
      return reader.get();
    } catch (ConfigException e) {
      throw new InvalidInputException("configuration: " + oneLine(e));
    }
  }

  private double[] doubles(String key) {
    List<Double> list = resolved.getDoubleList(key);
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }

  public static String oneLine(ConfigException e) {
    String m = e.getMessage();
    return m == null ? e.toString() : m.lines().findFirst().orElse(m);
  }
}
