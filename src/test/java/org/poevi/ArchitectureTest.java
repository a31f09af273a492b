package org.poevi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.poevi.cli.Main;
import org.poevi.family.ModelJson;
import org.poevi.math.LogSpace;

/**
 * The dependency rules of STYLE.md: only {@code spark} and {@code cli} may use Apache Spark, so the
 * core runs without a SparkSession; and dependencies point math ← family ← cli.
 *
 * <p>Each rule is built with {@code allowEmptyShould(false)} (also ArchUnit's default), so it fails
 * rather than passes vacuously when its {@code that()} selects no class, and each rule is also shown
 * to report a violation on classes that break it.
 */
class ArchitectureTest {
  /** Production classes only: target/classes, not target/test-classes or jars. */
  private static JavaClasses mainClasses;

  private static final ArchRule SPARK_ONLY_IN_SPARK_AND_CLI = noClasses()
      .that().resideInAPackage("org.poevi..")
      .and().resideOutsideOfPackages("org.poevi.spark..", "org.poevi.cli..")
      .should().dependOnClassesThat().resideInAPackage("org.apache.spark..")
      .allowEmptyShould(false)
      .because("the core must run and be tested without a SparkSession (STYLE.md, Layout)");

  private static final ArchRule MATH_IS_THE_BOTTOM = noClasses()
      .that().resideInAPackage("org.poevi.math..")
      .should().dependOnClassesThat().resideInAnyPackage("org.poevi.family..", "org.poevi.cli..",
          "org.poevi.spark..", "org.poevi.fit..", "org.poevi.targets..", "org.poevi.models..")
      .allowEmptyShould(false)
      .because("dependencies point math ← family ← cli");

  private static final ArchRule FAMILY_DOES_NOT_SEE_CLI = noClasses()
      .that().resideInAPackage("org.poevi.family..")
      .should().dependOnClassesThat().resideInAnyPackage("org.poevi.cli..", "org.poevi.spark..",
          "org.poevi.fit..")
      .allowEmptyShould(false)
      .because("dependencies point math ← family ← fit ← spark ← cli");

  private static final ArchRule CHARTS_ONLY_IN_PLOT = noClasses()
      .that().resideInAPackage("org.poevi..")
      .and().resideOutsideOfPackage("org.poevi.plot..")
      .should().dependOnClassesThat().resideInAPackage("org.knowm.xchart..")
      .allowEmptyShould(false)
      .because("pictures are drawn in one place (FitPlots), which the command line calls");

  private static final ArchRule API_SITS_BELOW_SPARK_AND_CLI = noClasses()
      .that().resideInAnyPackage("org.poevi.results..", "org.poevi.config..")
      .should().dependOnClassesThat().resideInAnyPackage("org.poevi.cli..", "org.poevi.spark..")
      .allowEmptyShould(false)
      .because("results, outputs and configuration run without Spark; the Spark entry point"
          + " (spark.Poevi) and the commands build on them");

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

  @Test
  void onlyPlotDrawsCharts() {
    CHARTS_ONLY_IN_PLOT.check(mainClasses);
  }

  @Test
  void onlySparkAndCliDependOnSpark() {
    SPARK_ONLY_IN_SPARK_AND_CLI.check(mainClasses);
  }

  @Test
  void mathDependsOnNoHigherLayer() {
    MATH_IS_THE_BOTTOM.check(mainClasses);
  }

  @Test
  void apiDoesNotDependOnSparkOrCli() {
    API_SITS_BELOW_SPARK_AND_CLI.check(mainClasses);
  }

  @Test
  void familyDoesNotDependOnCli() {
    FAMILY_DOES_NOT_SEE_CLI.check(mainClasses);
  }

  /** A poevi class outside spark/cli that uses Spark: what the first rule must catch. */
  static final class UsesSpark {
    JavaSparkContext context;
  }

  @Test
  void sparkRuleFlagsAViolator() {
    EvaluationResult result = SPARK_ONLY_IN_SPARK_AND_CLI.evaluate(
        new ClassFileImporter().importClasses(UsesSpark.class, ModelJson.class));
    assertTrue(result.hasViolation(), "a core class holding a JavaSparkContext must be flagged");
    String report = result.getFailureReport().toString();
    assertTrue(report.contains(UsesSpark.class.getName()), report);
    assertFalse(report.contains(ModelJson.class.getName()), report);
  }

  @Test
  void layerConditionSeesRealDependencies() {
    // cli -> family exists (SampleCommand uses ModelJson): the same condition on it must fire,
    // so the layering rules above pass because of the code, not because they see nothing.
    EvaluationResult upward = noClasses().that().resideInAPackage("org.poevi.cli..")
        .should().dependOnClassesThat().resideInAnyPackage("org.poevi.family..")
        .evaluate(mainClasses);
    assertTrue(upward.hasViolation(), "cli -> family must be detected");
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
