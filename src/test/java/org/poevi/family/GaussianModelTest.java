package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.InvalidInputException;
import org.poevi.math.RandomStreams;

/** The baselines' Gaussian model: density, score, draws, and model.json with family gaussian. */
class GaussianModelTest {
  private static final double[] S = {2, 0.6, 0.6, 1};
  private static final GaussianModel MODEL = new GaussianModel(List.of("a", "b"),
      new double[] {1, -1}, S);

  @TempDir
  Path dir;

  /** log N(z; m, S) written out for 2-D (det 1.64, inverse by hand); rounding only (1e-14). */
  @Test
  void densityAndScoreAreTheGaussians() {
    double[] z = {0.3, 0.5};
    double det = 2 * 1 - 0.6 * 0.6;
    double dx = z[0] - 1;
    double dy = z[1] + 1;
    double quad = (1 * dx * dx - 2 * 0.6 * dx * dy + 2 * dy * dy) / det;
    double expected = -0.5 * quad - Math.log(2 * Math.PI) - 0.5 * Math.log(det);
    double[] score = new double[2];
    assertEquals(expected, MODEL.density().logDensity(z, score), 1e-14);
    assertArrayEquals(new double[] {-(1 * dx - 0.6 * dy) / det, -(-0.6 * dx + 2 * dy) / det},
        score, 1e-14);
  }

  /**
   * 200,000 draws: means within 4 standard errors (sd/√n, sd ≤ 1.42: 0.013), covariances within
   * 4 SE of a sample covariance (about √2·S_ii/√n ≤ 0.0064 → 0.026).
   */
  @Test
  void drawsHaveTheMeanAndCovariance() {
    int n = 200_000;
    double[] z = MODEL.sample(RandomStreams.of(3).stream(1), n);
    double[] mean = org.poevi.math.SampleMoments.mean(z, n, 2);
    double[] cov = org.poevi.math.SampleMoments.covariance(z, n, mean, 2);
    assertArrayEquals(new double[] {1, -1}, mean, 0.013);
    assertArrayEquals(S, cov, 0.026);
  }

  @Test
  void modelJsonRoundTripsAndRejectsABadCovariance() throws IOException {
    Path file = dir.resolve("model.json");
    Files.writeString(file, ModelJson.toJson(MODEL).toString());
    GaussianModel back = (GaussianModel) ModelJson.readAny(file);
    assertEquals(MODEL.parameters(), back.parameters());
    assertArrayEquals(MODEL.mean(), back.mean(), 0);
    assertArrayEquals(MODEL.covariance(), back.covariance(), 0);
    Files.writeString(file, ModelJson.toJson(MODEL).toString().replace("[ 2.0, 0.6 ]",
        "[ 2.0, 3.0 ]").replace("[2.0,0.6]", "[2.0,3.0]"));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelJson.readAny(file));
    assertTrue(e.getMessage().startsWith("model file " + file + ": covariance["),
        e.getMessage());
    InvalidInputException notPoe = assertThrows(InvalidInputException.class,
        () -> ModelJson.read(dir.resolve("missing.json")));
    assertTrue(notPoe.getMessage().contains("does not exist"));
  }
}
