package org.poevi.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.poevi.InvalidInputException;
import org.poevi.config.FitConfig;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.FittedModel;
import org.poevi.family.GaussianModel;
import org.poevi.family.PoeModel;
import org.poevi.fit.FitResult;
import org.poevi.fit.PoeResult;
import org.poevi.fit.TraceRow;
import org.poevi.io.DrawsCsv;
import org.poevi.math.RandomStreams;
import org.poevi.plot.FitPlots;
import org.poevi.targets.Target;

/**
 * A finished fit, in memory: the fit's result ({@link FitResult}: one fitted model with how the
 * fit went), its output draws with log p̃ and log q at each, and what is made from them: the
 * summary (summary.json's content, {@link FitSummary}), the console table and lines ({@link
 * FitTable}), the plots ({@link FitPlots}) and {@link #save} to write the files {@code poevi fit}
 * writes (SPEC §7, {@link FitFiles}). A product-of-experts fit ({@code fit.method = poe}) or a Gaussian baseline
 * ({@code advi-fullrank}, {@code advi-meanfield}, {@code bam}).
 */
public class FitOutcome {
  /** Stream key of a baseline's output draws (after every iteration's key). */
  private static final long BASELINE_DRAWS_KEY = Long.MAX_VALUE;

  private final FitConfig config;
  private final Target target;
  private final FitResult result;
  private final double[] draws;
  /** log p̃ at each draw (draws.csv's lp__). */
  private final double[] logP;
  /** log q at each draw (draws.csv's lq__). */
  private final double[] logQ;
  private final double psisKhat;
  private final List<String> outputWarnings = new ArrayList<>();
  private ObjectNode summary;

  /**
   * The outcome of a fit: a product of experts' output draws, and log p̃ and log q at them, are
   * the fit's own (its finish evaluated the target there); a Gaussian's are drawn here from the
   * stream (fit.seed, BASELINE, last), output.draws of them, with log q exact and log p̃
   * evaluated here.
   */
  protected FitOutcome(FitConfig config, Target target, FitResult result) {
    this.config = config;
    this.target = target;
    this.result = result;
    double[] z = result.match(poe -> poe.finish().draws().draws(), gaussian ->
        gaussian.model().sample(RandomStreams.of(config.runSettings().seed()).stream(
            RandomStreams.BASELINE, BASELINE_DRAWS_KEY), config.runSettings().outputDraws()));
    this.draws = z;
    this.logP = result.match(poe -> poe.finish().logP(), gaussian -> logTarget(target, z,
        config.runSettings().threads()));
    this.logQ = result.match(poe -> poe.finish().logQ(), gaussian -> gaussian.model()
        .logDensities(z));
    this.psisKhat = result.match(poe -> poe.finish().psisKhat(),
        gaussian -> org.poevi.math.ParetoTail.khatOfDifference(logP, logQ));
    if (result instanceof org.poevi.fit.GaussianResult && psisKhat > 0.7) {
      // The product of experts' fit warns of its own k̂ (PoeFitter); a baseline's, here.
      outputWarnings.add(String.format(java.util.Locale.ROOT, "PSIS k-hat of log p - log q is"
          + " %.2f > 0.7: the %s Gaussian misses parts of p (importance-weighted estimates"
          + " under q are unreliable)", psisKhat, method()));
    }
  }

  /** PSIS k̂ of log p̃ − log q at the output draws (a baseline's computed here). */
  public double psisKhat() {
    return psisKhat;
  }

  /**
   * log p̃ at a baseline's draws. The fit's evaluator is not at hand here, so the target is
   * evaluated on this JVM's threads, a batch target (a posterior over rows) in one pass over its
   * rows: each value depends on its draw alone, so it is the value the fit's evaluator gives, on
   * the command line and in a notebook alike.
   */
  private static double[] logTarget(Target target, double[] draws, int threads) {
    int n = draws.length / target.dim();
    double[] logP = new double[n];
    new LocalScoreEvaluator(target, threads).evaluate(draws, n, logP, new double[draws.length]);
    return logP;
  }

  /** The outcome of a fit of {@code target} with {@code config}'s settings. */
  public static FitOutcome of(FitConfig config, Target target, FitResult result) {
    return new FitOutcome(config, target, result);
  }

  /** "poe", "advi-fullrank", "advi-meanfield" or "bam" (fit.method). */
  public String method() {
    return result.match(poe -> "poe", gaussian -> gaussian.method());
  }

  public Target target() {
    return target;
  }

  public FitConfig config() {
    return config;
  }

  public List<String> parameterNames() {
    return target.parameterNames();
  }

  /** The fit's result. */
  public FitResult result() {
    return result;
  }

  /** The fitted model of either family, as model.json holds it. */
  public FittedModel fittedModel() {
    return result.model();
  }

  /** The fitted product of experts with its log-normaliser (what model.json holds). */
  public PoeModel model() {
    return result.match(PoeResult::model, gaussian -> {
      throw new InvalidInputException("fit.method = " + method() + " fits a Gaussian: use"
          + " gaussianModel()");
    });
  }

  /** A baseline's fitted Gaussian. */
  public GaussianModel gaussianModel() {
    return result.match(poe -> {
      throw new InvalidInputException("fit.method = poe fits a product of experts: use model()");
    }, gaussian -> gaussian.model());
  }

