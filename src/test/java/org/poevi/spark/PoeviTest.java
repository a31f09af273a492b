package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.InvalidInputException;
import org.poevi.config.FitConfig;
import org.poevi.config.TargetReader;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.GaussianModel;
import org.poevi.fit.PoeFitter;
import org.poevi.fit.PoeResult;
import org.poevi.fit.Progress;
import org.poevi.math.SampleMoments;
import org.poevi.qp.ActiveSetQpSolver;
import org.poevi.results.Evaluate;
import org.poevi.results.SampleOutcome;
import org.poevi.targets.Target;
import org.poevi.targets.Targets;
import org.poevi.targets.glm.SyntheticLogisticData;

/** The notebook API: the same fit as the command line, in memory, on Spark or not. */
class PoeviTest {
  /** A small, fast fit (the settings FitCommandTest uses). */
  private static final String SMALL = String.join("\n", "experts.count = 8",
      "init.gaussian-rounds = 2", "init.gaussian-draws = 2000", "init.mode-starts = 4",
      "fit.iterations = 2", "fit.batch-size = 600", "output.draws = 1000");
  private static final String BANANA = "target { type = banana }\n" + SMALL;

  @TempDir
  Path dir;

  @Test
  void theResultHoldsWhatTheFilesHold() throws IOException {
    PoeviFit fit;
    try (Poevi poevi = Poevi.local().quiet()) {
      fit = poevi.fit(BANANA);
    }
    fit.save(dir);
    assertEquals(fit.modelJson().strip(), Files.readString(dir.resolve("model.json")).strip());
    assertTrue(Files.isRegularFile(dir.resolve("plots/contours.png")));
    assertEquals(1000, fit.drawCount());
    assertEquals(1001, Files.readAllLines(dir.resolve("draws.csv")).size());
    assertEquals(fit.summary().get("fit").get("iterations").asInt(), fit.trace().size());
    assertTrue(fit.summaryTable().contains("z[1]"), fit.summaryTable());
  }

