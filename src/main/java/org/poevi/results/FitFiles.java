package org.poevi.results;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.poevi.fit.GaussianResult;
import org.poevi.fit.TraceRow;
import org.poevi.io.AtomicFiles;
import org.poevi.io.DrawsCsv;
import org.poevi.plot.FitPlots;

/**
 * The files {@code poevi fit} writes (SPEC §7): model.json, draws.csv (the parameters, then lp__
 * and lq__), trace.csv, summary.json and (output.plots) the pictures in plots/, all renamed into
 * place only once all are complete.
 */
final class FitFiles {
  private FitFiles() {}

  static void save(FitOutcome fit, Path dir) {
    AtomicFiles.prepareDirectory(dir, "output directory");
    // The pictures first: a warning they raise belongs in summary.json.
    Map<String, byte[]> plots = fit.config().outputPlots() ? plots(fit) : Map.of();
    Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
    files.put(dir.resolve("model.json"), JsonOutput.content(fit.fittedModel().toJson()));
    files.put(dir.resolve("draws.csv"), DrawsCsv.content(fit.drawColumns(), fit.drawTable(),
        fit.drawColumns().size()));
    files.put(dir.resolve("trace.csv"), fit.result().match(poe -> traceCsv(poe.trace()),
        FitFiles::baselineTrace));
    files.put(dir.resolve("summary.json"), JsonOutput.content(fit.summary()));
    plots.forEach((name, png) -> files.put(dir.resolve("plots").resolve(name),
        AtomicFiles.Content.bytes(png)));
    AtomicFiles.writeAll(files);
  }

  /**
   * The pictures by file name, as PNG: the trace, the marginals and the α of a product of
   * experts (and its contours for a 2-D target); a baseline's marginals.
   */
  static Map<String, byte[]> plots(FitOutcome fit) {
    Map<String, byte[]> plots = new LinkedHashMap<>();
    boolean poe = fit.result().match(p -> true, g -> false);
    if (poe) {
      plots.put("trace.png", FitPlots.png(fit.tracePlot()));
    }
    plots.put("marginals.png", FitPlots.png(fit.marginalsPlot()));
    if (poe) {
      plots.put("alpha.png", FitPlots.png(fit.alphaPlot()));
      if (fit.target().dim() == 2) {
        plots.put("contours.png", FitPlots.png(fit.contourPlot()));
      }
    }
    return plots;
  }

  private static AtomicFiles.Content traceCsv(List<TraceRow> trace) {
    return AtomicFiles.Content.text(writer -> {
      writer.write(String.join(",", TraceRow.COLUMNS));
      writer.write('\n');
      for (TraceRow r : trace) {
        writer.write(String.join(",", r.csvFields()));
        writer.write('\n');
      }
    });
  }

  private static AtomicFiles.Content baselineTrace(GaussianResult gaussian) {
    return AtomicFiles.Content.text(writer -> {
      writer.write("iteration,elbo,score_evaluations,seconds\n");
      for (GaussianResult.Row r : gaussian.trace()) {
        writer.write(r.iteration() + "," + (Double.isNaN(r.elbo()) ? "" : String.valueOf(
            r.elbo())) + "," + r.scoreEvaluations() + "," + r.seconds() + "\n");
      }
    });
  }
}
