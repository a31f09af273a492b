package org.poevi.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.junit.jupiter.api.Test;
import org.poevi.family.Expert;
import org.poevi.family.ProductOfExperts;
import org.poevi.fit.TraceRow;
import org.poevi.math.RandomStreams;
import org.poevi.targets.BananaTarget;

/**
 * Every picture renders as a PNG of the expected size that is not blank: the luminance of its
 * pixels varies (a blank or single-colour image has variance 0; text and lines on white give far
 * more than the threshold, which is one grey level's worth, (1/255)²).
 */
class FitPlotsTest {
  /** The picture as the PNG file it becomes, read back. */
  private static BufferedImage decode(BufferedImage picture) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(FitPlots.png(picture)));
    assertTrue(image != null, "a PNG");
    return image;
  }

  private static void assertNotBlank(BufferedImage image, String what) {
    double sum = 0;
    double squares = 0;
    int n = 0;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y);
        double lum = (0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255)
            + 0.114 * (rgb & 255)) / 255;
        sum += lum;
        squares += lum * lum;
        n++;
      }
    }
    double variance = squares / n - (sum / n) * (sum / n);
    assertTrue(variance > 1.0 / (255 * 255), what + ": pixel variance " + variance);
  }

  private static double[] draws(int n, int dim, long seed) {
    var normal = ZigguratSampler.NormalizedGaussian.of(RandomStreams.of(seed).stream(1));
    double[] out = new double[n * dim];
    for (int i = 0; i < out.length; i++) {
      out[i] = normal.sample() * (1 + i % dim);
    }
    return out;
  }

  @Test
  void traceHasFourPanels() throws IOException {
    List<TraceRow> rows = new ArrayList<>();
    for (int t = 1; t <= 6; t++) {
      rows.add(new TraceRow(t, new TraceRow.BatchInfo(500, 0.25, 1, Double.NaN, Double.NaN),
          new TraceRow.StepInfo(10.0 / t, 0.1, 0.01, 10 + t, 5, 8, "OPTIMAL", 2, 100),
          -3 + 0.1 * t, 1000L * t, t));
    }
    BufferedImage image = decode(FitPlots.trace(rows));
    assertEquals(2 * 480, image.getWidth());
    assertEquals(2 * 320, image.getHeight());
    assertNotBlank(image, "trace");
  }

  @Test
  void marginalsAreAGridOfAtMostSixteenPanelsWithAReference() throws IOException {
    int dim = 5;
    List<String> names = List.of("a", "b", "c", "d", "e");
    BufferedImage image = decode(FitPlots.marginals(draws(4000, dim, 1), dim, names,
        draws(3000, dim, 2)));
    // 5 panels: 3 columns, 2 rows of 360×240.
    assertEquals(3 * 360, image.getWidth());
    assertEquals(2 * 240, image.getHeight());
    assertNotBlank(image, "marginals");
    List<String> many = new ArrayList<>();
    for (int d = 0; d < 20; d++) {
      many.add("z" + d);
    }
    BufferedImage capped = decode(FitPlots.marginals(draws(500, 20, 3), 20, many, null));
    assertEquals(4 * 360, capped.getWidth(), "16 of 20 coordinates: 4 columns");
    // 4 rows and a caption line saying that 4 coordinates are not shown.
    assertEquals(4 * 240 + 24, capped.getHeight());
    boolean captionInked = false;
    for (int x = 0; x < capped.getWidth() && !captionInked; x++) {
      for (int y = 4 * 240; y < capped.getHeight(); y++) {
        if ((capped.getRGB(x, y) & 0xffffff) != 0xffffff) {
          captionInked = true;
          break;
        }
      }
    }
    assertTrue(captionInked, "the caption is drawn");
  }

  @Test
  void alphaBarsShowTheActiveExperts() throws IOException {
    double[] alpha = {0, 1.5, 0, 0.2, 3};
    BufferedImage image = decode(FitPlots.alpha(alpha, List.of("mode", "bulk", "bulk",
        "global", "broad")));
    assertEquals(960, image.getWidth());
    assertEquals(400, image.getHeight());
    assertNotBlank(image, "alpha");
  }

  @Test
  void contoursOfLogQNextToLogPWithDraws() throws IOException {
    BananaTarget banana = BananaTarget.of(2, 2, 0.5);
    ProductOfExperts family = ProductOfExperts.of(List.of(
        Expert.of(new double[] {0, 0}, new double[] {0.3, 0, 0, 0.3})), new double[] {3});
    BufferedImage image = decode(FitPlots.contours(family, (points, n, out) -> {
      for (int i = 0; i < n; i++) {
        out[i] = banana.logDensity(new double[] {points[2 * i], points[2 * i + 1]});
      }
    }, draws(2000, 2, 4), List.of("x", "y")));
    assertEquals(2 * 400 + 3 * 40, image.getWidth());
    assertEquals(400 + 2 * 40 + 20, image.getHeight());
    assertNotBlank(image, "contours");
  }
}