  /** model.json's text. */
  public String modelJson() {
    try {
      return JsonOutput.MAPPER.writeValueAsString(result.model().toJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One row per iteration of a product-of-experts fit (empty for a baseline). */
  public List<TraceRow> trace() {
    return result.match(PoeResult::trace, gaussian -> List.of());
  }

  /**
   * Warnings a user should read (empty when there are none): the fit's, then those that
   * making its outputs raised (e.g. a contour plot with blank points).
   */
  public synchronized List<String> warnings() {
    List<String> all = new ArrayList<>(result.warnings());
    all.addAll(outputWarnings);
    return List.copyOf(all);
  }

  /** A warning raised while making an output; summary.json is made again with it. */
  private synchronized void warn(String warning) {
    if (!outputWarnings.contains(warning)) {
      outputWarnings.add(warning);
      summary = null;
    }
  }

  /** The output draws (output.draws of them), n×D row-major, a copy. */
  public double[] draws() {
    return draws.clone();
  }

  /** Number of output draws. */
  public int drawCount() {
    return draws.length / target.dim();
  }

  /** log p̃, the target's unnormalised log density, at each output draw (lp__), a copy. */
  public double[] logP() {
    return logP.clone();
  }

  /**
   * log q, the fitted model's normalised log density, at each output draw (lq__), a copy: for a
   * product of experts −Σ_k α_k log A_k(z) − model.json's logNormalizer.estimate, for a
   * Gaussian its exact log density.
   */
  public double[] logQ() {
    return logQ.clone();
  }

  /** The columns of draws.csv: the parameters, then lp__ and lq__. */
  public List<String> drawColumns() {
    List<String> columns = new ArrayList<>(parameterNames());
    columns.add(DrawsCsv.LOG_P);
    columns.add(DrawsCsv.LOG_Q);
    return List.copyOf(columns);
  }

  /** draws.csv's values: n rows of {@link #drawColumns()}, row-major. */
  public double[] drawTable() {
    return DrawsCsv.withColumns(draws, target.dim(), logP, logQ);
  }

  /**
   * The effective sample size of the output draws for a mean (the MCSE's, sd/√ESS): a product of
   * experts' from how its draws were made ({@link org.poevi.family.SampleResult#drawsEss}), a
   * Gaussian's draws are exact and independent: their number.
   */
  public double drawsEss() {
    return result.match(poe -> poe.finish().draws().drawsEss(),
        gaussian -> (double) drawCount());
  }

  /** summary.json's content. */
  public synchronized ObjectNode summary() {
    if (summary == null) {
      summary = FitSummary.of(this);
    }
    return summary.deepCopy();
  }

  /**
   * The posterior summary as a table, as Stan and PyMC print it: mean, its Monte Carlo standard
   * error, sd and the 5/50/95% quantiles of each parameter (unconstrained scale, then the
   * target's own scale where it differs), then the fit's diagnostics.
   */
  public String summaryTable() {
    return FitTable.of(this);
  }

  @Override
  public String toString() {
    return summaryTable();
  }

  /** The lines {@code poevi fit} prints when a fit ends. */
  public void report(PrintWriter out, Path dir) {
    FitTable.report(this, out, dir);
  }

  /** The trace plot: Fisher divergence, ESS, active experts and log Ĉ against iteration. */
  public BufferedImage tracePlot() {
    return FitPlots.trace(trace());
  }

  /** Histograms of the draws' marginals (at most {@value FitPlots#MAX_MARGINALS}). */
  public BufferedImage marginalsPlot() {
    return marginalsPlot((double[]) null);
  }

  /** The draws' marginals over a reference's (n×D row-major draws of p, same parameters). */
  public BufferedImage marginalsPlot(double[] reference) {
    return FitPlots.marginals(draws, target.dim(), target.parameterNames(), reference);
  }

  /** This fit's marginals over another fit's (e.g. ADVI's), each named by its method. */
  public BufferedImage marginalsPlot(FitOutcome other) {
    if (!other.parameterNames().equals(parameterNames())) {
      throw new InvalidInputException("the fits have different parameters: "
          + parameterNames() + " and " + other.parameterNames());
    }
    return FitPlots.marginals(draws, target.dim(), target.parameterNames(), other.draws,
        method(), other.method());
  }

  /** Bars of the final α of the active experts, by kind. */
  public BufferedImage alphaPlot() {
    PoeResult poe = poeResult("alpha plots");
    return FitPlots.alpha(poe.family().alpha(), poe.kinds());
  }

  /** For a 2-D target: filled contours of log q next to log p, with draws on top. */
  public BufferedImage contourPlot() {
    PoeResult poe = poeResult("contour plots");
    if (target.dim() != 2) {
      throw new InvalidInputException("contour plots are for 2-D targets; " + target.name()
          + " has D = " + target.dim());
    }
    PlotDensities densities = new PlotDensities(target);
    org.poevi.family.PoeModel model = poe.model();
    java.util.function.ToDoubleFunction<double[]> logQ = model.frame() == null
        ? model.family()::logDensityUnnormalized : z -> model.logDensities(z, 0, 1)[0];
    BufferedImage image = FitPlots.contours(logQ, densities::logDensities, draws,
        target.parameterNames());
    densities.warning().ifPresent(this::warn);
    return image;
  }

  /** The pictures {@code fit} writes into DIR/plots/, as PNG bytes by file name. */
  public Map<String, byte[]> plots() {
    return FitFiles.plots(this);
  }

  /**
   * Writes model.json, draws.csv, trace.csv, summary.json and (output.plots) plots/ into
   * {@code dir}, all renamed into place only once all are complete.
   */
  public void save(Path dir) {
    FitFiles.save(this, dir);
  }

  private PoeResult poeResult(String what) {
    return result.match(poe -> poe, gaussian -> {
      throw new InvalidInputException(what + " are for a product of experts; fit.method = "
          + method() + " fits a Gaussian");
    });
  }

  double[] drawsView() {
    return draws;
  }
}
