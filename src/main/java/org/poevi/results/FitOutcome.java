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
import org.poevi.family.FittedModel;
import org.poevi.family.GaussianModel;
import org.poevi.family.PoeModel;
import org.poevi.fit.FitResult;
import org.poevi.fit.PoeResult;
import org.poevi.fit.TraceRow;
import org.poevi.math.RandomStreams;
import org.poevi.plot.FitPlots;
import org.poevi.targets.Target;

/**
 * A finished fit, in memory: the fit's result ({@link FitResult}: one fitted model with how the
 * fit went), its output draws, and what is made from them: the summary (summary.json's content,
 * {@link FitSummary}), the console table and lines ({@link FitTable}), the plots ({@link
 * FitPlots}) and {@link #save} to write the files {@code poevi fit} writes (SPEC §7, {@link
 * FitFiles}). A product-of-experts fit ({@code fit.method = poe}) or a Gaussian baseline
 * ({@code advi-fullrank}, {@code advi-meanfield}, {@code bam}).
 */
public class FitOutcome {
  /** Stream key of a baseline's output draws (after every iteration's key). */
  private static final long BASELINE_DRAWS_KEY = Long.MAX_VALUE;

  private final FitConfig config;
  private final Target target;
  private final FitResult result;
  private final double[] draws;
  private final List<String> outputWarnings = new ArrayList<>();
  private ObjectNode summary;

  /**
   * The outcome of a fit: a product of experts' output draws are the fit's own; a Gaussian's are
   * drawn here from the stream (fit.seed, BASELINE, last), output.draws of them.
   */
  protected FitOutcome(FitConfig config, Target target, FitResult result) {
    this.config = config;
    this.target = target;
    this.result = result;
    this.draws = result.match(poe -> poe.finish().draws().draws(), gaussian ->
        gaussian.model().sample(RandomStreams.of(config.runSettings().seed()).stream(
            RandomStreams.BASELINE, BASELINE_DRAWS_KEY), config.runSettings().outputDraws()));
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

  /** summary.json's content. */
  public synchronized ObjectNode summary() {
    if (summary == null) {
      summary = FitSummary.of(this);
    }
    return summary.deepCopy();
  }

  /**
   * The posterior summary as a table, as Stan and PyMC print it: mean, sd and the 5/50/95%
   * quantiles of each parameter (unconstrained scale, then the target's own scale where it
   * differs), then the fit's diagnostics.
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
    BufferedImage image = FitPlots.contours(poe.family(), densities::logDensities, draws,
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
