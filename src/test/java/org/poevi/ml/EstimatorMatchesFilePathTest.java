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
}
