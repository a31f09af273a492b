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
import java.util.Map;
import java.util.TreeSet;
import org.poevi.InvalidInputException;
import org.poevi.fit.ExpertPool;
import org.poevi.fit.FitSettings;
import org.poevi.fit.GaussianBaselines;
import org.poevi.fit.Objective;
import org.poevi.fit.PopulationMode;
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
  private final Config resolved;
  private FitSettings settings;

  private FitConfig(Config user, Config resolved) {
    this.user = user;
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
    TreeSet<String> unknown = new TreeSet<>();
    for (Map.Entry<String, ?> e : user.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith("target.") && !reference.hasPath(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new InvalidInputException("unknown configuration key " + unknown.first()
          + (unknown.size() > 1 ? " (and " + (unknown.size() - 1) + " more)" : "")
          + "; the keys are documented in conf/reference.conf");
    }
    if (requireTarget && !resolved.hasPath("target.type")) {
      throw new InvalidInputException("target.type is missing: the configuration must name a"
          + " target (see conf/reference-targets.conf)");
    }
    return new FitConfig(user, resolved);
  }

  public Config resolved() {
    return resolved;
  }

  /** The resolved configuration as JSON text, for summary.json. */
  public String renderJson() {
    return resolved.root().render(ConfigRenderOptions.concise());
  }

  /**
   * The fit's settings, read and checked once (they may read a model file, experts.from): the
   * command line checks them before anything starts, and the fit uses the same object.
   */
  public synchronized FitSettings settings() {
    if (settings == null) {
      settings = read(this::readSettings);
    }
    return settings;
  }

  private FitSettings readSettings() {
    baseline();
    int threads = resolved.getInt("fit.threads");
    if (threads < 0) {
      throw new InvalidInputException("fit.threads must be >= 0 (0 = all cores), got "
          + threads);
    }
    return FitSettings.builder()
        .objective(Objective.parse(resolved.getString("fit.objective")))
        .iterations(resolved.getInt("fit.iterations"))
        .batchSize(resolved.getInt("fit.batch-size"))
        .seed(resolved.getLong("fit.seed"))
        .threads(threads == 0 ? BlockParallel.defaultThreads() : threads)
        .eta(resolved.getDouble("fit.eta"))
        .sumSlack(resolved.getDouble("fit.sum-slack"))
        .tolerance(resolved.getDouble("fit.tolerance"))
        .proposalDof(resolved.getDouble("fit.proposal-dof"))
        .proposalScale(resolved.getDouble("fit.proposal-scale"))
        .minEssFraction(resolved.getDouble("fit.min-ess-fraction"))
        .growthCap(resolved.getDouble("fit.growth-cap"))
        .essFloor(resolved.getDouble("fit.ess-floor"))
        .population(PopulationMode.parse(resolved.getString("fit.population")))
        .metric(org.poevi.fit.ScoreMetric.parse(resolved.getString("fit.metric")))
        .moveSteps(resolved.getInt("fit.move-steps"))
        .moveBurnIn(resolved.getInt("fit.move-burn-in"))
        .qTemper(resolved.getDouble("fit.q-temper"))
        .locations(resolved.getInt("experts.count"))
        .placement(ExpertPool.Placement.parse(resolved.getString("experts.placement")))
        .widths(doubles("experts.widths"))
        .plannedAlpha(resolved.getDouble("experts.planned-alpha"))
        .broadFactors(doubles("experts.broad-factors"))
        .globalWidths(doubles("experts.global-widths"))
        .hessianFloor(resolved.getDouble("experts.hessian-floor"))
        .modeStarts(resolved.getInt("experts.mode-starts"))
        .startScale(resolved.getDouble("experts.start-scale"))
        .gaussianRounds(resolved.getInt("experts.gaussian-rounds"))
        .gaussianDraws(resolved.getInt("experts.gaussian-draws"))
        .outputDraws(resolved.getInt("output.draws"))
        .initial(initialModel())
        .build();
  }

  /** The model named by experts.from (a model.json), or null when the key is empty. */
  private org.poevi.family.ProductOfExperts initialModel() {
    String path = resolved.getString("experts.from");
    if (path.isEmpty()) {
      return null;
    }
    try {
      return org.poevi.family.ModelJson.read(Path.of(path)).family();
    } catch (InvalidInputException e) {
      throw new InvalidInputException("experts.from: " + e.getMessage(), e);
    }
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

  public String outputDir() {
    return read(() -> resolved.getString("output.dir"));
  }

  /** fit.method: null for poe, else the Gaussian baseline. */
  public GaussianBaselines.Method baseline() {
    String method = read(() -> resolved.getString("fit.method"));
    if ("poe".equals(method)) {
      return null;
    }
    for (GaussianBaselines.Method m : GaussianBaselines.Method.values()) {
      if (m.label().equals(method)) {
        return m;
      }
    }
    throw new InvalidInputException("fit.method must be one of poe, advi-fullrank,"
        + " advi-meanfield, bam; got \"" + method + "\"");
  }

  /** The advi block. */
  public GaussianBaselines.AdviSettings adviSettings() {
    return read(() -> {
      GaussianBaselines.AdviSettings s = new GaussianBaselines.AdviSettings(
          resolved.getInt("advi.iterations"), resolved.getInt("advi.grad-samples"),
          resolved.getInt("advi.elbo-samples"), resolved.getInt("advi.eval-elbo"),
          resolved.getDouble("advi.tol-rel-obj"), resolved.getDouble("advi.learning-rate"));
      atLeastOne(s.iterations(), "advi.iterations");
      atLeastOne(s.gradSamples(), "advi.grad-samples");
      atLeastOne(s.elboSamples(), "advi.elbo-samples");
      atLeastOne(s.evalElbo(), "advi.eval-elbo");
      if (!(s.tolRelObj() > 0) || !(s.learningRate() > 0) || !Double.isFinite(s.learningRate())) {
        throw new InvalidInputException("advi.tol-rel-obj and advi.learning-rate must be > 0,"
            + " got " + s.tolRelObj() + " and " + s.learningRate());
      }
      return s;
    });
  }

  public int bamIterations() {
    return atLeastOne(read(() -> resolved.getInt("bam.iterations")), "bam.iterations");
  }

  public int bamBatchSize() {
    return atLeastOne(read(() -> resolved.getInt("bam.batch-size")), "bam.batch-size");
  }

  private static int atLeastOne(int v, String key) {
    if (v < 1) {
      throw new InvalidInputException(key + " must be >= 1, got " + v);
    }
    return v;
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

  public boolean userSet(String key) {
    return user.hasPath(key);
  }

  public static String oneLine(ConfigException e) {
    String m = e.getMessage();
    return m == null ? e.toString() : m.lines().findFirst().orElse(m);
  }
}
