package org.poevi.spark;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.poevi.InvalidInputException;
import org.poevi.config.FitConfig;
import org.poevi.config.FitMethod;
import org.poevi.config.TargetReader;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.PoeModel;
import org.poevi.fit.Fitter;
import org.poevi.fit.Progress;
import org.poevi.results.ConsoleProgress;
import org.poevi.results.Evaluate;
import org.poevi.results.SampleOutcome;
import org.poevi.targets.BatchTarget;
import org.poevi.targets.Target;
import org.poevi.targets.glm.RegressionTarget;
import org.poevi.targets.glm.InMemoryRowData;

/**
 * The library's entry point for notebooks and programs: fit, sample and evaluate with no files
 * to juggle. The {@code poevi} command line runs through this class too, so a notebook's fit and
 * the command's are the same fit, bit for bit.
 *
 * <pre>{@code
 * try (Poevi poevi = Poevi.local()) {                        // or Poevi.on(spark)
 *   PoeviFit fit = poevi.fit("target { type = banana }");
 *   System.out.println(fit.summaryTable());                  // mean, sd, quantiles
 *   BufferedImage trace = fit.tracePlot();                   // display(trace) in Jupyter
 *   fit.save(Path.of("out/banana"));                         // model.json, draws.csv, ...
 *   SampleOutcome more = poevi.sample(fit.model(), 5000, 7); // draws from the saved model
 * }
 * }</pre>
 *
 * <p>Three ways to run: {@link #local()} fits on this JVM's threads (no Spark master; a target
 * over a data file or table has its rows read into this JVM, by Spark's data sources on an
 * embedded context started for the read); {@link #on(SparkSession)} uses a notebook's or spark-submit's
 * session, whose data-parallel targets keep their rows cached on the executors; and
 * {@link #master(String)} starts Spark for a master URL (embedded {@code local[*]} or a cluster)
 * and stops it on {@link #close()}. Progress (one line per phase and per iteration, bars on a
 * terminal) goes to standard output unless {@link #progress} says otherwise.
 *
 * <p>Errors in the input (a configuration key, a data column, a model file) are
 * {@link InvalidInputException}s with one line naming the key, column or value.
 */
public final class Poevi implements AutoCloseable {
  /** The context fits run on; null until it is started, or always for {@link #local()}. */
  private SparkContexts spark;
  /** An embedded master started on first use ({@link #spark()}), or null. */
  private final String lazyMaster;
  private final String appName;
  private final SparkSession session;
  private Progress progress;
  private PrintWriter messages;

  private Poevi(SparkContexts spark, SparkSession session) {
    this(spark, session, null, null);
  }

  private Poevi(SparkContexts spark, SparkSession session, String lazyMaster, String appName) {
    this.spark = spark;
    this.session = session;
    this.lazyMaster = lazyMaster;
    this.appName = appName;
    this.progress = ConsoleProgress.stdout();
    this.messages = ConsoleProgress.currentStdout();
  }

  /**
   * Fits on this JVM's threads, without Spark ({@code spark.master = none}). A data file or table
   * is read into this JVM (up to a quarter of its heap): a small, plain CSV file directly, with
   * Spark's values ({@code PlainCsv}); anything else by Spark's data sources, on the Spark
   * context running in this JVM if there is one, else on an embedded {@code local[1]} started
   * for the read and stopped after it. The fit is the same, bit for bit, as on Spark.
   */
  public static Poevi local() {
    return new Poevi(null, null);
  }

  /**
   * Fits on a running session's Spark (a notebook's or spark-submit's); {@link #close()} leaves
   * the session running.
   */
  public static Poevi on(SparkSession session) {
    if (session == null) {
      throw new InvalidInputException("Poevi.on: the SparkSession is null; use Poevi.local()"
          + " to fit without Spark");
    }
    return new Poevi(SparkContexts.of(JavaSparkContext.fromSparkContext(
        session.sparkContext())), session);
  }

  /**
   * Fits on Spark at {@code master}: {@code "local[*]"} (embedded), {@code "spark://host:7077"},
   * ... ({@code "none"} is {@link #local()}). A Spark context already running in this JVM is used
   * as it is; one started here is stopped by {@link #close()}. An embedded master ({@code local},
   * {@code local[N]}, {@code local[*]}) starts when something first needs it: a fit of a
   * posterior over rows few enough to be evaluated on the driver ({@code spark.driver-values}),
   * generated or read from a small, plain CSV file, does not.
   */
  public static Poevi master(String master) {
    return master(master, "poevi");
  }