  @Test
  void onASparkSessionTheFitIsTheLocalFitAndItsDrawsAreADataFrame() {
    SparkSession session = SparkSession.builder().sparkContext(SparkTestContext.get().sc())
        .getOrCreate();
    PoeviFit local;
    PoeviFit onSpark;
    try (Poevi poevi = Poevi.local().quiet()) {
      local = poevi.fit(BANANA);
    }
    try (Poevi poevi = Poevi.on(session).quiet()) {
      onSpark = poevi.fit(BANANA);
      Dataset<Row> draws = onSpark.drawsDataFrame();
      assertEquals(List.of("z[1]", "z[2]", "lp__", "lq__"), List.of(draws.columns()));
      List<Row> rows = draws.collectAsList();
      double[] z = onSpark.draws();
      double[] logP = onSpark.logP();
      double[] logQ = onSpark.logQ();
      assertEquals(z.length / 2, rows.size());
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(z[2 * i], rows.get(i).getDouble(0));
        assertEquals(z[2 * i + 1], rows.get(i).getDouble(1));
        assertEquals(logP[i], rows.get(i).getDouble(2));
        assertEquals(logQ[i], rows.get(i).getDouble(3));
      }
      assertEquals(onSpark.trace().size(), onSpark.traceDataFrame().count());
    }
    assertFalse(session.sparkContext().isStopped(), "a session given to Poevi.on stays running");
    // SPEC §6: the same seed gives the same fit whatever runs it, log p̃ and log q at its draws
    // included.
    assertEquals(local.modelJson(), onSpark.modelJson());
    assertArrayEquals(local.drawTable(), onSpark.drawTable());
  }

  @Test
  void theApiRunsTheCoreFitWithTheConfiguredSettings() {
    PoeviFit fit;
    try (Poevi poevi = Poevi.local().quiet()) {
      fit = poevi.fit(BANANA);
    }
    FitConfig config = FitConfig.parse(BANANA, List.of());
    Target target = TargetReader.fromConfig(config.resolved().getConfig("target"));
    PoeResult direct = new PoeFitter(config.poeSettings(), ActiveSetQpSolver.create()).fit(target,
        new LocalScoreEvaluator(target, config.runSettings().threads()), Progress.SILENT);
    assertArrayEquals(direct.family().alpha(), ((PoeResult) fit.result()).family().alpha());
    assertArrayEquals(direct.finish().draws().draws(), fit.draws());
  }

  @Test
  void aFitKeepsItsRowsCachedUntilClose() {
    SparkSession session = SparkSession.builder().sparkContext(SparkTestContext.get().sc())
        .getOrCreate();
    int before = session.sparkContext().getPersistentRDDs().size();
    try (Poevi poevi = Poevi.on(session).quiet()) {
      PoeviFit fit = poevi.fit("target { type = logistic-regression, data.synthetic { rows = 500,"
          + " predictors = 1, seed = 2 } }\nspark.driver-values = 0\n" + SMALL);
      assertTrue(session.sparkContext().getPersistentRDDs().size() > before,
          "the rows stay cached for the fit's plots and evaluations");
      assertEquals(2, fit.parameterNames().size());
      assertTrue(fit.contourPlot().getWidth() > 300, "log p over the cached rows");
    }
    assertEquals(before, session.sparkContext().getPersistentRDDs().size(),
        "close() unpersists them");
  }

  /**
   * Issue #18: a data set of at most spark.driver-values values is read by Spark and then
   * evaluated on the driver's threads, without a Spark job per batch; the model is the one of
   * the rows cached and evaluated on the executors, byte for byte.
   */
  @Test
  void smallDataIsEvaluatedOnTheDriverWithTheSameBits() throws IOException {
    SyntheticLogisticData data = new SyntheticLogisticData(700, 2, true, 4);
    Path csv = DataSourcesTest.csv(dir.resolve("small.csv"), data, ",");
    String conf = "target { type = logistic-regression, data { path = \"" + csv + "\","
        + " response = y, predictors = [x1, x2] } }\n" + SMALL;
    SparkSession session = SparkSession.builder().sparkContext(SparkTestContext.get().sc())
        .getOrCreate();
    String[] models = new String[2];
    String[] messages = new String[2];
    String[] settings = {"spark.driver-values = 2100", "spark.driver-values = 2099"};
    for (int k = 0; k < 2; k++) {
      java.io.StringWriter out = new java.io.StringWriter();
      try (Poevi poevi = Poevi.on(session).progress(out, false)) {
        int before = session.sparkContext().getPersistentRDDs().size();
        PoeviFit fit = poevi.fit(conf, settings[k]);
        models[k] = org.poevi.results.JsonOutput.text(fit.fittedModel().toJson());
        messages[k] = out.toString();
        // 700 rows × 3 columns = 2100 values: in this JVM at 2100 (nothing stays cached).
        assertEquals(k == 0, session.sparkContext().getPersistentRDDs().size() == before,
            settings[k]);
      }
    }
    assertEquals(models[1], models[0]);
    assertTrue(messages[0].contains("poevi fit: 700 rows × 3 columns, evaluated on the driver's"
        + " threads (at most spark.driver-values = 2100 values)"), messages[0]);
    assertFalse(messages[1].contains("driver's threads"), messages[1]);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> FitConfig.parse(
        conf, List.of("spark.driver-values = -1")).sparkDriverValues());
    assertTrue(e.getMessage().startsWith("spark.driver-values must be >= 0"), e.getMessage());
  }

  @Test
  void aLambdaTargetIsFitted() {
    // A Gaussian with unit variances and correlation 0.5 (precision (1/0.75)[[1,-.5],[-.5,1]]).
    Target target = Targets.of("correlated-gaussian", List.of("a", "b"), (z, g) -> {
      g[0] = -(z[0] - 0.5 * z[1]) / 0.75;
      g[1] = -(z[1] - 0.5 * z[0]) / 0.75;
      return 0.5 * (z[0] * g[0] + z[1] * g[1]);
    });
    PoeviFit fit;
    try (Poevi poevi = Poevi.local().quiet()) {
      fit = poevi.fit(target, "output.draws = 4000\nfit.iterations = 10");
    }
    assertEquals(List.of("a", "b"), fit.parameterNames());
    double[] z = fit.draws();
    int n = z.length / 2;
    double[] mean = SampleMoments.mean(z, n, 2);
    double[] cov = SampleMoments.covariance(z, n, mean, 2);
    // The draws may be resampled (SIR), so fewer than n are effectively independent; the fit
    // reports their ESS, checked here to be at least n/4 = 1000. Then the standard error of a
    // mean is at most 1/sqrt(1000) = 0.032, of a variance sqrt(2/1000) = 0.045 and of the
    // covariance sqrt((1 + 0.25)/1000) = 0.035: the tolerances are 5 standard errors each.
    double ess = fit.summary().get("sampling").get("ess").asDouble();
    assertTrue(ess >= n / 4.0, "ESS of the output draws " + ess);
    assertEquals(0, mean[0], 0.16);
    assertEquals(0, mean[1], 0.16);
    assertEquals(1, cov[0], 0.23);
    assertEquals(1, cov[3], 0.23);
    assertEquals(0.5, cov[1], 0.18);
  }

  /** Whether {@link #BREAKS_AFTER_THE_FIT}'s target throws (set once its fit is done). */
  private static final java.util.concurrent.atomic.AtomicBoolean BROKEN =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * A target that starts throwing a plain exception (not the contract's
   * TargetEvaluationException) after its fit: the contour plot still draws, leaves the points
   * blank, and says so in the fit's warnings and summary.json instead of hiding it.
   */
  @Test
  void aTargetFailingInAPlotIsAWarning() {
    Target target = Targets.of("breaks-after-the-fit", List.of("a", "b"), (z, g) -> {
      if (BROKEN.get() && z[0] > 0) {
        throw new IllegalStateException("broken");
      }
      g[0] = -z[0];
      g[1] = -z[1];
      return -0.5 * (z[0] * z[0] + z[1] * z[1]);
    });
    PoeviFit fit;
    try (Poevi poevi = Poevi.local().quiet()) {
      fit = poevi.fit(target, SMALL);
    }
    BROKEN.set(true);
    try {
      BufferedImage image = fit.contourPlot();
      assertTrue(image.getWidth() > 0);
    } finally {
      BROKEN.set(false);
    }
    String warning = fit.warnings().get(fit.warnings().size() - 1);
    assertTrue(warning.startsWith("the contour plot leaves ") && warning.contains(
        "java.lang.IllegalStateException: broken"), warning);
    assertTrue(fit.summary().get("warnings").toString().contains("the contour plot leaves"));
  }

  @Test
  void badConfigurationsAreOneLineErrorsNamingTheKey() {
    try (Poevi poevi = Poevi.local().quiet()) {
      InvalidInputException type = assertThrows(InvalidInputException.class,
          () -> poevi.fit("target.type = nope"));
      assertTrue(type.getMessage().contains("nope"), type.getMessage());
      InvalidInputException unknown = assertThrows(InvalidInputException.class,
          () -> poevi.fit(BANANA, "fit.iteratons = 3"));
      assertTrue(unknown.getMessage().contains("fit.iteratons"), unknown.getMessage());
      InvalidInputException missing = assertThrows(InvalidInputException.class,
          () -> poevi.fit("fit.seed = 3"));
      assertTrue(missing.getMessage().contains("target.type"), missing.getMessage());
      InvalidInputException syntax = assertThrows(InvalidInputException.class,
          () -> poevi.fit("target { type = banana"));
      for (InvalidInputException e : List.of(type, unknown, missing, syntax)) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
      }
      assertThrows(InvalidInputException.class, () -> poevi.sparkSession(),
          "no DataFrames without Spark");
      assertThrows(InvalidInputException.class, () -> Targets.of("t", List.of("a", "a"),
          (z, g) -> 0));
    }
  }

  @Test
  void sampleEvaluateAndPlotsFromTheResult() {
    try (Poevi poevi = Poevi.local().quiet()) {
      PoeviFit fit = poevi.fit(BANANA);
      SampleOutcome one = poevi.sample(fit.model(), 2000, 5);
      SampleOutcome two = poevi.sample(fit.model(), 2000, 5);
      assertEquals(4000, one.draws().length);
      assertArrayEquals(one.draws(), two.draws(), "one seed fixes the draws");
      assertTrue(one.report().contains("log-normaliser"), one.report());
      Evaluate.Report report = poevi.evaluate(fit, 2000, 1);
      // KL(p; q) >= 0; its Monte Carlo estimate may dip below by noise: at most 4 of its
      // standard errors.
      double kl = report.json().get("model").get("kl").get("value").asDouble();
      double klSe = report.json().get("model").get("kl").get("standardError").asDouble();
      assertTrue(Double.isFinite(kl) && kl > -4 * klSe, "KL(p; q) " + kl + " ± " + klSe);
      for (BufferedImage image : List.of(fit.tracePlot(), fit.marginalsPlot(), fit.alphaPlot(),
          fit.contourPlot(), report.marginalsPlot())) {
        assertTrue(image.getWidth() > 300 && image.getHeight() > 150);
      }
    }
  }

  @Test
  void aBaselineFitHoldsAGaussian() {
    try (Poevi poevi = Poevi.local().quiet()) {
      PoeviFit fit = poevi.fit("target { type = banana }\noutput.draws = 1000",
          "fit.method = advi-fullrank", "fit.advi.iterations = 200");
      assertEquals("advi-fullrank", fit.method());
      assertInstanceOf(GaussianModel.class, fit.fittedModel());
      assertThrows(InvalidInputException.class, fit::model);
      assertEquals(1000, fit.drawCount());
      assertTrue(fit.modelJson().contains("gaussian"));
    }
  }
}
