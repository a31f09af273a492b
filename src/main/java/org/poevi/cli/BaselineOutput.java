package org.poevi.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.poevi.family.GaussianModel;
import org.poevi.family.ModelJson;
import org.poevi.fit.FitSettings;
import org.poevi.fit.GaussianBaselines;
import org.poevi.io.AtomicFiles;
import org.poevi.math.RandomStreams;
import org.poevi.plot.FitPlots;
import org.poevi.target.Target;

/**
 * The outputs of a Gaussian baseline fit (fit.method = advi-fullrank, advi-meanfield or bam), in
 * the layout of a product-of-experts fit: model.json ({@code "family": "gaussian"}), draws.csv
 * (exact draws), trace.csv (iteration, ELBO estimate, score evaluations, seconds), summary.json
 * (both scales) and plots/marginals.png, written together.
 */
final class BaselineOutput {
  /** Stream key of the output draws (after every iteration's key). */
  private static final long DRAWS_KEY = Long.MAX_VALUE;

  private BaselineOutput() {}

  static void write(Path dir, FitConfig fitConfig, Target target, FitSettings settings,
      GaussianBaselines.Method method, GaussianBaselines.Result result, PrintWriter stdout) {
    GaussianModel model = result.model();
    int dim = model.dim();
    double[] draws = model.sample(RandomStreams.of(settings.seed()).stream(
        RandomStreams.BASELINE, DRAWS_KEY), settings.outputDraws());
    Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
    files.put(dir.resolve("model.json"), JsonOutput.content(ModelJson.toJson(model)));
    files.put(dir.resolve("draws.csv"), DrawsCsv.content(model.parameters(), draws, dim));
    files.put(dir.resolve("trace.csv"), AtomicFiles.Content.text(writer -> {
      writer.write("iteration,elbo,score_evaluations,seconds\n");
      for (GaussianBaselines.Row r : result.trace()) {
        writer.write(r.iteration() + "," + (Double.isNaN(r.elbo()) ? "" : r.elbo()) + ","
            + r.scoreEvaluations() + "," + r.seconds() + "\n");
      }
    }));
    files.put(dir.resolve("summary.json"), JsonOutput.content(summary(fitConfig, target, method,
        result, draws)));
    if (fitConfig.outputPlots()) {
      files.put(dir.resolve("plots").resolve("marginals.png"), AtomicFiles.Content.bytes(
          FitPlots.marginals(draws, dim, model.parameters(), null)));
    }
    AtomicFiles.writeAll(files);
    stdout.printf("stopped: %s after %d iterations; %d score evaluations; %.1f s%n",
        result.stop().label(), result.trace().size(), result.scoreEvaluations(),
        result.seconds());
    stdout.println("wrote " + dir.resolve("model.json") + ", draws.csv, trace.csv and"
        + " summary.json");
    stdout.flush();
  }

  private static ObjectNode summary(FitConfig fitConfig, Target target,
      GaussianBaselines.Method method, GaussianBaselines.Result result, double[] draws) {
    ObjectNode root = JsonOutput.object();
    root.put("command", "fit");
    root.put("target", target.name());
    root.put("dimension", target.dim());
    ObjectNode fit = root.putObject("fit");
    fit.put("method", method.label());
    fit.put("stopReason", result.stop().label());
    fit.put("converged", result.stop() == org.poevi.fit.FitResult.StopReason.CONVERGED);
    fit.put("iterations", result.trace().size());
    fit.put("scoreEvaluations", result.scoreEvaluations());
    fit.put("wallTimeSeconds", result.seconds());
    JsonOutput.putSummaries(root.putObject("parameters"), draws, target.dim(),
        result.model().parameters());
    JsonOutput.putConstrained(root, target, draws);
    try {
      root.set("config", JsonOutput.MAPPER.readTree(fitConfig.renderJson()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("resolved configuration is not JSON", e);
    }
    return root;
  }
}
