package org.poevi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.baselines.Advi;
import org.poevi.baselines.Bam;
import org.poevi.baselines.LaplaceStarted;
import org.poevi.fit.ExpertPool;
import org.poevi.fit.PoeFitter;
import org.poevi.fit.PoeSettings;
import org.poevi.fit.UnderPSettings;
import org.poevi.fit.UnderQSettings;

/**
 * The configuration's shape: every key that moved fails with one line naming its new key, a key
 * of another method or objective than the chosen one fails naming both, and each fit.method maps
 * to its fitter with its own block's settings.
 */
class ConfigKeysTest {
  private static final String BANANA = "target { type = banana }";

  private static String error(String hocon, String... overrides) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> FitConfig.parse(hocon, List.of(overrides)).fitter());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void everyMovedKeyNamesItsNewPlace() {
    Map<String, String> moved = Map.ofEntries(
        Map.entry("experts.mode-starts=4", "init.mode-starts"),
        Map.entry("experts.start-scale=3", "init.start-scale"),
        Map.entry("experts.gaussian-rounds=2", "init.gaussian-rounds"),
        Map.entry("experts.gaussian-draws=2000", "init.gaussian-draws"),
        Map.entry("fit.proposal-dof=4", "fit.under-p.proposal-dof"),
        Map.entry("fit.proposal-scale=2", "fit.under-p.proposal-scale"),
        Map.entry("fit.min-ess-fraction=0.1", "fit.under-p.min-ess-fraction"),
        Map.entry("fit.population=always", "fit.under-p.population"),
        Map.entry("fit.move-steps=3", "fit.under-p.move-steps"),
        Map.entry("fit.move-burn-in=10", "fit.under-p.move-burn-in"),
        Map.entry("fit.growth-cap=2", "fit.under-q.growth-cap"),
        Map.entry("fit.ess-floor=0.1", "fit.under-q.ess-floor"),
        Map.entry("fit.q-temper=0.5", "fit.under-q.q-temper"),
        Map.entry("advi.iterations=10", "fit.advi.iterations"),
        Map.entry("advi.learning-rate=0.2", "fit.advi.learning-rate"),
        Map.entry("bam.batch-size=8", "fit.bam.batch-size"));
    for (Map.Entry<String, String> e : moved.entrySet()) {
      String old = e.getKey().substring(0, e.getKey().indexOf('='));
      assertEquals("configuration key " + old + " has moved to " + e.getValue()
          + " (conf/reference.conf)", error(BANANA, e.getKey()));
    }
    // A whole old block too, as a file writes it.
    assertEquals("configuration key advi.iterations has moved to fit.advi.iterations"
        + " (conf/reference.conf)", error(BANANA + "\nadvi { iterations = 5 }"));
  }

  @Test
  void anUnknownKeyIsNamed() {
    assertTrue(error(BANANA, "fit.iteratons=3").startsWith("unknown configuration key"
        + " fit.iteratons"));
  }

  @Test
  void aKeyOfTheOtherObjectiveIsAnError() {
    assertEquals("fit.under-q.growth-cap applies to fit.objective = under-q, not to the chosen"
        + " fit.objective = under-p", error(BANANA, "fit.under-q.growth-cap=2"));
    assertEquals("fit.under-p.move-steps applies to fit.objective = under-p, not to the chosen"
        + " fit.objective = under-q", error(BANANA, "fit.objective=under-q",
        "fit.under-p.move-steps=3"));
  }

  @Test
  void aKeyOfAnotherMethodIsAnError() {
    assertEquals("fit.advi.iterations applies to fit.method = advi-fullrank or advi-meanfield,"
        + " not to the chosen fit.method = poe", error(BANANA, "fit.advi.iterations=5"));
    assertEquals("fit.bam.iterations applies to fit.method = bam, not to the chosen fit.method"
        + " = advi-meanfield", error(BANANA, "fit.method=advi-meanfield",
        "fit.bam.iterations=5"));
    for (String poeOnly : List.of("init.mode-starts=2", "experts.count=4", "fit.iterations=3",
        "fit.objective=under-q", "fit.under-p.move-steps=2", "fit.metric=identity")) {
      String key = poeOnly.substring(0, poeOnly.indexOf('='));
      assertEquals(key + " applies to fit.method = poe, not to the chosen fit.method = bam",
          error(BANANA, "fit.method=bam", poeOnly));
    }
  }

  /**
   * A key of another method or objective set to its default changes nothing, so it is not an
   * error: a copy of conf/reference.conf (every key with its default) is a valid configuration.
   */
  @Test
  void theReferenceItselfIsAValidConfiguration() throws java.io.IOException {
    String reference = java.nio.file.Files.readString(java.nio.file.Path.of(
        "conf/reference.conf"));
    FitConfig config = FitConfig.parse(reference + "\n" + BANANA, List.of());
    assertInstanceOf(PoeFitter.class, config.chosenFitter());
    assertInstanceOf(LaplaceStarted.class, FitConfig.parse(reference + "\n" + BANANA,
        List.of("fit.method=bam")).chosenFitter());
    assertEquals("fit.under-q.growth-cap applies to fit.objective = under-q, not to the chosen"
        + " fit.objective = under-p", error(reference + "\n" + BANANA,
        "fit.under-q.growth-cap=2"));
  }

  @Test
  void aMisspelledObjectiveIsNamedFirst() {
    assertTrue(error(BANANA, "fit.objective=under_q", "fit.under-q.growth-cap=2")
        .startsWith("fit.objective must be"));
  }

  @Test
  void poolKeysDoNotApplyWithGivenExperts() {
    assertEquals("experts.count does not apply with experts.from: the pool is the given model's"
        + " experts", error(BANANA, "experts.from=conf/examples/bimodal-2d.json",
        "experts.count=4"));
  }

  @Test
  void eachMethodMapsToItsFitterWithItsBlock() {
    FitConfig poe = FitConfig.parse(BANANA, List.of("fit.objective=under-q",
        "fit.under-q.growth-cap=1.5", "init.mode-starts=3", "experts.count=5"));
    assertInstanceOf(PoeFitter.class, poe.chosenFitter());
    PoeSettings settings = poe.poeSettings();
    assertEquals(new UnderQSettings(1.5, 0.2, 1), settings.alpha().objective());
    assertEquals(3, settings.init().modeStarts());
    assertEquals(org.poevi.fit.InitSettings.AUTO_ROUNDS, settings.init().gaussianRounds());
    assertEquals(2, FitConfig.parse(BANANA, List.of("init.gaussian-rounds=2")).poeSettings()
        .init().gaussianRounds());
    assertEquals("init.gaussian-rounds must be auto or a number >= 0, got \"many\"",
        error(BANANA, "init.gaussian-rounds=many"));
    assertEquals(5, ((ExpertPool.Settings) settings.experts()).locations());
    assertEquals(UnderPSettings.defaults(), FitConfig.parse(BANANA, List.of()).poeSettings()
        .alpha().objective());
    assertInstanceOf(LaplaceStarted.class, FitConfig.parse(BANANA, List.of(
        "fit.method=advi-fullrank", "fit.advi.iterations=7")).chosenFitter());
    assertInstanceOf(Advi.class, FitConfig.parse(BANANA, List.of("fit.method=advi-meanfield",
        "fit.advi.init=standard")).chosenFitter());
    assertInstanceOf(Bam.class, FitConfig.parse(BANANA, List.of("fit.method=bam",
        "fit.bam.batch-size=8", "fit.bam.init=standard")).chosenFitter());
    assertEquals(7, FitConfig.parse(BANANA, List.of("fit.method=advi-fullrank",
        "fit.advi.iterations=7")).adviSettings().iterations());
  }

  @Test
  void theReferenceHasEveryBlockOfTheFit() {
    FitConfig config = FitConfig.parse(BANANA, List.of());
    for (String key : List.of("init.mode-starts", "experts.count", "fit.method", "fit.seed",
        "fit.under-p.population", "fit.under-q.growth-cap", "fit.advi.iterations",
        "fit.bam.batch-size", "output.draws", "spark.partitions")) {
      assertTrue(config.resolved().hasPath(key), key);
    }
  }
}
