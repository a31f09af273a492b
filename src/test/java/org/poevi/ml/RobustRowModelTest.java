package org.poevi.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.example.RobustRowModel;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.statistics.distribution.TDistribution;
import org.junit.jupiter.api.Test;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.RowBlock;
import org.poevi.testing.GradientCheck;

/**
 * The worked example of docs/user-targets.md, {@link RobustRowModel}: its blocked gradient and
 * prior against finite differences, its value against Student-t densities computed
 * independently, the per-row adapter ({@link PerRowModel}) against the blocked model, and the
 * docs' listing against the source. No Spark: the rows are in memory.
 */
class RobustRowModelTest {
  private static final double DOF = 4;
  private static final RobustRowModel MODEL = new RobustRowModel(ConfigFactory.parseString(
      "dof = " + DOF));
  private static final List<String> NAMES = List.of("intercept", "b[1]", "b[2]", "log_sigma");
  /** Points near the fit and far from it (intercept, b1, b2, log sigma). */
  private static final double[][] POINTS = {{0.9, 0.6, -1.1, Math.log(0.7)},
      {-2, 3, 0.5, 1.5}, {0.1, -0.4, 2, -1.2}};

  /** Three blocks of 7, 7 and 5 rows with 2 features, weights and offsets (seeded). */
  static InMemoryRowData rows(boolean weighted) {
    Random rng = new Random(21);
    List<RowBlock> blocks = new ArrayList<>();
    long first = 0;
    for (int b = 0; b < 3; b++) {
      int n = b < 2 ? 7 : 5;
      double[] x = new double[2 * n];
      double[] y = new double[n];
      double[] w = new double[n];
      double[] o = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = rng.nextGaussian();
        x[i + n] = rng.nextGaussian();
        y[i] = 1 + 0.5 * x[i] - x[i + n] + 0.7 * rng.nextGaussian() / Math.sqrt(rng.nextDouble());
        w[i] = i == 2 ? 0 : 0.5 + rng.nextDouble();
        o[i] = 0.3 * rng.nextGaussian();
      }
      blocks.add(weighted ? new RowBlock(b, first, n, 2, x, y, w, o)
          : new RowBlock(b, first, n, 2, x, y));
      first += n;
    }
    return new InMemoryRowData(blocks, 2);
  }

  @Test
  void theBlockedGradientMatchesFiniteDifferences() {
    for (boolean weighted : new boolean[] {false, true}) {
      RowModelTarget target = new RowModelTarget(MODEL, rows(weighted), NAMES);
      for (double[] z : POINTS) {
        GradientCheck.assertGradient(target::logDensity, target::logDensity, z,
            (weighted ? "weighted, " : "") + java.util.Arrays.toString(z));
      }
    }
  }

  @Test
  void thePriorsGradientMatchesFiniteDifferences() {
    for (double[] z : POINTS) {
      GradientCheck.assertGradient(v -> MODEL.logPrior(v, new double[4]), MODEL::logPrior, z,
          "log prior at " + java.util.Arrays.toString(z));
    }
  }

  /**
   * The value is Σ_i w_i·(log t_dof((y_i − a − x_iᵀb − o_i)/σ) − log σ) plus the priors, up to a
   * constant: differences between points equal those of an independent sum of Commons
   * Statistics' t log densities (to 1e-9 relative: rounding of sums of about 20 terms).
   */
  @Test
  void theValueIsTheStudentTLikelihoodUpToAConstant() {
    InMemoryRowData rows = rows(true);
    RowModelTarget target = new RowModelTarget(MODEL, rows, NAMES);
    double[] expected = new double[POINTS.length];
    double[] actual = new double[POINTS.length];
    for (int k = 0; k < POINTS.length; k++) {
      expected[k] = reference(rows, POINTS[k]);
      actual[k] = target.logDensity(POINTS[k], new double[4]);
    }
    for (int k = 1; k < POINTS.length; k++) {
      double want = expected[k] - expected[0];
      assertEquals(want, actual[k] - actual[0], 1e-9 * Math.max(1, Math.abs(want)), "point "
          + k);
    }
  }

  private static double reference(InMemoryRowData rows, double[] z) {
    TDistribution t = TDistribution.of(DOF);
    double sigma = Math.exp(z[3]);
    double lp = -0.5 * (z[0] * z[0] + z[1] * z[1] + z[2] * z[2]) / 100
        - 0.5 * sigma * sigma / 25 + z[3];
    for (RowBlock block : rows.blocks()) {
      int n = block.rows();
      for (int i = 0; i < n; i++) {
        double mean = z[0] + z[1] * block.x()[i] + z[2] * block.x()[i + n] + block.offset()[i];
        lp += block.weight()[i] * (t.logDensity((block.y()[i] - mean) / sigma) - z[3]);
      }
    }
    return lp;
  }

  /**
   * The per-row adapter gives the blocked model's values and gradients for a batch of points
   * (to 1e-12 relative: the same terms, summed in another order), and its gradient matches
   * finite differences.
   */
  @Test
  void thePerRowAdapterAgreesWithTheBlockedModel() {
    InMemoryRowData rows = rows(true);
    RowModelTarget blocked = new RowModelTarget(MODEL, rows, NAMES);
    RowModelTarget perRow = new RowModelTarget(new PerRowRobust(DOF), rows, NAMES);
    int n = POINTS.length;
    double[] z = new double[n * 4];
    for (int k = 0; k < n; k++) {
      System.arraycopy(POINTS[k], 0, z, 4 * k, 4);
    }
    double[] lp = new double[n];
    double[] g = new double[n * 4];
    double[] lpRow = new double[n];
    double[] gRow = new double[n * 4];
    blocked.logDensities(z, n, lp, g);
    perRow.logDensities(z, n, lpRow, gRow);
    for (int k = 0; k < n; k++) {
      assertEquals(lp[k], lpRow[k], 1e-12 * Math.abs(lp[k]), "log density " + k);
    }
    for (int k = 0; k < g.length; k++) {
      assertEquals(g[k], gRow[k], 1e-12 * Math.max(1, Math.abs(g[k])), "gradient " + k);
    }
    for (double[] point : POINTS) {
      GradientCheck.assertGradient(perRow::logDensity, perRow::logDensity, point, "per row");
    }
  }

  /** docs/user-targets.md shows the example's exact source, so the worked example stays true. */
  @Test
  void theDocumentationListsTheExampleSourceVerbatim() throws IOException {
    String doc = Files.readString(Path.of("docs/user-targets.md"));
    String source = Files.readString(Path.of("src/test/java/com/example/RobustRowModel.java"));
    int start = doc.lastIndexOf("```java\n", doc.indexOf("public final class RobustRowModel"));
    int end = doc.indexOf("```", start + 7);
    assertEquals(source, doc.substring(start + "```java\n".length(), end));
  }

  /** The example written row by row (the same model, the same priors). */
  public static final class PerRowRobust extends PerRowModel {
    private static final long serialVersionUID = 1L;
    private final RobustRowModel priors;
    private final double dof;

    public PerRowRobust(double dof) {
      this.dof = dof;
      this.priors = new RobustRowModel(ConfigFactory.parseString("dof = " + dof));
    }

    @Override
    public List<String> parameterNames(List<String> features) {
      return priors.parameterNames(features);
    }

    @Override
    public double logPrior(double[] z, double[] gradient) {
      return priors.logPrior(z, gradient);
    }

    @Override
    public double logLikelihood(double y, double[] x, double offset, double[] z,
        double[] gradient) {
      int last = z.length - 1;
      double sigma = Math.exp(z[last]);
      double mean = z[0] + offset;
      for (int j = 0; j < x.length; j++) {
        mean += x[j] * z[1 + j];
      }
      double u = (y - mean) / sigma;
      double v = 1 + u * u / dof;
      double dlpdu = -(dof + 1) * u / (dof * v);
      gradient[0] = -dlpdu / sigma;
      for (int j = 0; j < x.length; j++) {
        gradient[1 + j] = gradient[0] * x[j];
      }
      gradient[last] = -dlpdu * u - 1;
      return -0.5 * (dof + 1) * Math.log(v) - z[last];
    }
  }
}
