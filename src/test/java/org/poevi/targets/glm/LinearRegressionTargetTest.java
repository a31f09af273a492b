package org.poevi.targets.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.statistics.distribution.ExponentialDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.config.TargetReader;
import org.poevi.math.RandomStreams;
import org.poevi.targets.TargetChecks;

/** linear-regression: the Gaussian kernel, the noise scale, and rstanarm-style default priors. */
class LinearRegressionTargetTest {
  private static final int ROWS = 700;

  /** Rows y = 1.5 + 2 x1 − 0.5 x2 + 0.7 ε with x1 ~ N(3, 2²), x2 ~ N(0, 1), in blocks of 300. */
  private static InMemoryRowData rows(int threads) {
    ZigguratSampler.NormalizedGaussian rng = ZigguratSampler.NormalizedGaussian.of(
        RandomStreams.of(11).stream(0));
    List<RowBlock> blocks = new ArrayList<>();
    for (int first = 0, index = 0; first < ROWS; first += 300, index++) {
      int m = Math.min(300, ROWS - first);
      double[] x = new double[3 * m];
      double[] y = new double[m];
      for (int i = 0; i < m; i++) {
        double x1 = 3 + 2 * gaussian(rng);
        double x2 = gaussian(rng);
        x[i] = 1;
        x[m + i] = x1;
        x[2 * m + i] = x2;
        y[i] = 1.5 + 2 * x1 - 0.5 * x2 + 0.7 * gaussian(rng);
      }
      blocks.add(new RowBlock(index, first, m, 3, x, y));
    }
    return new InMemoryRowData(blocks, threads);
  }

  private static double gaussian(ZigguratSampler.NormalizedGaussian rng) {
    return rng.sample();
  }

  private static RegressionTarget target(String priors) {
    return (RegressionTarget) TargetReader.build(ConfigFactory.parseString(
        "type = linear-regression, data { path = x.csv, response = y, predictors = [x1, x2] }, "
            + priors), new TargetReader.DataBackend() {
              @Override
              public RowData rows(SyntheticLogisticData data) {
                throw new AssertionError();
              }

              @Override
              public RowData rows(DataFile file) {
                return LinearRegressionTargetTest.rows(2);
              }
            });
  }

  @Test
  void parametersEndWithLogSigmaAndTheGradientMatchesFiniteDifferences() {
    RegressionTarget t = target("prior.sigma = \"half_cauchy(2)\"");
    assertEquals(List.of("intercept", "beta[1]", "beta[2]", "log_sigma"), t.parameterNames());
    TargetChecks.assertGradient(t, new double[] {1.4, 2.1, -0.4, Math.log(0.8)}, "near the mode");
    TargetChecks.assertGradient(t, new double[] {-3, 0.5, 1, 1.2}, "far from it");
    TargetChecks.assertGradient(t, new double[] {0.2, 1.9, -0.6, -1.5}, "small sigma");
  }

  /**
   * The log density against Σ_i log N(y_i | x_iᵀβ, σ) and the priors' densities from Commons
   * Statistics, plus the constant (N/2) log 2π the target leaves out. Both sides sum about 700
   * terms of size up to |log N| ≈ 60 at the far point: 1e-12 relative to the total covers 700
   * roundings of 1.1e-16 with room.
   */
  @Test
  void logDensityIsTheGaussianLikelihoodPlusThePriors() {
    RegressionTarget t = target("prior { intercept = \"normal(0, 10)\", coefficients ="
        + " \"normal(1, 3)\", sigma = \"exponential(0.5)\" }");
    InMemoryRowData data = rows(1);
    for (double[] z : new double[][] {{1.4, 2.1, -0.4, Math.log(0.8)}, {-3, 0.5, 1, 1.2}}) {
      double sigma = Math.exp(z[3]);
      double expected = NormalDistribution.of(0, 10).logDensity(z[0])
          + NormalDistribution.of(1, 3).logDensity(z[1])
          + NormalDistribution.of(1, 3).logDensity(z[2])
          + ExponentialDistribution.of(2).logDensity(sigma) + z[3];
      assertEquals(ROWS, data.rows());
      for (RowBlock b : data.blocks()) {
        for (int i = 0; i < b.rows(); i++) {
          double mean = z[0] * b.x()[i] + z[1] * b.x()[b.rows() + i] + z[2] * b.x()[2 * b.rows()
              + i];
          expected += NormalDistribution.of(mean, sigma).logDensity(b.y()[i]);
        }
      }
      expected += 0.5 * ROWS * Math.log(2 * Math.PI);
      assertEquals(expected, t.logDensity(z), 1e-12 * Math.abs(expected) + 1e-9, "at "
          + java.util.Arrays.toString(z));
    }
  }

