package org.poevi.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.poevi.InvalidInputException;
import org.poevi.config.FitConfig;
import org.poevi.family.GaussianModel;
import org.poevi.family.ModelJson;
import org.poevi.family.PoeModel;
import org.poevi.fit.FitResult;
import org.poevi.fit.FitSettings;
import org.poevi.fit.GaussianBaselines;
import org.poevi.fit.TraceRow;
import org.poevi.io.AtomicFiles;
import org.poevi.io.DrawsCsv;
import org.poevi.math.ColumnSummary;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.RandomStreams;
import org.poevi.plot.FitPlots;
import org.poevi.targets.BatchTarget;
import org.poevi.targets.Target;
import org.poevi.targets.TargetEvaluationException;
import org.poevi.targets.glm.RegressionTarget;

/**
 * A finished fit, in memory: the model, the trace, the draws, the summary (summary.json's
 * content) and the plots, and {@link #save} to write the files {@code poevi fit} writes (SPEC §7)
 * into a directory. A product-of-experts fit ({@code fit.method = poe}) or a Gaussian baseline
 * ({@code advi-fullrank}, {@code advi-meanfield}, {@code bam}).
 */
public class FitOutcome {
  /** Stream key of a baseline's output draws (after every iteration's key). */
  private static final long BASELINE_DRAWS_KEY = Long.MAX_VALUE;

  private final FitConfig config;
  private final Target target;
  private final FitSettings settings;
  private final GaussianBaselines.Method baseline;
  private final FitResult poe;
  private final GaussianBaselines.Result gaussian;
  private final double[] draws;
  private ObjectNode summary;

  /** The outcome of a fit; {@code fitted} is a {@link FitResult} or a baseline's result. */
  protected FitOutcome(FitConfig config, Target target, Object fitted) {
    this.config = config;
    this.target = target;
    this.settings = config.settings();
    this.baseline = config.baseline();
    if (fitted instanceof FitResult r) {
      this.poe = r;
      this.gaussian = null;
      this.draws = r.draws().draws();
    } else {
      this.poe = null;
      this.gaussian = (GaussianBaselines.Result) fitted;
      this.draws = gaussian.model().sample(RandomStreams.of(settings.seed()).stream(
          RandomStreams.BASELINE, BASELINE_DRAWS_KEY), settings.outputDraws());
    }
  }

