package org.poevi.results;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.poevi.family.FittedModel;
import org.poevi.family.GaussianModel;
import org.poevi.family.ModelJson;
import org.poevi.family.NormalizerValidation;
import org.poevi.family.PoeModel;
import org.poevi.family.SampleOptions;
import org.poevi.family.SampleResult;
import org.poevi.family.ValidatedSampler;
import org.poevi.io.AtomicFiles;
import org.poevi.io.DrawsCsv;
import org.poevi.math.RandomStreams;

/**
 * Draws from a fitted model (what {@code poevi sample} writes): unweighted draws with log q at
 * each, and for a product of experts its validated log-normaliser; a Gaussian baseline's draws
 * and normaliser are exact. There is no target here, so draws.csv has {@code lq__} and no
 * {@code lp__}.
 */
public final class SampleOutcome {
  private final List<String> names;
  private final double[] draws;
  /** log q at each draw (draws.csv's lq__). */
  private final double[] logQ;
  private final ObjectNode summary;
  private final String report;
  private final boolean exactGaussian;

  private SampleOutcome(List<String> names, double[] draws, double[] logQ, ObjectNode summary,
      String report, boolean exactGaussian) {
    this.names = names;
    this.draws = draws;
    this.logQ = logQ;
    this.summary = summary;
    this.report = report;
    this.exactGaussian = exactGaussian;
  }

  /** {@code draws} draws of a product of experts, all randomness from {@code seed}. */
  public static SampleOutcome of(PoeModel model, int draws, long seed) {
    return of(model, SampleOptions.builder().draws(draws).seed(seed).build(), null,
        System.nanoTime());
  }

  /** As above for a model.json of either family. */
  public static SampleOutcome of(Path modelJson, int draws, long seed) {
    long start = System.nanoTime();
    return of(ModelJson.readAny(modelJson), SampleOptions.builder().draws(draws).seed(seed)
        .build(), modelJson, start);
  }

  /**
   * Draws of {@code model} (a {@link PoeModel} or a {@link GaussianModel}) as the options say;
   * {@code file} (or null) is the model.json it came from, named in the summary;
   * {@code startNanos} ({@link System#nanoTime}) is when the work began (reading the model
   * included), for the reported wall time.
   */
  public static SampleOutcome of(FittedModel model, SampleOptions options, Path file,
      long startNanos) {
    return model.match(poe -> ofPoe(poe, options, file, startNanos),
        gaussian -> ofGaussian(gaussian, options, file, startNanos));
  }

  /** Exact draws of a Gaussian, from the stream (seed, BASELINE). */
  private static SampleOutcome ofGaussian(GaussianModel gaussian, SampleOptions options,
      Path file, long start) {
    double[] z = gaussian.sample(RandomStreams.of(options.seed()).stream(
        RandomStreams.BASELINE), options.draws());
    double seconds = (System.nanoTime() - start) * 1e-9;
    ObjectNode root = JsonOutput.object();
    root.put("command", "sample");
    putPath(root, "modelFile", file);
    root.put("family", ModelJson.GAUSSIAN);
    root.put("dimension", gaussian.dim());
    root.put("draws", options.draws());
    root.put("seed", options.seed());
    root.putObject("sampling").put("mode", "exact");
    root.putObject("logNormalizer").put("method", "exact");
    // Exact draws are independent: their effective sample size is their number.
    JsonOutput.putSummaries(root.putObject("parameters"), z, gaussian.dim(),
        gaussian.parameters(), options.draws());
    JsonOutput.putNumber(root, "wallTimeSeconds", seconds);
    return new SampleOutcome(gaussian.parameters(), z, gaussian.logDensities(z), root,
        String.format("%d exact draws of the Gaussian model in %.1f s%n", options.draws(),
            seconds), true);
  }