  /**
   * "auto" priors: the column moments of the reduction against direct two-pass formulas (700
   * rows, relative round-off well below 1e-12), and the rstanarm-scaled priors built from them.
   */
  @Test
  void autoPriorsScaleWithTheData() {
    InMemoryRowData data = rows(2);
    ColumnMoments.Summary m = ColumnMoments.of(data);
    double[] mean = new double[4];
    for (RowBlock b : data.blocks()) {
      for (int i = 0; i < b.rows(); i++) {
        mean[0] += b.y()[i] / ROWS;
        for (int d = 0; d < 3; d++) {
          mean[d + 1] += b.x()[d * b.rows() + i] / ROWS;
        }
      }
    }
    double[] var = new double[4];
    for (RowBlock b : data.blocks()) {
      for (int i = 0; i < b.rows(); i++) {
        var[0] += Math.pow(b.y()[i] - mean[0], 2) / (ROWS - 1);
        for (int d = 0; d < 3; d++) {
          var[d + 1] += Math.pow(b.x()[d * b.rows() + i] - mean[d + 1], 2) / (ROWS - 1);
        }
      }
    }
    assertEquals(mean[0], m.meanY(), 1e-12 * Math.abs(mean[0]));
    assertEquals(Math.sqrt(var[0]), m.sdY(), 1e-10 * Math.sqrt(var[0]));
    for (int d = 1; d < 3; d++) {
      assertEquals(mean[d + 1], m.meanX()[d], 1e-12 * Math.max(1, Math.abs(mean[d + 1])));
      assertEquals(Math.sqrt(var[d + 1]), m.sdX()[d], 1e-10 * Math.sqrt(var[d + 1]));
    }
    RegressionTarget t = target("");
    double sy = m.sdY();
    double b1 = 2.5 * sy / m.sdX()[1];
    double b2 = 2.5 * sy / m.sdX()[2];
    double interceptScale = Math.sqrt(Math.pow(2.5 * sy, 2) + Math.pow(m.meanX()[1] * b1, 2)
        + Math.pow(m.meanX()[2] * b2, 2));
    assertEquals(List.of(Prior.normal(m.meanY(), interceptScale), Prior.normal(0, b1),
        Prior.normal(0, b2), Prior.exponential(1 / sy)), t.priors());
  }

  @Test
  void configurationErrorsNameTheKey() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> target("prior.sigma = \"normal(0, 1)\""));
    assertEquals("target.prior.sigma must be one of half_normal(s), half_student_t(df, s),"
        + " half_cauchy(s), exponential(rate) or flat, got \"normal(0, 1)\"", e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> TargetReader.build(ConfigFactory.parseString(
        "type = logistic-regression, prior.sigma = \"half_normal(1)\""), TargetReader.UNLOADED));
    assertEquals(true, e.getMessage().startsWith("unknown key target.prior.sigma for type"
        + " logistic-regression"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> TargetReader.build(ConfigFactory.parseString(
        "type = linear-regression"), TargetReader.UNLOADED));
    assertEquals("target.data.path (or target.data.table) is missing: linear-regression reads"
        + " its data from a file or a table (synthetic data is for logistic-regression)",
        e.getMessage());
  }
}
