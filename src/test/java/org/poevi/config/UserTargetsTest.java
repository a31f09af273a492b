package org.poevi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.targets.FunnelTarget;
import org.poevi.targets.Target;
import org.poevi.targets.TargetChecks;

/** target.type = class: loading a user's Target, its options, and the errors users see. */
class UserTargetsTest {
  private static final String EXAMPLE = "com.example.RobustRegressionTarget";

  private static Target build(String hocon) {
    return TargetReader.build(ConfigFactory.parseString(hocon), TargetReader.UNLOADED);
  }

  private static String error(String hocon) {
    return assertThrows(InvalidInputException.class, () -> build(hocon)).getMessage();
  }

  @Test
  void theDocumentedExampleLoadsWithItsOptionsAndItsGradientIsRight() {
    Target t = TargetReader.build(ConfigFactory.parseFile(
        Path.of("conf/examples/robust-regression.conf").toFile()).resolve()
        .getConfig("target"), TargetReader.UNLOADED);
    assertEquals(EXAMPLE, t.getClass().getName());
    assertEquals(List.of("a", "b", "log_sigma"), t.parameterNames());
    TargetChecks.assertGradient(t, new double[] {1, 0.8, Math.log(0.5)}, "near the fit");
    TargetChecks.assertGradient(t, new double[] {-2, 3, 1.5}, "far from it");
  }

  /** docs/user-targets.md shows the example's exact source, so the worked example stays true. */
  @Test
  void theDocumentationListsTheExampleSourceVerbatim() throws IOException {
    String doc = Files.readString(Path.of("docs/user-targets.md"));
    String source = Files.readString(Path.of("src/test/java/com/example/RobustRegressionTarget"
        + ".java"));
    int start = doc.indexOf("```java\npackage com.example;");
    int end = doc.indexOf("```", start + 7);
    assertEquals(source, doc.substring(start + "```java\n".length(), end));
  }

  @Test
  void userErrorsAreOneLineNamingTheClass() {
    assertEquals("target.class is missing: target.type = class needs the name of a class"
        + " implementing org.poevi.targets.Target, e.g. com.example.MyTarget",
        error("type = class"));
    assertEquals("target.class com.example.Nope was not found on the classpath (give its jar"
        + " with jobs/poevi --jars or spark-submit --jars)",
        error("type = class, class = com.example.Nope"));
    assertEquals("target.class java.lang.String does not implement org.poevi.targets.Target",
        error("type = class, class = java.lang.String"));
    assertEquals("target.class " + EXAMPLE + ": options.x and options.y are required",
        error("type = class, class = \"" + EXAMPLE + "\""));
    assertEquals("target.class " + EXAMPLE + ": options.dof must be > 0, got -1.0",
        error("type = class, class = \"" + EXAMPLE + "\", options { x = [1], y = [2],"
            + " dof = -1 }"));
    assertEquals("target.options must be an object { ... }, got 3",
        error("type = class, class = \"" + EXAMPLE + "\", options = 3"));
    assertEquals("unknown key target.dimension for type class (allowed: class, options, type)",
        error("type = class, class = \"" + EXAMPLE + "\", dimension = 3"));
    assertEquals("target.options is set, but " + FunnelLike.class.getName() + " has no public"
        + " constructor taking a com.typesafe.config.Config",
        error("type = class, class = \"" + FunnelLike.class.getName() + "\", options { a = 1 }"));
    assertEquals("target.class " + Unnamed.class.getName() + " has dimension 2 but 1 parameter"
        + " names", error("type = class, class = \"" + Unnamed.class.getName() + "\""));
  }

  @Test
  void aNoArgumentConstructorIsUsedWithoutOptions() {
    Target t = build("type = class, class = \"" + FunnelLike.class.getName() + "\"");
    assertEquals(3, t.dim());
    TargetChecks.assertGradient(t, new double[] {0.3, -0.2, 1.1}, "funnel");
  }

  /** A user target with a no-argument constructor (a 3-D funnel). */
  public static final class FunnelLike implements Target {
    private static final long serialVersionUID = 1L;
    private final Target funnel = FunnelTarget.of(3);

    @Override
    public int dim() {
      return 3;
    }

    @Override
    public String name() {
      return "funnel-like";
    }

    @Override
    public double logDensity(double[] z, double[] gradient) {
      return funnel.logDensity(z, gradient);
    }
  }

  /** A user target whose names do not match its dimension. */
  public static final class Unnamed implements Target {
    private static final long serialVersionUID = 1L;

    @Override
    public int dim() {
      return 2;
    }

    @Override
    public String name() {
      return "unnamed";
    }

    @Override
    public List<String> parameterNames() {
      return List.of("a");
    }

    @Override
    public double logDensity(double[] z, double[] gradient) {
      return 0;
    }
  }
}
