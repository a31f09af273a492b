package org.poevi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.poevi.cli.Main;
import org.poevi.family.ModelJson;
import org.poevi.math.LogSpace;

/**
 * The layers of STYLE.md and docs/architecture.md, one ArchUnit rule per layer: each package
 * depends only on the packages below it. Plus: only the Spark layer ({@code spark}, {@code ml})
 * and {@code cli} use Apache Spark, only {@code plot} draws charts, only {@code qp} uses ojAlgo.
 *
 * <p>Each rule is built with {@code allowEmptyShould(false)}, so it fails rather than passes
 * vacuously when its {@code that()} selects no class; and each layer rule is shown to flag a
 * violator: a class named {@code LayerViolation} in the test sources of that package, which
 * uses a class of a layer above.
 */
class ArchitectureTest {
  /** Production classes only: target/classes, not target/test-classes or jars. */
  private static JavaClasses mainClasses;

  /** Each layer (a package, without its subpackages) and the packages it may use, bottom up. */
  static final Map<String, List<String>> LAYERS = new LinkedHashMap<>();

  static {
    LAYERS.put("math", List.of());
    LAYERS.put("io", List.of());
    LAYERS.put("family", List.of("math", "io"));
    LAYERS.put("targets", List.of("math", "io", "family"));
    LAYERS.put("targets.glm", List.of("math", "io", "family", "targets"));
    LAYERS.put("targets.posteriordb", List.of("math", "io", "family", "targets"));
    LAYERS.put("evaluator", List.of("math", "targets"));
    LAYERS.put("qp", List.of("math"));
    LAYERS.put("fit", List.of("math", "io", "family", "targets", "evaluator", "qp"));
    LAYERS.put("baselines", List.of("math", "family", "targets", "evaluator", "fit"));
    LAYERS.put("plot", List.of("math", "family", "fit"));
    LAYERS.put("config", List.of("math", "io", "family", "targets", "targets.glm",
        "targets.posteriordb", "qp", "fit", "baselines"));
    LAYERS.put("results", List.of("math", "io", "family", "targets", "targets.glm",
        "targets.posteriordb", "evaluator", "qp", "fit", "baselines", "plot", "config"));
    LAYERS.put("spark", List.of("math", "io", "family", "targets", "targets.glm",
        "targets.posteriordb", "evaluator", "qp", "fit", "baselines", "plot", "config",
        "results"));
    LAYERS.put("ml", List.of("math", "io", "family", "targets", "targets.glm",
        "targets.posteriordb", "evaluator", "qp", "fit", "baselines", "plot", "config",
        "results", "spark"));
    LAYERS.put("cli", List.of("math", "io", "family", "targets", "targets.glm",
        "targets.posteriordb", "evaluator", "qp", "fit", "baselines", "plot", "config",
        "results", "spark", "ml"));
  }

