package org.poevi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.poevi.InvalidInputException;
import org.poevi.config.FitConfig;
import org.poevi.config.TargetReader;
import org.poevi.spark.LocalRows;
import org.poevi.targets.Target;
import org.poevi.targets.TargetCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code poevi check-target CONFIG [--at z1,...,zD] [--points N] [key=value ...]}: checks the
 * configuration's target before a fit ({@link TargetCheck}): its gradient against Ridders'
 * extrapolated central differences at the origin, the given points and N random ones, finite and
 * repeatable values, and serialization. Prints a line per point; exit 0 when everything agrees,
 * 2 with one line naming the first failure otherwise. A data set is read into this JVM.
 */
@Command(name = "check-target", mixinStandardHelpOptions = true,
    description = "Check a target's gradient against finite differences before fitting it.")
final class CheckTargetCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "HOCON configuration file")
  Path config;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE",
      description = "overrides of configuration keys")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--at", paramLabel = "Z", description = "a point to check, D comma-separated"
      + " numbers on the unconstrained scale; repeatable")
  List<String> at = new ArrayList<>();

  @Option(names = "--points", defaultValue = "4", paramLabel = "N",
      description = "random points from N(0, scale²·I), besides the origin and --at"
          + " (default: ${DEFAULT-VALUE})")
  int points;

  @Option(names = "--scale", defaultValue = "1", paramLabel = "S",
      description = "sd of the random points (default: ${DEFAULT-VALUE})")
  double scale;

  @Option(names = "--step", defaultValue = "0.1", paramLabel = "H",
      description = "first difference step, times max(1, |z_i|); Ridders' method shrinks and"
          + " extrapolates it (default: ${DEFAULT-VALUE})")
  double step;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
      description = "seed of the random points (default: ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() {
    if (points < 0 || points > 10_000) {
      throw new InvalidInputException("--points must be in [0, 10000], got " + points);
    }
    requirePositive(scale, "--scale");
    requirePositive(step, "--step");
    FitConfig fitConfig = FitConfig.load(config, overrides);
    com.typesafe.config.Config targetConfig = fitConfig.resolved().getConfig("target");
    TargetReader.build(targetConfig, TargetReader.UNLOADED);
    Target target = TargetReader.build(targetConfig,
        LocalRows.backend(fitConfig.runSettings().threads()));
    List<double[]> given = new ArrayList<>();
    for (String point : at) {
      given.add(point(point, target.dim()));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "poevi check-target: %s (D = %d): the origin, %d given and %d random"
        + " points (N(0, %s²·I), seed %d); Ridders' extrapolated central differences%n",
        target.name(), target.dim(), given.size(), points,
        Double.toString(scale).replaceAll("\\.0$", ""), seed);
    TargetCheck.Report report = TargetCheck.check(target, given, points, scale, step, seed);
    List<String> names = target.parameterNames();
    for (int p = 0; p < report.points().size(); p++) {
      out.println(CheckReport.line(p, report.points().get(p), names));
    }
    out.println(report.serializationProblem() == null ? "serializes: yes"
        : "serializes: no");
    out.flush();
    String failure = CheckReport.failure(report, target.name(), names);
    if (failure != null) {
      throw new InvalidInputException(failure);
    }
    out.println("ok: the gradient agrees with finite differences at every point in the support");
    return Main.EXIT_OK;
  }

  private static void requirePositive(double value, String option) {
    if (!(value > 0 && value < 1e150)) {
      throw new InvalidInputException(option + " must be positive and finite, got " + value);
    }
  }

  /** A point from --at: D comma-separated finite numbers. */
  static double[] point(String text, int dim) {
    String[] parts = text.split(",", -1);
    if (parts.length != dim) {
      throw new InvalidInputException("--at: a point needs " + dim + " comma-separated numbers,"
          + " got " + parts.length + " in \"" + text + "\"");
    }
    double[] z = new double[dim];
    for (int i = 0; i < dim; i++) {
      try {
        z[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        z[i] = Double.NaN;
      }
      if (!Double.isFinite(z[i])) {
        throw new InvalidInputException("--at: \"" + parts[i].trim() + "\" (number " + (i + 1)
            + " of \"" + text + "\") is not a finite number");
      }
    }
    return z;
  }
}
