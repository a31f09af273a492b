package org.poevi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.InvalidInputException;
import org.poevi.fit.PoeFitter;
import org.poevi.fit.PoeResult;
import org.poevi.fit.PoeSettings;
import org.poevi.fit.Progress;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.LogisticLikelihood;
import org.poevi.targets.glm.RowBlock;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * Regression data read from files through Spark (issue #5): CSV, Parquet and JSON lines give the
 * same rows, in file order, as the rows written, so the likelihood sums equal those of the same
 * rows in memory bit for bit; bad files are one-line errors naming the key, column or row.
 */
class DataFileTest {
  @TempDir
  Path dir;

  /** Writes the synthetic rows (without the intercept column) as CSV: y, x1, ..., xP. */
  private static Path csv(Path file, SyntheticLogisticData data) throws IOException {
    StringBuilder text = new StringBuilder("y");
    for (int j = 1; j <= data.predictors(); j++) {
      text.append(",x").append(j);
    }
    text.append('\n');
    for (int b = 0; b < data.numBlocks(); b++) {
      RowBlock block = data.block(b);
      for (int i = 0; i < block.rows(); i++) {
        text.append(block.y()[i]);
        for (int j = 1; j <= data.predictors(); j++) {
          text.append(',').append(block.x()[i + j * block.rows()]);
        }
        text.append('\n');
      }
    }
    return Files.writeString(file, text);
  }

  private static DataFile file(Path path, String... predictors) {
    return new DataFile(path.toString(), "y", List.of(predictors), true,
        DataFile.ResponseKind.BINARY);
  }

  @Test
  void csvParquetAndJsonGiveTheWrittenRowsBitForBit() throws IOException {
    SyntheticLogisticData data = new SyntheticLogisticData(
        2 * SyntheticLogisticData.BLOCK_ROWS + 300, 3, true, 5);
    Path csv = csv(dir.resolve("rows.csv"), data);
    SparkSession session = SparkSession.builder().sparkContext(SparkTestContext.get().sc())
        .getOrCreate();
    var frame = session.read().option("header", true).option("inferSchema", true)
        .csv(csv.toString());
    // One output file each, so the file order is the rows' order.
    Path parquet = dir.resolve("rows.parquet");
    Path json = dir.resolve("rows.json");
    frame.coalesce(1).write().parquet(parquet.toString());
    frame.coalesce(1).write().json(json.toString());
    int n = 13;
    double[] z = new double[n * 4];
    Random rng = new Random(2);
    for (int i = 0; i < z.length; i++) {
      z[i] = 0.4 * rng.nextGaussian();
    }
    LogisticLikelihood lik = new LogisticLikelihood(4);
    double[] expected = InMemoryRowData.of(data, 2).sums(lik, z, n);
    for (Path path : new Path[] {csv, parquet, json}) {
      for (int partitions : new int[] {1, 3}) {
        try (SparkRowData rows = SparkRowData.read(SparkTestContext.get(),
            file(path, "x1", "x2", "x3"), partitions)) {
          assertEquals(data.rows(), rows.rows());
          assertEquals(4, rows.columns());
          assertArrayEquals(expected, rows.sums(lik, z, n), 0.0, path + ", " + partitions);
        }
      }
    }
    assertTrue(SparkTestContext.get().getPersistentRDDs().isEmpty(), "nothing left cached");
  }

  private void assertError(String content, DataFile.ResponseKind kind, String message,
      String... predictors) throws IOException {
    Path path = Files.writeString(dir.resolve("bad" + content.hashCode() + ".csv"), content);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> SparkRowData.read(
        SparkTestContext.get(), new DataFile(path.toString(), "y", List.of(predictors), true,
            kind), 2));
    assertEquals(message.replace("PATH", path.toString()), e.getMessage());
  }

  @Test
  void badDataIsAOneLineErrorBeforeAnyFitting() throws IOException {
    assertError("y,x1\n1,0.5\n0,0.1\n", DataFile.ResponseKind.BINARY,
        "target.data.predictors: no column \"x2\" in PATH (columns: y, x1)", "x1", "x2");
    assertError("y,x1\n1,0.5\n0,abc\n", DataFile.ResponseKind.BINARY,
        "target.data.predictors: column \"x1\" of PATH is not numeric (string)", "x1");
    assertError("y,x1\n1,0.5\n0,NaN\n1,2\n", DataFile.ResponseKind.BINARY,
        "target.data.path: row 2 of PATH: column \"x1\" is NaN", "x1");
    assertError("y,x1\n1,0.5\n0,\n", DataFile.ResponseKind.BINARY,
        "target.data.path: row 2 of PATH: column \"x1\" is empty (null)", "x1");
    assertError("y,x1\n1,0.5\n2,0.1\n", DataFile.ResponseKind.BINARY,
        "target.data.path: row 2 of PATH: response \"y\" is 2.0, but must be 0 or 1", "x1");
    assertError("y,x1\n1,0.5\n-1,0.1\n", DataFile.ResponseKind.COUNT,
        "target.data.path: row 2 of PATH: response \"y\" is -1.0, but must be a count (0, 1, 2,"
            + " ..., at most 2^53)", "x1");
    // Found by the fuzz harness: a count of 1e308 made log y! infinite, naming no row.
    assertError("y,x1\n1,0.5\n1e308,0.1\n", DataFile.ResponseKind.COUNT,
        "target.data.path: row 2 of PATH: response \"y\" is 1.0E308, but must be a count (0, 1,"
            + " 2, ..., at most 2^53)", "x1");
    assertError("y,x1\n", DataFile.ResponseKind.BINARY, "target.data.path: PATH has no rows",
        "x1");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> SparkRowData.read(
        SparkTestContext.get(), file(dir.resolve("missing.csv"), "x1"), 2));
    assertEquals("target.data.path: no such file: " + dir.resolve("missing.csv"),
        e.getMessage());
    // Found by the fuzz harness: a colon after a slash is a malformed URI, not a Java exception.
    String odd = dir + "/:rows.csv";
    e = assertThrows(InvalidInputException.class, () -> SparkRowData.read(
        SparkTestContext.get(), new DataFile(odd, null, null, java.util.Map.of(), "y",
            List.of("x1"), true, DataFile.ResponseKind.BINARY), 2));
    assertEquals("target.data.path: cannot read " + odd + ": not a valid path or URI (Relative"
        + " path in absolute URI)", e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> SparkRowData.read(
        SparkTestContext.get(), file(dir.resolve("rows.txt"), "x1"), 2));
    assertEquals("target.data.path must end in .csv, .parquet, .json or .jsonl, or"
        + " target.data.format must name its format (e.g. orc), got " + dir.resolve("rows.txt"),
        e.getMessage());
  }

  /**
   * Recovery: Poisson regression from a CSV of counts drawn with known coefficients. With 20,000
   * rows the posterior mean is within 4 posterior sd of the truth in each coordinate (probability
   * 1 − 2e-4 for a correct posterior, Bernstein–von Mises).
   */
  @Test
  void poissonRegressionRecoversKnownCoefficients() throws IOException {
    double[] truth = {0.5, 0.3, -0.4};
    org.apache.commons.rng.UniformRandomProvider rng = org.poevi.math.RandomStreams.of(17)
        .stream(1);
    var normal = org.apache.commons.rng.sampling.distribution.ZigguratSampler.NormalizedGaussian
        .of(rng);
    StringBuilder text = new StringBuilder("count,x1,x2\n");
    for (int i = 0; i < 20000; i++) {
      double x1 = normal.sample();
      double x2 = normal.sample();
      double mean = Math.exp(truth[0] + truth[1] * x1 + truth[2] * x2);
      int y = org.apache.commons.rng.sampling.distribution.PoissonSampler.of(rng, mean).sample();
      text.append(y).append(',').append(x1).append(',').append(x2).append('\n');
    }
    Path path = Files.writeString(dir.resolve("counts.csv"), text);
    DataFile file = new DataFile(path.toString(), "count", List.of("x1", "x2"), true,
        DataFile.ResponseKind.COUNT);
    try (SparkRowData rows = SparkRowData.read(SparkTestContext.get(), file, 2)) {
      org.poevi.targets.glm.RegressionTarget target = new org.poevi.targets.glm.RegressionTarget(
          org.poevi.targets.glm.RegressionTarget.Family.POISSON, rows, true,
          org.poevi.targets.glm.Prior.normal(0, 2.5), org.poevi.targets.glm.Prior.normal(0, 2.5));
      PoeResult fit = new PoeFitter(PoeSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(1024)
              .modeStarts(1).locations(8).iterations(8).batchSize(512).outputDraws(4000).build(), org.poevi.qp.OjAlgoQpSolver.create()).fit(target, new org.poevi.evaluator.LocalScoreEvaluator(target, 2), Progress.SILENT);
      for (int d = 0; d < 3; d++) {
        double[] meanSd = meanSd(fit.finish().draws().draws(), 3, d);
        assertTrue(Math.abs(meanSd[0] - truth[d]) <= 4 * meanSd[1], "coordinate " + d
            + ": mean " + meanSd[0] + ", sd " + meanSd[1] + ", truth " + truth[d]);
      }
    }
  }

  /**
   * linear-regression read from JSON lines: with flat priors the posterior mode is the least
   * squares fit with σ² = RSS/(N − 1), so the gradient vanishes there (to the rounding of sums
   * over 5000 rows: 1e-8 of the gradient's scale, the sum of |terms|), and the posterior mean of
   * β is the least squares fit itself (exactly, for flat priors). A short fit's means are held to
   * 0.25 posterior sd of it: fits of near-Gaussian posteriors land within 0.1 sd
   * (docs/benchmarks.md, arK), and 4000 draws add a Monte Carlo error of 0.016 sd per standard
   * error, 0.064 at 4 SE.
   */
  @Test
  void linearRegressionFromJsonLinesFindsTheLeastSquaresFit() throws IOException {
    int n = 5000;
    org.apache.commons.rng.UniformRandomProvider rng = org.poevi.math.RandomStreams.of(23)
        .stream(1);
    var normal = org.apache.commons.rng.sampling.distribution.ZigguratSampler.NormalizedGaussian
        .of(rng);
    StringBuilder text = new StringBuilder();
    double[][] xtx = new double[3][3];
    double[] xty = new double[3];
    double[][] rows = new double[n][];
    for (int i = 0; i < n; i++) {
      double x1 = 3 + 2 * normal.sample();
      double x2 = normal.sample();
      double y = 1 + 2 * x1 - x2 + 0.5 * normal.sample();
      text.append("{\"y\": ").append(y).append(", \"x1\": ").append(x1).append(", \"x2\": ")
          .append(x2).append("}\n");
      rows[i] = new double[] {1, x1, x2, y};
      for (int a = 0; a < 3; a++) {
        xty[a] += rows[i][a] * y;
        for (int b = 0; b < 3; b++) {
          xtx[a][b] += rows[i][a] * rows[i][b];
        }
      }
    }
    double[] beta = solve3(xtx, xty);
    double rss = 0;
    for (double[] r : rows) {
      double e = r[3] - beta[0] - beta[1] * r[1] - beta[2] * r[2];
      rss += e * e;
    }
    Path path = Files.writeString(dir.resolve("data.jsonl"), text);
    DataFile file = new DataFile(path.toString(), "y", List.of("x1", "x2"), true,
        DataFile.ResponseKind.REAL);
    try (SparkRowData data = SparkRowData.read(SparkTestContext.get(), file, 3)) {
      org.poevi.targets.glm.Prior flat = org.poevi.targets.glm.Prior.flat();
      org.poevi.targets.glm.RegressionTarget target = new org.poevi.targets.glm.RegressionTarget(
          org.poevi.targets.glm.RegressionTarget.Family.LINEAR, data, true,
          new org.poevi.targets.glm.Prior[] {flat, flat, flat, org.poevi.targets.glm.Prior.flatScale()},
          null);
      assertEquals(List.of("intercept", "beta[1]", "beta[2]", "log_sigma"),
          target.parameterNames());
      double[] mode = {beta[0], beta[1], beta[2], 0.5 * Math.log(rss / (n - 1))};
      double[] g = new double[4];
      target.logDensity(mode, g);
      // Gradient terms are residual·x over 5000 rows divided by σ² ≈ 0.25: |terms| ≲ 5000·0.5·9/0.25.
      for (int d = 0; d < 4; d++) {
        assertEquals(0, g[d], 1e-8 * 5000 * 0.5 * 9 / 0.25, "gradient " + d + " at the mode");
      }
      PoeResult fit = new PoeFitter(PoeSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(1024)
              .modeStarts(2).locations(8).iterations(8).batchSize(512).outputDraws(4000).build(), org.poevi.qp.OjAlgoQpSolver.create()).fit(target, new org.poevi.evaluator.LocalScoreEvaluator(target, 2), Progress.SILENT);
      for (int d = 0; d < 3; d++) {
        double[] meanSd = meanSd(fit.finish().draws().draws(), 4, d);
        assertTrue(Math.abs(meanSd[0] - beta[d]) <= 0.25 * meanSd[1], "coefficient " + d
            + ": mean " + meanSd[0] + ", sd " + meanSd[1] + ", least squares " + beta[d]);
      }
    }
  }

  /** Mean and sd of coordinate d of n×dim row-major draws. */
  private static double[] meanSd(double[] draws, int dim, int d) {
    int n = draws.length / dim;
    double mean = 0;
    double square = 0;
    for (int i = 0; i < n; i++) {
      mean += draws[i * dim + d] / n;
      square += draws[i * dim + d] * draws[i * dim + d] / n;
    }
    return new double[] {mean, Math.sqrt(square - mean * mean)};
  }

  /** The solution of a 3×3 system by Cramer's rule (a well-conditioned XᵀX here). */
  private static double[] solve3(double[][] a, double[] b) {
    double det = det3(a);
    double[] x = new double[3];
    for (int c = 0; c < 3; c++) {
      double[][] m = {a[0].clone(), a[1].clone(), a[2].clone()};
      for (int r = 0; r < 3; r++) {
        m[r][c] = b[r];
      }
      x[c] = det3(m) / det;
    }
    return x;
  }

  private static double det3(double[][] m) {
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  }
}
