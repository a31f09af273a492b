package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.InvalidInputException;
import org.poevi.family.AffineMap;
import org.poevi.family.Expert;
import org.poevi.family.ModelJson;
import org.poevi.family.NormalizerValidation;
import org.poevi.family.PoeModel;
import org.poevi.family.ProductOfExperts;
import org.poevi.family.SampleOptions;
import org.poevi.family.SampleResult;
import org.poevi.family.SamplingMode;
import org.poevi.math.LogMeanEstimate;

/**
 * A fit carried into coordinates too badly scaled for its experts keeps them in a frame: a
 * logistic regression's standardisation for a raw timestamp predictor (mean 1.7·10⁹, sd 10⁵)
 * makes the intercept–slope ridge so narrow that a rank-one expert's null space is lost to
 * rounding once its Λ is formed densely there. The model is still exactly the image of the
 * fitted one: its log density, its draws and its model.json.
 */
class FramedResultTest {
  @TempDir Path dir;

  /** z = A z̃ + b of a standardisation: intercept −m/s·slope, slope 1/s, a second predictor. */
  private static AffineMap timestamp() {
    double m = 1.7e9;
    double s = 1e5;
    return new AffineMap(new double[] {1, -m / s, 0, 0, 1 / s, 0, 0, 0, 1},
        new double[] {0.5, 0, 0});
  }

  /** A full-rank bulk expert and a rank-one expert along (1, 1, 0), as a fitted pool has. */
  private static ProductOfExperts fitted() {
    Expert bulk = Expert.of(new double[] {0.1, -0.2, 0.3}, new double[] {1, 0.2, 0, 0.2, 1.5,
        0.1, 0, 0.1, 0.8});
    Expert ridge = Expert.of(new double[] {0.5, 0, 0}, new double[] {1, 1, 0, 1, 1, 0, 0, 0,
        0});
    return ProductOfExperts.of(List.of(bulk, ridge), new double[] {3, 1.5});
  }

  private static PoeResult result(ProductOfExperts family, int dim) {
    LogMeanEstimate e = new LogMeanEstimate(-1.5, 0.01, 100, 0.1, 100);
    NormalizerValidation n = new NormalizerValidation(e, e, true,
        NormalizerValidation.Source.DIRICHLET, List.of());
    double[] draws = new double[4 * dim];
    for (int i = 0; i < draws.length; i++) {
      draws[i] = 0.1 * (i % 5) - 0.2;
    }
    SampleResult d = new SampleResult(draws, dim, 4, SamplingMode.SIR, 100, 1, 50, e, 0,
        "dirichlet", List.of());
    return new PoeResult(family, List.of("bulk", "axis"), List.of("a", "b", "c"), List.of(),
        List.of(), StopReason.CONVERGED, new PoeResult.Finish(d, n, 0.1, new double[4],
        new double[4]), 0, 0, 1, List.of(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), List.of(), null);
  }

  @Test
  void aMapTheExpertsCannotSurviveBecomesTheModelsFrame() {
    ProductOfExperts family = fitted();
    AffineMap map = timestamp();
    // The fixture: formed densely in z, the rank-one expert's null space is lost.
    assertNull(PoeResult.carried(map, family, result(family, 3).finish().draws().draws()));
    PoeResult mapped = result(family, 3).mapped(map, List.of("intercept", "t", "u"));
    assertSame(map, mapped.frame());
    assertSame(family, mapped.family());
    PoeModel model = mapped.model();
    // log C in z is the frame's plus log|det A|, and log q(z) = log q̃(z̃) − log|det A|.
    assertEquals(-1.5 + map.logAbsDet(), model.logNormalizer().estimate(), 1e-12);
    double[] zTilde = {0.3, -0.4, 1.2, -0.7, 0.2, 0.05};
    double[] z = map.apply(zTilde, 2);
    double[] logQ = model.logDensities(z, model.logNormalizer().estimate(), 1);
    for (int p = 0; p < 2; p++) {
      double expected = family.logDensityUnnormalized(java.util.Arrays.copyOfRange(zTilde,
          3 * p, 3 * p + 3)) + 1.5 - map.logAbsDet();
      // Rounding of the triangular solve back to z̃ (entries up to m/s = 1.7e4): 1e-9.
      assertEquals(expected, logQ[p], 1e-9 * Math.max(1, Math.abs(expected)));
    }
    // Draws are the frame's, moved: pulled back, they are the family's own draws.
    SampleOptions options = SampleOptions.builder().draws(200).seed(5).threads(1).build();
    double[] own = org.poevi.family.ValidatedSampler.sample(family, options).draws().draws();
    double[] moved = model.sample(options, null).draws().draws();
    assertArrayEquals(map.apply(own, 200), moved, 0);
  }

  @Test
  void aFramedModelRoundTripsThroughModelJson() throws Exception {
    PoeModel model = result(fitted(), 3).mapped(timestamp(), List.of("intercept", "t", "u"))
        .model();
    Path file = dir.resolve("model.json");
    ModelJson.write(model, file);
    PoeModel back = ModelJson.read(file);
    assertNotNull(back.frame());
    assertArrayEquals(model.frame().a(), back.frame().a(), 0);
    assertArrayEquals(model.frame().b(), back.frame().b(), 0);
    assertEquals(ModelJson.toJson(model), ModelJson.toJson(back));
    com.fasterxml.jackson.databind.node.ObjectNode tree = ModelJson.toJson(model);
    ((com.fasterxml.jackson.databind.node.ArrayNode) tree.get("frame").get("a").get(1)).set(0,
        3.0);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelJson.parse(tree.toString()));
    assertEquals("frame.a[1][0] = 3.0: frame.a must be upper triangular", e.getMessage());
    InvalidInputException used = assertThrows(InvalidInputException.class,
        () -> back.unframedFamily("experts.from"));
    assertEquals("experts.from needs a model whose experts are in its parameters' coordinates;"
        + " this model.json has a \"frame\" (its posterior's coordinates are too badly scaled to"
        + " hold the experts)", used.getMessage());
  }

  /** In ordinary coordinates the experts are carried over as before: no frame. */
  @Test
  void aWellScaledMapCarriesTheExperts() {
    AffineMap mild = new AffineMap(new double[] {1, -2000.0 / 30, 0, 0, 1.0 / 30, 0, 0, 0, 2},
        new double[] {0.5, 0, 0});
    PoeResult mapped = result(fitted(), 3).mapped(mild, List.of("intercept", "t", "u"));
    assertNull(mapped.frame());
    assertNull(mapped.model().frame());
  }
}