  /** As above, naming the Spark application (its name in the Spark UI). */
  public static Poevi master(String master, String appName) {
    if ("none".equals(master)) {
      return local();
    }
    if (master.matches("local(\\[(\\*|[1-9]\\d*)\\])?")) {
      return new Poevi(null, null, master, appName);
    }
    return new Poevi(SparkContexts.acquire(master, appName), null);
  }

  /** Whether fits run on Spark (started or not yet), not on this JVM alone. */
  private boolean onSpark() {
    return spark != null || lazyMaster != null;
  }

  /** The context fits run on, started now if it was not yet. */
  private SparkContexts spark() {
    if (spark == null) {
      spark = SparkContexts.acquire(lazyMaster, appName);
    }
    return spark;
  }

  /** Progress lines go to {@code out}: bars when {@code terminal}, plain lines otherwise. */
  public Poevi progress(Writer out, boolean terminal) {
    PrintWriter writer = out instanceof PrintWriter p ? p : new PrintWriter(out, true);
    this.messages = writer;
    this.progress = new ConsoleProgress(writer, terminal);
    return this;
  }

  /** No progress output. */
  public Poevi quiet() {
    this.messages = new PrintWriter(Writer.nullWriter());
    this.progress = Progress.SILENT;
    return this;
  }

  /** The Spark context fits run on (started now if it was not yet), or null for {@link #local()}. */
  public JavaSparkContext sparkContext() {
    return onSpark() ? spark().context() : null;
  }

  /** The Spark session given to {@link #on}, or a session over this Poevi's context. */
  public SparkSession sparkSession() {
    if (session != null) {
      return session;
    }
    if (!onSpark()) {
      throw new InvalidInputException("this Poevi runs without Spark (Poevi.local()): create it"
          + " with Poevi.on(spark) or Poevi.master(\"local[*]\") for DataFrames");
    }
    if (spark().context().sc().isStopped()) {
      throw new InvalidInputException("the Spark context of this Poevi has been stopped (by"
          + " close()); give a running session: drawsDataFrame(spark)");
    }
    return SparkSession.builder().sparkContext(spark.context().sc()).getOrCreate();
  }

  /**
   * Fits the target a HOCON configuration names (the keys of {@code conf/reference.conf} and
   * {@code conf/reference-targets.conf}), e.g. {@code "target.type = banana\nfit.seed = 3"};
   * {@code overrides} are {@code key=value} strings applied on top, as on the command line.
   */
  public PoeviFit fit(String hocon, String... overrides) {
    return fit(FitConfig.parse(hocon, Arrays.asList(overrides)));
  }

  /** Fits the target a configuration file names. */
  public PoeviFit fit(Path configFile, String... overrides) {
    return fit(FitConfig.load(configFile, Arrays.asList(overrides)));
  }

  /** Fits a configuration already read. */
  public PoeviFit fit(FitConfig config) {
    return fit(config, target -> { });
  }

  /**
   * Fits a configuration already read; {@code ready} is called with the target once it is built
   * (its rows read), before the fit starts: the command line checks its output directory there.
   */
  public PoeviFit fit(FitConfig config, java.util.function.Consumer<Target> ready) {
    List<SparkRowData> cached = new ArrayList<>();
    try {
      Target target = build(config, cached);
      ready.accept(target);
      PoeviFit fit = fit(target, config);
      // The fit's target keeps its rows (its plots and evaluations read them) until close().
      retained.addAll(cached);
      cached.clear();
      return fit;
    } finally {
      cached.forEach(SparkRowData::close);
    }
  }

  /**
   * Fits a target built in code, e.g. with {@link Targets#of} from a lambda, with the settings
   * of a HOCON configuration (no {@code target} block needed; {@code ""} for the defaults). On
   * Spark, a target's class must be on the executors' class path (a jar in spark.jars); a
   * notebook's own classes are not, so fit those with {@link #local()}.
   */
  public PoeviFit fit(Target target, String hocon, String... overrides) {
    if (target == null) {
      throw new InvalidInputException("fit: the target is null");
    }
    return fit(target, FitConfig.forCodeTarget(hocon, Arrays.asList(overrides)));
  }

  /**
   * Builds the target a HOCON configuration names, e.g. to look at its parameters or evaluate
   * its log density; a posterior over data has its rows read (and on Spark cached until this
   * Poevi is closed).
   */
  public Target target(String hocon, String... overrides) {
    return build(FitConfig.parse(hocon, Arrays.asList(overrides)), retained);
  }

  private final List<SparkRowData> retained = new ArrayList<>();

