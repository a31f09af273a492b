package org.poevi.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.poevi.targets.TargetCheck;
import org.poevi.targets.TargetCheck.Component;
import org.poevi.targets.TargetCheck.Point;
import org.poevi.targets.TargetCheck.Verdict;

/** The lines {@code poevi check-target} prints for a {@link TargetCheck.Report}. */
final class CheckReport {
  private CheckReport() {}

  /** Point {@code p} (0 is the origin) on one line, with its worst component. */
  static String line(int p, Point point, List<String> names) {
    String head = String.format(Locale.ROOT, "point %d%s: ", p + 1, p == 0 ? " (origin)" : "");
    if (point.problem() != null) {
      return head + "FAILS: " + point.problem();
    }
    if (point.outsideSupport()) {
      return head + "log p = -Infinity (outside the support: not checked)";
    }
    long agree = count(point, Verdict.AGREES);
    long uncertain = count(point, Verdict.UNCERTAIN);
    long disagree = count(point, Verdict.DISAGREES);
    Component worst = worst(point.components());
    return head + String.format(Locale.ROOT, "log p = %.6g; %d of %d components agree",
        point.logDensity(), agree, point.components().size())
        + (uncertain > 0 ? ", " + uncertain + " uncertain" : "")
        + (disagree > 0 ? ", " + disagree + " disagree" : "")
        + (worst == null ? "" : "; worst: " + describe(worst, names));
  }

  /**
   * The first failure as one line for stderr, or null: a point whose evaluation failed, a
   * disagreeing component, a target that does not serialize, no point inside the support.
   */
  static String failure(TargetCheck.Report report, String target, List<String> names) {
    List<Point> points = report.points();
    for (int p = 0; p < points.size(); p++) {
      Point point = points.get(p);
      if (point.problem() != null) {
        return "check-target: " + target + " " + point.problem() + " at point " + (p + 1);
      }
      List<Component> bad = point.disagreeing();
      if (!bad.isEmpty()) {
        return "check-target: the gradient of " + target + " disagrees with finite differences"
            + " at point " + (p + 1) + ": " + describe(worst(bad), names)
            + (bad.size() > 1 ? " (and " + (bad.size() - 1) + " more components)" : "");
      }
    }
    if (report.serializationProblem() != null) {
      return "check-target: " + target + ": " + report.serializationProblem();
    }
    if (points.stream().allMatch(Point::outsideSupport)) {
      return "check-target: " + target + " has log density -Infinity at every point checked:"
          + " give points in its support with --at, or a smaller --scale";
    }
    return null;
  }

  private static long count(Point point, Verdict verdict) {
    return point.components().stream().filter(c -> c.verdict() == verdict).count();
  }

  /** The component with the largest relative difference, disagreeing ones first. */
  private static Component worst(List<Component> components) {
    return components.stream().max(Comparator.comparing((Component c) -> c.verdict()
        == Verdict.DISAGREES).thenComparingDouble(Component::relativeDifference)).orElse(null);
  }

  private static String describe(Component c, List<String> names) {
    return String.format(Locale.ROOT, "%s: analytic %.10g, numeric %.10g (± %.1g), relative"
        + " difference %.1e", names.get(c.index()), c.analytic(), c.numeric(), c.error(),
        c.relativeDifference());
  }
}