  /** "poe", "advi-fullrank", "advi-meanfield" or "bam" (fit.method). */
  public String method() {
    return baseline == null ? "poe" : baseline.label();
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

  /** The fitted product of experts with its log-normaliser (what model.json holds). */
  public PoeModel model() {
    if (poe == null) {
      throw new InvalidInputException("fit.method = " + method() + " fits a Gaussian: use"
          + " gaussianModel()");
    }
    LogMeanEstimate logC = poe.normalizer().chosenEstimate();
    return new PoeModel(poe.parameterNames(), poe.family(),
        new PoeModel.LogNormalizer(logC.estimate(), logC.standardError(), logC.draws()));
  }

  /** A baseline's fitted Gaussian. */
  public GaussianModel gaussianModel() {
    if (gaussian == null) {
      throw new InvalidInputException("fit.method = poe fits a product of experts: use model()");
    }
    return gaussian.model();
  }

  /** The fitted model of either family: a {@link PoeModel} or a baseline's {@link GaussianModel}. */
  public Object fittedModel() {
    return poe != null ? model() : gaussianModel();
  }

  /** model.json's text. */
  public String modelJson() {
    ObjectNode node = poe != null ? ModelJson.toJson(model()) : ModelJson.toJson(gaussianModel());
    try {
      return JsonOutput.MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The product-of-experts fit's full result (null for a baseline). */
  public FitResult result() {
    return poe;
  }

  /** One row per iteration of a product-of-experts fit (empty for a baseline). */
  public List<TraceRow> trace() {
    return poe == null ? List.of() : poe.trace();
  }

  /** Warnings a user should read (empty when there are none). */
  public List<String> warnings() {
    return poe == null ? List.of() : poe.warnings();
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
      summary = poe != null ? poeSummary() : baselineSummary();
    }
    return summary.deepCopy();
  }

  /**
   * The posterior summary as a table, as Stan and PyMC print it: mean, sd and the 5/50/95%
   * quantiles of each parameter (unconstrained scale, then the target's own scale where it
   * differs), then the fit's diagnostics.
   */
  public String summaryTable() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("%s fit of %s (D = %d): %s%n", method(),
        target.name(), target.dim(), stopLine()));
    table(out, target.parameterNames(), draws, target.dim());
    List<String> constrained = target.constrainedNames();
    if (!constrained.equals(target.parameterNames())) {
      out.append("constrained scale:\n");
      table(out, constrained, JsonOutput.constrain(target, draws), constrained.size());
    }
    for (String w : warnings()) {
      out.append("warning: ").append(w).append('\n');
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return summaryTable();
  }

  private static void table(StringBuilder out, List<String> names, double[] values, int dim) {
    int width = Math.max(9, names.stream().mapToInt(String::length).max().orElse(0));
    ColumnSummary[] columns = ColumnSummary.of(values, dim);
    out.append(String.format("%-" + width + "s %10s %10s %10s %10s %10s%n",
        "", "mean", "sd", "5%", "50%", "95%"));
    for (int d = 0; d < dim; d++) {
      ColumnSummary c = columns[d];
      out.append(String.format("%-" + width + "s %10.4g %10.4g %10.4g %10.4g"
          + " %10.4g%n", names.get(d), c.mean(), c.sd(), c.q05(), c.q50(), c.q95()));
    }
  }

  private String stopLine() {
    if (poe != null) {
      LogMeanEstimate logC = poe.normalizer().chosenEstimate();
      return String.format("%s after %d iterations, %d of %d experts active,"
          + " log-normaliser %.4f ± %.4f, PSIS k-hat %.2f, %d score evaluations, %.1f s",
          poe.stop().label(), poe.trace().size(), poe.family().numActive(),
          poe.family().numExperts(), logC.estimate(), logC.standardError(), poe.psisKhat(),
          poe.scoreEvaluations(), poe.seconds());
    }
    return String.format("%s after %d iterations, %d score evaluations, %.1f s",
        gaussian.stop().label(), gaussian.trace().size(), gaussian.scoreEvaluations(),
        gaussian.seconds());
  }

  /** The lines {@code poevi fit} prints when a fit ends. */
  public void report(PrintWriter out, Path dir) {
    if (poe != null) {
      LogMeanEstimate logC = poe.normalizer().chosenEstimate();
      out.printf("stopped: %s after %d iterations; %d of %d experts active, nu = %.3g%n",
          poe.stop().label(), poe.trace().size(), poe.family().numActive(),
          poe.family().numExperts(), poe.family().dof());
      out.printf("log-normaliser %.4f ± %.4f (%s); PSIS k-hat %.2f; %d score evaluations;"
          + " %.1f s%n", logC.estimate(), logC.standardError(), poe.normalizer().chosen()
          .label(), poe.psisKhat(), poe.scoreEvaluations(), poe.seconds());
      for (String w : poe.warnings()) {
        out.println("warning: " + w);
      }
    } else {
      out.printf("stopped: %s after %d iterations; %d score evaluations; %.1f s%n",
          gaussian.stop().label(), gaussian.trace().size(), gaussian.scoreEvaluations(),
          gaussian.seconds());
    }
    if (dir != null) {
      out.println("wrote " + dir.resolve("model.json") + ", draws.csv, trace.csv and"
          + " summary.json");
    }
    out.flush();
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
    return FitPlots.alpha(model().family().alpha(), poe.kinds());
  }

  /** For a 2-D target: filled contours of log q next to log p, with draws on top. */
  public BufferedImage contourPlot() {
    if (target.dim() != 2) {
      throw new InvalidInputException("contour plots are for 2-D targets; " + target.name()
          + " has D = " + target.dim());
    }
    return FitPlots.contours(model().family(), this::logDensities, draws,
        target.parameterNames());
  }

  /** The pictures {@code fit} writes into DIR/plots/, as PNG bytes by file name. */
  public Map<String, byte[]> plots() {
    Map<String, byte[]> plots = new LinkedHashMap<>();
    if (poe != null) {
      plots.put("trace.png", FitPlots.png(tracePlot()));
    }
    plots.put("marginals.png", FitPlots.png(marginalsPlot()));
    if (poe != null) {
      plots.put("alpha.png", FitPlots.png(alphaPlot()));
      if (target.dim() == 2) {
        plots.put("contours.png", FitPlots.png(contourPlot()));
      }
    }
    return plots;
  }

  /**
   * Writes model.json, draws.csv, trace.csv, summary.json and (output.plots) plots/ into
   * {@code dir}, all renamed into place only once all are complete.
   */
  public void save(Path dir) {
    AtomicFiles.prepareDirectory(dir, "output directory");
    Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
    files.put(dir.resolve("model.json"), JsonOutput.content(poe != null
        ? ModelJson.toJson(model()) : ModelJson.toJson(gaussianModel())));
    files.put(dir.resolve("draws.csv"), DrawsCsv.content(target.parameterNames(), draws,
        target.dim()));
    files.put(dir.resolve("trace.csv"), poe != null ? traceCsv(poe.trace()) : baselineTrace());
    files.put(dir.resolve("summary.json"), JsonOutput.content(summary()));
    if (config.outputPlots()) {
      plots().forEach((name, png) -> files.put(dir.resolve("plots").resolve(name),
          AtomicFiles.Content.bytes(png)));
    }
    AtomicFiles.writeAll(files);
  }

  /**
   * log p̃ at n points for a picture: a batch target in one pass over its rows, others point by
   * point; a point the target cannot evaluate is left blank (NaN). A posterior over rows that
   * cannot be evaluated at all (its rows released by {@code Poevi.close()}) is an error, not a
   * blank panel.
   */
  private void logDensities(double[] points, int n, double[] out) {
    if (target instanceof BatchTarget batch) {
      try {
        batch.logDensities(points, n, out, new double[n * target.dim()]);
      } catch (TargetEvaluationException e) {
        Arrays.fill(out, Double.NaN);
      } catch (RuntimeException e) {
        throw new InvalidInputException("cannot evaluate target " + target.name() + " for its"
            + " contour plot (plot and save before Poevi.close()): " + e.getMessage(), e);
      }
      return;
    }
    double[] z = new double[target.dim()];
    for (int i = 0; i < n; i++) {
      System.arraycopy(points, i * z.length, z, 0, z.length);
      try {
        out[i] = target.logDensity(z);
      } catch (RuntimeException e) {
        out[i] = Double.NaN;
      }
    }
  }

  /** A number, or an empty CSV field for NaN (a quantity that does not apply). */
  private static String optional(double v) {
    return Double.isNaN(v) ? "" : String.valueOf(v);
  }

  private static AtomicFiles.Content traceCsv(List<TraceRow> trace) {
    return AtomicFiles.Content.text(writer -> {
      writer.write(String.join(",", TraceRow.COLUMNS));
      writer.write('\n');
      for (TraceRow r : trace) {
        writer.write(r.iteration() + "," + r.fisher() + "," + r.deltaAlpha() + ","
            + r.objectiveChange() + ","
            + r.activeExperts() + "," + r.alphaSum() + "," + r.nu() + "," + r.ess() + ","
            + r.essFraction()
            + "," + r.tempering() + ","
            + optional(r.acceptance()) + "," + optional(r.unmovedFraction()) + ","
            + r.logNormalizer() + "," + r.qpStatus() + ","
            + r.qpMillis() + "," + r.eta() + "," + r.scoreEvaluations() + "," + r.seconds()
            + "\n");
      }
    });
  }

  private AtomicFiles.Content baselineTrace() {
    return AtomicFiles.Content.text(writer -> {
      writer.write("iteration,elbo,score_evaluations,seconds\n");
      for (GaussianBaselines.Row r : gaussian.trace()) {
        writer.write(r.iteration() + "," + optional(r.elbo()) + "," + r.scoreEvaluations()
            + "," + r.seconds() + "\n");
      }
    });
  }

  private ObjectNode header() {
    ObjectNode root = JsonOutput.object();
    root.put("command", "fit");
    root.put("target", target.name());
    root.put("dimension", target.dim());
    return root;
  }

  private void putConfig(ObjectNode root) {
    try {
      root.set("config", JsonOutput.MAPPER.readTree(config.renderJson()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("resolved configuration is not JSON", e);
    }
  }

  private ObjectNode baselineSummary() {
    ObjectNode root = header();
    ObjectNode fit = root.putObject("fit");
    fit.put("method", baseline.label());
    fit.put("stopReason", gaussian.stop().label());
    fit.put("converged", gaussian.stop() == FitResult.StopReason.CONVERGED);
    fit.put("iterations", gaussian.trace().size());
    fit.put("scoreEvaluations", gaussian.scoreEvaluations());
    fit.put("wallTimeSeconds", gaussian.seconds());
    JsonOutput.putSummaries(root.putObject("parameters"), draws, target.dim(),
        gaussian.model().parameters());
    JsonOutput.putConstrained(root, target, draws);
    putConfig(root);
    return root;
  }

  private ObjectNode poeSummary() {
    ObjectNode root = header();
    ObjectNode fit = root.putObject("fit");
    fit.put("method", "poe");
    fit.put("objective", settings.objective().label());
    fit.put("stopReason", poe.stop().label());
    fit.put("converged", poe.converged());
    fit.put("iterations", poe.trace().size());
    fit.put("scoreEvaluations", poe.scoreEvaluations());
    fit.put("wallTimeSeconds", poe.seconds());
    ObjectNode pool = root.putObject("experts");
    pool.put("pool", poe.family().numExperts());
    pool.put("active", poe.family().numActive());
    pool.put("modes", poe.modes());
    ObjectNode byKind = pool.putObject("activeByKind");
    for (int k : poe.family().activeExperts()) {
      String kind = poe.kinds().get(k);
      byKind.put(kind, byKind.path(kind).asInt(0) + 1);
    }
    JsonOutput.putNumber(root, "alphaSum", poe.family().alphaSum());
    JsonOutput.putNumber(root, "dof", poe.family().dof());
    JsonOutput.putNumber(root, "psisKhat", poe.psisKhat());
    JsonOutput.putDrawsAndNormalizer(root, poe.draws(), poe.normalizer(),
        poe.parameterNames());
    JsonOutput.putConstrained(root, target, draws);
    if (target instanceof RegressionTarget t) {
      ObjectNode data = root.putObject("data");
      data.put("rows", t.data().rows());
      ObjectNode priors = data.putObject("priors");
      for (int d = 0; d < t.dim(); d++) {
        priors.put(t.parameterNames().get(d), t.priors().get(d).toString());
      }
      t.truth().ifPresent(truth -> {
        ObjectNode values = data.putObject("trueCoefficients");
        for (int d = 0; d < truth.length; d++) {
          values.put(t.parameterNames().get(d), truth[d]);
        }
      });
    }
    ArrayNode w = root.putArray("warnings");
    poe.warnings().forEach(w::add);
    putConfig(root);
    return root;
  }
}
