package org.poevi.results;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.poevi.fit.GaussianResult;
import org.poevi.fit.PoeResult;
import org.poevi.math.ColumnSummary;
import org.poevi.math.LogMeanEstimate;
import org.poevi.targets.Target;

/**
 * What a fit shows on a console: the posterior summary as Stan and PyMC print it (mean, its Monte
 * Carlo standard error sd/√ESS, sd and the 5/50/95% quantiles of each parameter on both scales,
 * then the diagnostics), and the lines {@code poevi fit} prints when a fit ends.
 */
final class FitTable {
  private FitTable() {}

  static String of(FitOutcome fit) {
    Target target = fit.target();
    double[] draws = fit.drawsView();
    StringBuilder out = new StringBuilder();
    out.append(String.format("%s fit of %s (D = %d): %s%n", fit.method(),
        target.name(), target.dim(), fit.result().match(FitTable::stopLine,
            FitTable::stopLine)));
    table(out, target.parameterNames(), draws, target.dim(), fit.drawsEss());
    List<String> constrained = target.constrainedNames();
    if (!constrained.equals(target.parameterNames())) {
      out.append("constrained scale:\n");
      table(out, constrained, JsonOutput.constrain(target, draws), constrained.size(),
          fit.drawsEss());
    }
    for (String w : fit.warnings()) {
      out.append("warning: ").append(w).append('\n');
    }
    return out.toString();
  }

  private static void table(StringBuilder out, List<String> names, double[] values, int dim,
      double ess) {
    int width = Math.max(9, names.stream().mapToInt(String::length).max().orElse(0));
    ColumnSummary[] columns = ColumnSummary.of(values, dim);
    out.append(String.format("%-" + width + "s %10s %10s %10s %10s %10s %10s%n",
        "", "mean", "mcse", "sd", "5%", "50%", "95%"));
    for (int d = 0; d < dim; d++) {
      ColumnSummary c = columns[d];
      out.append(String.format("%-" + width + "s %10.4g %10.2g %10.4g %10.4g %10.4g"
          + " %10.4g%n", names.get(d), c.mean(), c.mcse(ess), c.sd(), c.q05(), c.q50(),
          c.q95()));
    }
  }

  private static String stopLine(PoeResult poe) {
    LogMeanEstimate logC = poe.finish().normalizer().chosenEstimate();
    return String.format("%s after %d iterations, %d of %d experts active,"
        + " log-normaliser %.4f ± %.4f, PSIS k-hat %.2f, %d score evaluations, %.1f s",
        poe.stop().label(), poe.iterations(), poe.family().numActive(),
        poe.family().numExperts(), logC.estimate(), logC.standardError(),
        poe.finish().psisKhat(), poe.scoreEvaluations(), poe.seconds());
  }

  private static String stopLine(GaussianResult gaussian) {
    return String.format("%s after %d iterations, %d score evaluations, %.1f s",
        gaussian.stop().label(), gaussian.iterations(), gaussian.scoreEvaluations(),
        gaussian.seconds());
  }

  /** The lines {@code poevi fit} prints when a fit ends ({@code dir}: where it was saved). */
  static void report(FitOutcome fit, PrintWriter out, Path dir) {
    fit.result().match(poe -> {
      LogMeanEstimate logC = poe.finish().normalizer().chosenEstimate();
      out.printf("stopped: %s after %d iterations; %d of %d experts active, nu = %.3g%n",
          poe.stop().label(), poe.iterations(), poe.family().numActive(),
          poe.family().numExperts(), poe.family().dof());
      out.printf("log-normaliser %.4f ± %.4f (%s); PSIS k-hat %.2f; %d score evaluations;"
          + " %.1f s%n", logC.estimate(), logC.standardError(), poe.finish().normalizer()
          .chosen().label(), poe.finish().psisKhat(), poe.scoreEvaluations(), poe.seconds());
      return null;
    }, gaussian -> {
      out.printf("stopped: %s after %d iterations; %d score evaluations; %.1f s%n",
          gaussian.stop().label(), gaussian.iterations(), gaussian.scoreEvaluations(),
          gaussian.seconds());
      return null;
    });
    for (String w : fit.warnings()) {
      out.println("warning: " + w);
    }
    if (dir != null) {
      out.println("wrote " + dir.resolve("model.json") + ", draws.csv, trace.csv and"
          + " summary.json");
    }
    out.flush();
  }
}