  /** The rule of one layer: no class in it uses a poevi package it may not use. */
  static ArchRule layerRule(String layer) {
    List<String> forbidden = new ArrayList<>();
    for (String other : LAYERS.keySet()) {
      if (!other.equals(layer) && !LAYERS.get(layer).contains(other)) {
        forbidden.add("org.poevi." + other);
      }
    }
    return noClasses().that().resideInAPackage("org.poevi." + layer)
        .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(new String[0]))
        .allowEmptyShould(false)
        .because("layer " + layer + " may use only " + LAYERS.get(layer)
            + " (docs/architecture.md)");
  }

  private static final ArchRule SPARK_ONLY_IN_SPARK_LAYER_AND_CLI = noClasses()
      .that().resideInAPackage("org.poevi..")
      .and().resideOutsideOfPackages("org.poevi.spark..", "org.poevi.ml..", "org.poevi.cli..")
      .should().dependOnClassesThat().resideInAPackage("org.apache.spark..")
      .allowEmptyShould(false)
      .because("the core must run and be tested without a SparkSession (STYLE.md, Layout)");

  private static final ArchRule CHARTS_ONLY_IN_PLOT = noClasses()
      .that().resideInAPackage("org.poevi..")
      .and().resideOutsideOfPackage("org.poevi.plot..")
      .should().dependOnClassesThat().resideInAPackage("org.knowm.xchart..")
      .allowEmptyShould(false)
      .because("pictures are drawn in one place (FitPlots)");

  private static final ArchRule OJALGO_ONLY_IN_QP = noClasses()
      .that().resideInAPackage("org.poevi..")
      .and().resideOutsideOfPackage("org.poevi.qp..")
      .should().dependOnClassesThat().resideInAPackage("org.ojalgo..")
      .allowEmptyShould(false)
      .because("third-party matrix types never appear outside their wrapper (STYLE.md 7)");

  @BeforeAll
  static void importMainClasses() {
    mainClasses = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages("org.poevi");
  }

  @Test
  void importSeesTheMainPackagesAndNoTests() {
    assertTrue(mainClasses.contain(LogSpace.class), "math classes imported");
    assertTrue(mainClasses.contain(ModelJson.class), "family classes imported");
    assertTrue(mainClasses.contain(Main.class), "cli classes imported");
    assertFalse(mainClasses.contain(ArchitectureTest.class), "test classes must be excluded");
  }

  /** Every main package is a layer of the table (a new package must be placed in it). */
  @Test
  void everyPackageIsALayer() {
    TreeSet<String> packages = new TreeSet<>();
    for (JavaClass c : mainClasses) {
      packages.add(c.getPackageName());
    }
    packages.remove("org.poevi");
    TreeSet<String> layers = new TreeSet<>();
    LAYERS.keySet().forEach(l -> layers.add("org.poevi." + l));
    assertEquals(layers, packages);
  }

  @Test
  void eachLayerUsesOnlyTheLayersBelowIt() {
    for (String layer : LAYERS.keySet()) {
      layerRule(layer).check(mainClasses);
    }
  }

  /**
   * Each layer rule flags its violator (the LayerViolation class of the package's test
   * sources), and names it.
   */
  @Test
  void eachLayerRuleFlagsAViolator() throws ClassNotFoundException {
    for (String layer : LAYERS.keySet()) {
      if (layer.equals("cli")) {
        continue; // the top layer may use every other one: nothing to violate
      }
      String name = "org.poevi." + layer + ".LayerViolation";
      JavaClasses violator = new ClassFileImporter().importClasses(Class.forName(name));
      EvaluationResult result = layerRule(layer).evaluate(violator);
      assertTrue(result.hasViolation(), layer + ": its violator must be flagged");
      assertTrue(result.getFailureReport().toString().contains(name), layer);
    }
  }

  @Test
  void onlyPlotDrawsCharts() {
    CHARTS_ONLY_IN_PLOT.check(mainClasses);
  }

  @Test
  void onlySparkAndCliDependOnSpark() {
    SPARK_ONLY_IN_SPARK_LAYER_AND_CLI.check(mainClasses);
  }

  @Test
  void onlyQpUsesOjAlgo() {
    OJALGO_ONLY_IN_QP.check(mainClasses);
  }

  /** A poevi class outside spark/cli that uses Spark: what the Spark rule must catch. */
  static final class UsesSpark {
    JavaSparkContext context;
  }

  @Test
  void sparkRuleFlagsAViolator() {
    EvaluationResult result = SPARK_ONLY_IN_SPARK_LAYER_AND_CLI.evaluate(
        new ClassFileImporter().importClasses(UsesSpark.class, ModelJson.class));
    assertTrue(result.hasViolation(), "a core class holding a JavaSparkContext must be flagged");
    String report = result.getFailureReport().toString();
    assertTrue(report.contains(UsesSpark.class.getName()), report);
    assertFalse(report.contains(ModelJson.class.getName()), report);
  }

  /** A poevi class outside plot and qp that uses XChart and ojAlgo. */
  static final class UsesChartsAndOjAlgo {
    org.knowm.xchart.XYChart chart;
    org.ojalgo.optimisation.Optimisation.State state;
  }

  @Test
  void chartAndOjAlgoRulesFlagAViolator() {
    JavaClasses violator = new ClassFileImporter().importClasses(UsesChartsAndOjAlgo.class);
    assertTrue(CHARTS_ONLY_IN_PLOT.evaluate(violator).hasViolation());
    assertTrue(OJALGO_ONLY_IN_QP.evaluate(violator).hasViolation());
  }

  @Test
  void emptySelectionFailsInsteadOfPassing() {
    // A rule whose that() matches nothing must not pass silently: ArchUnit throws instead.
    ArchRule empty = noClasses().that().resideInAPackage("org.poevi.nosuchpackage..")
        .should().dependOnClassesThat().resideInAPackage("org.apache.spark..")
        .allowEmptyShould(false);
    AssertionError e = assertThrows(AssertionError.class, () -> empty.evaluate(mainClasses),
        "an empty should must fail with allowEmptyShould(false)");
    assertTrue(e.getMessage().contains("failed to check any classes"), e.getMessage());
  }
}