  private PoeviFit fit(Target target, FitConfig config) {
    Fitter fitter = config.fitter();
    FitMethod method = config.method();
    int threads = config.runSettings().threads();
    String what = method == FitMethod.POE
        ? "objective " + config.resolved().getString("fit.objective")
        : "method " + method.label();
    String rows = target instanceof RegressionTarget t ? ", " + t.data().rows() + " rows"
        + (onSpark() && t.data() instanceof InMemoryRowData ? " on the driver" : "") : "";
    ScoreEvaluator evaluator;
    // A posterior over rows held on the driver never needs an embedded master not started yet;
    // other targets have their points evaluated on Spark.
    if (!onSpark() || (spark == null && target instanceof BatchTarget)) {
      messages.printf("poevi fit: target %s (D = %d%s), %s, %d threads%s%n", target.name(),
          target.dim(), rows, what, threads, onSpark() ? " (Spark " + lazyMaster
              + " not started: the fit does not need it)" : "");
      evaluator = new LocalScoreEvaluator(target, threads);
    } else {
      int partitions = partitions(config);
      messages.printf("poevi fit: target %s (D = %d%s), %s, Spark %s, %d partitions%n",
          target.name(), target.dim(), rows, what, spark().context().master(), partitions);
      // A posterior over data is evaluated a batch at a time over its cached rows (the rows
      // never move); other targets have their points spread over the executors.
      evaluator = target instanceof BatchTarget
          ? new LocalScoreEvaluator(target, threads)
          : new SparkScoreEvaluator(spark().context(), target, partitions);
    }
    messages.flush();
    if (method != FitMethod.POE) {
      progress.phase(method.label());
    }
    return new PoeviFit(config, target, fitter.fit(target, evaluator, progress), this);
  }

  /** spark.partitions, or Spark's default parallelism (one partition per executor core). */
  private int partitions(FitConfig config) {
    int configured = config.sparkPartitions();
    return configured > 0 ? configured : spark().context().defaultParallelism();
  }

  /**
   * The configuration's target, with its rows read in this JVM ({@link #local()}) or cached on
   * Spark (added to {@code cached}). For a posterior over rows every key (priors included) is
   * checked first, before the rows are generated or read.
   */
  private Target build(FitConfig config, List<SparkRowData> cached) {
    com.typesafe.config.Config targetConfig = config.resolved().getConfig("target");
    if (TargetReader.isDataTarget(targetConfig)) {
      TargetReader.build(targetConfig, TargetReader.UNLOADED);
    }
    int threads = config.runSettings().threads();
    if (!onSpark()) {
      return TargetReader.build(targetConfig, LocalRows.backend(threads, file -> {
        messages.printf("poevi fit: reading %s into this JVM ...%n", file.source());
        messages.flush();
      }));
    }
    return TargetReader.build(targetConfig, new SparkBackend(config, threads, messages, cached,
        () -> spark != null ? spark.context().master() : lazyMaster, () -> spark().context(),
        () -> partitions(config), () -> spark != null ? spark.context().hadoopConfiguration()
            : new org.apache.hadoop.conf.Configuration()));
  }

  /**
   * {@code draws} unweighted draws from a fitted model, with its validated log-normaliser (as
   * {@code poevi sample}); one seed fixes them whatever the number of threads.
   */
  public SampleOutcome sample(PoeModel model, int draws, long seed) {
    return SampleOutcome.of(model, draws, seed);
  }

  /** As above, for a saved model.json (a product of experts or a Gaussian baseline's). */
  public SampleOutcome sample(Path modelJson, int draws, long seed) {
    return SampleOutcome.of(modelJson, draws, seed);
  }

  /**
   * The metrics of {@code poevi evaluate}: Neg-LLH, KL(p; q) and Fisher(p; q) of a fitted
   * model against its target, next to the oracle Gaussian's, on {@code referenceDraws} exact
   * draws of a synthetic target.
   */
  public Evaluate.Report evaluate(PoeviFit fit, int referenceDraws, long seed) {
    return Evaluate.against(fit.fittedModel(), fit.target(), null, referenceDraws, 100_000, seed,
        "fit of " + fit.target().name());
  }

  /**
   * As above against reference draws of a posterior (a CSV naming the parameters, e.g.
   * posteriordb's draws_unconstrained.csv.gz).
   */
  public Evaluate.Report evaluate(PoeviFit fit, Path reference, long seed) {
    return Evaluate.against(fit.fittedModel(), fit.target(), reference, 0, 100_000, seed,
        "fit of " + fit.target().name());
  }

  /**
   * Unpersists the rows of the targets built here (by {@link #target} and by fits: their plots
   * and evaluations read them until then) and stops a Spark context started here, even if
   * another Poevi of this JVM is using it ({@link #master} returns the running context when
   * there is one).
   */
  @Override
  public void close() {
    retained.forEach(SparkRowData::close);
    retained.clear();
    if (spark != null) {
      spark.close();
    }
  }
}