  /**
   * Validated draws of a product of experts, with its log-normaliser checked. log q uses the
   * model's own log-normaliser (as the fit's draws.csv and {@code evaluate} do), or this run's
   * estimate when the model carries none.
   */
  private static SampleOutcome ofPoe(PoeModel poe, SampleOptions options, Path file,
      long start) {
    ValidatedSampler.Outcome outcome = poe.sample(options, null);
    SampleResult result = outcome.draws();
    NormalizerValidation check = outcome.normalizer();
    double seconds = (System.nanoTime() - start) * 1e-9;
    ObjectNode root = JsonOutput.object();
    root.put("command", "sample");
    putPath(root, "model", file);
    root.put("seed", options.seed());
    root.put("draws", options.draws());
    root.put("threads", options.threads());
    root.put("dimension", poe.dim());
    root.put("experts", poe.family().numExperts());
    root.put("activeExperts", poe.family().numActive());
    JsonOutput.putNumber(root, "dof", poe.family().dof());
    JsonOutput.putDrawsAndNormalizer(root, result, check, poe.parameters());
    ArrayNode w = root.putArray("warnings");
    outcome.warnings().forEach(w::add);
    root.put("wallTimeSeconds", seconds);
    double logC = poe.logNormalizer() != null ? poe.logNormalizer().estimate()
        : check.chosenEstimate().estimate();
    double[] logQ = poe.logDensities(result.draws(), logC, options.threads());
    return new SampleOutcome(poe.parameters(), result.draws(), logQ, root,
        report(result, check, outcome.warnings(), seconds), false);
  }

  /** The model file's path, or null for a model held in memory. */
  private static void putPath(ObjectNode root, String key, Path file) {
    if (file == null) {
      root.putNull(key);
    } else {
      root.put(key, file.toString());
    }
  }

  private static String report(SampleResult result, NormalizerValidation check,
      List<String> warnings, double seconds) {
    var chosen = check.chosenEstimate();
    String how = switch (result.mode()) {
      case EXACT -> String.format("exact rejection, acceptance rate %.3g",
          result.acceptanceRate());
      case SIR -> String.format("SIR, ESS %.0f of %d proposals", result.ess(),
          result.proposals());
      case Z_SIR -> String.format("SIR in z space, ESS %.0f of %d proposals", result.ess(),
          result.proposals());
      case TEMPERED -> String.format("tempered Gibbs, ESS %.0f of %d kept sweeps",
          result.ess(), result.proposals());
    };
    StringBuilder out = new StringBuilder();
    out.append(String.format("poevi sample: %d draws (%s) in %.1f s%n", result.numDraws(), how,
        seconds));
    out.append(String.format("log-normaliser %.4f ± %.4f (%s, k-hat %.2f; check %s)%n",
        chosen.estimate(), chosen.standardError(), check.chosen().label(), chosen.khat(),
        check.agree() ? "agrees" : "DISAGREES"));
    for (String warning : warnings) {
      out.append("warning: ").append(warning).append(System.lineSeparator());
    }
    return out.toString();
  }

  public List<String> parameterNames() {
    return names;
  }

  /** The draws, n×D row-major, a copy. */
  public double[] draws() {
    return draws.clone();
  }

  /** log q, the model's normalised log density, at each draw (draws.csv's lq__), a copy. */
  public double[] logQ() {
    return logQ.clone();
  }

  /** The columns of draws.csv: the parameters, then lq__. */
  public List<String> drawColumns() {
    List<String> columns = new ArrayList<>(names);
    columns.add(DrawsCsv.LOG_Q);
    return List.copyOf(columns);
  }

  /** summary.json's content. */
  public ObjectNode summary() {
    return summary.deepCopy();
  }

  /** Histograms of the draws' marginals (as a fit's marginals plot). */
  public java.awt.image.BufferedImage marginalsPlot() {
    return org.poevi.plot.FitPlots.marginals(draws, names.size(), names, null);
  }

  /** What {@code poevi sample} prints about the draws. */
  public String report() {
    return report;
  }

  /** Writes draws.csv and summary.json into {@code dir}, together. */
  public void save(Path dir) {
    AtomicFiles.prepareDirectory(dir, "output directory");
    Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
    files.put(dir.resolve("draws.csv"), DrawsCsv.content(drawColumns(),
        DrawsCsv.withColumns(draws, names.size(), logQ), names.size() + 1));
    files.put(dir.resolve("summary.json"), JsonOutput.content(summary));
    AtomicFiles.writeAll(files);
  }

  /** The report, then the files written. */
  public void print(PrintWriter out, Path dir) {
    out.print(report);
    out.println("wrote " + dir.resolve("draws.csv") + " and "
        + (exactGaussian ? "summary.json" : dir.resolve("summary.json")));
    out.flush();
  }
}
