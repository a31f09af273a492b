package org.poevi.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.results.JsonOutput;
import org.poevi.spark.Poevi;
import org.poevi.spark.PoeviFit;

/**
 * The Estimator on a DataFrame gives the model.json of the file path ({@code target.data}) on
 * the same rows, byte for byte, for 1 and 3 partitions: the same rows in the same blocks, the
 * same priors, the same fit.
 */
class EstimatorMatchesFilePathTest {
  @TempDir
  Path dir;

  @Test
  void logisticModelJsonIsTheFilePaths() {
    double[][] rows = MlTestData.rows("logistic", 600, -0.3, new double[] {0.8, -0.5}, 11);
    Path csv = MlTestData.csv(rows, dir);
    String reference;
    try (Poevi poevi = Poevi.on(MlTestData.session()).quiet()) {
      PoeviFit fit = poevi.fit("target { type = logistic-regression, data { path = \"" + csv
          + "\", response = y, predictors = [x1, x2] } }\nfit.seed = 5");
      reference = JsonOutput.text(fit.fittedModel().toJson());
    }
    for (int partitions : new int[] {1, 3}) {
      Dataset<Row> frame = MlTestData.frame(rows, partitions);
      // Evaluated on the driver (a small frame, spark.partitions = 0) and on the executors.
      for (String config : new String[] {"", "spark.partitions = 2"}) {
        BayesianLogisticRegressionModel model = new BayesianLogisticRegression()
            .setStandardization(false).setSeed(5).setConfig(config).fit(frame);
        assertEquals(reference, JsonOutput.text(model.fittedModel().toJson()),
            partitions + " partitions, config \"" + config + "\"");
      }
    }
  }

  /**
   * With exact sums the rows' order and blocks do not matter either: the file path with
   * {@code exact-sums = true} and the Estimator with {@code exactSums} on the rows shuffled, in
   * 1 and 3 partitions, give one model.json.
   */
  @Test
  void withExactSumsTheRowOrderDoesNotMatter() {
    double[][] rows = MlTestData.rows("poisson", 400, 0.2, new double[] {0.4, -0.3}, 13);
    Path csv = MlTestData.csv(rows, dir);
    String reference;
    try (Poevi poevi = Poevi.on(MlTestData.session()).quiet()) {
      PoeviFit fit = poevi.fit("target { type = poisson-regression, exact-sums = true, data {"
          + " path = \"" + csv + "\", response = y, predictors = [x1, x2] } }\nfit.seed = 5\n"
          + MlTestData.QUICK);
      reference = JsonOutput.text(fit.fittedModel().toJson());
    }
    java.util.List<double[]> shuffled = new java.util.ArrayList<>(java.util.List.of(rows));
    java.util.Collections.shuffle(shuffled, new java.util.Random(3));
    for (int partitions : new int[] {1, 3}) {
      Dataset<Row> frame = MlTestData.frame(shuffled.toArray(new double[0][]), partitions);
      // On the driver (a small frame) and on the executors (spark.partitions = 2).
      for (String config : new String[] {"", "spark.partitions = 2"}) {
        BayesianPoissonRegressionModel model = new BayesianPoissonRegression()
            .setStandardization(false).setExactSums(true).setSeed(5)
            .setConfig(MlTestData.QUICK + "\n" + config).fit(frame);
        assertEquals(reference, JsonOutput.text(model.fittedModel().toJson()),
            partitions + " partitions, config \"" + config + "\"");
      }
    }
  }
}
