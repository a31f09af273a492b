package org.poevi.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.poevi.spark.FrameRows;
import org.poevi.spark.SparkRowData;
import org.poevi.spark.SparkTestContext;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.ExactRowData;
import org.poevi.targets.glm.Prior;
import org.poevi.targets.glm.RegressionPriors;
import org.poevi.targets.glm.RegressionTarget;
import org.poevi.targets.glm.RowData;

/**
 * weightCol: a weight of 2 is a duplicated row, in the posterior's log density (and the
 * data-scaled default priors, whose moments count a row its weight times) to rounding, and in
 * the fitted posterior. offsetCol: a Poisson fit with offset log E (every row's exposure E) is
 * the fit without offset with the intercept's prior shifted by log E, in the log density at
 * (α, β) and (α + log E, β) to rounding, and in the posterior.
 *
 * <p>By default not the same bits: a weighted row adds w·ℓ_i where its duplicate adds ℓ_i twice,
 * at another place in the sum, so the log densities differ by rounding (about 1e-16 relative).
 * The fits use the same random streams, so their posterior means differ by that rounding carried
 * through the fit: measured 1e-13 to 1e-11 posterior sd. The bound, 1e-6 sd, is far below the
 * Monte Carlo error (summary.json's mcse is 0.015 sd here), so any real difference in how
 * weights or offsets enter would fail it. With exact sums ({@code exactSums}: every sum over the
 * rows exact, rounded once) integer weights are copies to the bit, and the tests below ask for
 * the same bits.
 *
 * <p>Offsets cannot be the same bits in double arithmetic, exact sums or not: the offset fit
 * evaluates e^{η + log E} where the shifted one evaluates e^{η'} at η' = η + log E rounded, and
 * the two fits' points differ by the rounded shift log E from their first draw on. The bound
 * above holds them to rounding.
 */
class WeightsOffsetsTest {
  private static final int DUPLICATED = 60;

  /** (label, features, w, o) rows; o = offset for every row. */
  private static Dataset<Row> frame(double[][] rows, double[] weights, double offset) {
    StructType schema = new StructType().add("label", DataTypes.DoubleType)
        .add("features", SQLDataTypes.VectorType()).add("w", DataTypes.DoubleType)
        .add("o", DataTypes.DoubleType);
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      list.add(RowFactory.create(rows[i][0], Vectors.dense(java.util.Arrays.copyOfRange(
          rows[i], 1, rows[i].length)), weights == null ? 1.0 : weights[i], offset));
    }
    return MlTestData.session().createDataFrame(SparkTestContext.get().parallelize(list, 2),
        schema);
  }

  private static RegressionTarget target(Dataset<Row> frame, RegressionTarget.Family family,
      boolean weighted, boolean offset, RegressionPriors priors, List<SparkRowData> keep) {
    return target(frame, family, weighted, offset, priors, keep, false);
  }

  private static RegressionTarget target(Dataset<Row> frame, RegressionTarget.Family family,
      boolean weighted, boolean offset, RegressionPriors priors, List<SparkRowData> keep,
      boolean exact) {
    JavaSparkContext sc = SparkTestContext.get();
    FrameRows.Spec spec = new FrameRows.Spec("the DataFrame", null,
        new FrameRows.Column("label", "labelCol"), List.of(),
        new FrameRows.Column("features", "featuresCol"),
        weighted ? new FrameRows.Column("w", "weightCol") : null,
        offset ? new FrameRows.Column("o", "offsetCol") : null, true, family.response());
    SparkRowData cached = FrameRows.cache(sc, frame, spec, 2);
    keep.add(cached);
    RowData rows = exact ? ExactRowData.over(cached) : cached;
    Prior[] resolved = priors.resolve(family, rows, true, new RegressionPriors.Keys("i", "c",
        "s", "y"), true);
    return new RegressionTarget(family, rows, true, resolved, null);
  }

  private static void assertSameDensity(RegressionTarget a, RegressionTarget b, double shift) {
    Random rng = new Random(5);
    for (int k = 0; k < 5; k++) {
      double[] z = new double[a.dim()];
      for (int d = 0; d < z.length; d++) {
        z[d] = 0.5 * rng.nextGaussian();
      }
      double[] shifted = z.clone();
      shifted[0] += shift;
      double[] ga = new double[z.length];
      double[] gb = new double[z.length];
      double la = a.logDensity(z, ga);
      double lb = b.logDensity(shifted, gb);
      // Rounding: sums of a few hundred terms of size ~1, so 1e-10 relative is generous.
      assertEquals(lb, la, 1e-10 * Math.abs(lb), "log density");
      for (int d = 0; d < z.length; d++) {
        assertEquals(gb[d], ga[d], 1e-10 * (1 + Math.abs(gb[d])), "gradient " + d);
      }
    }
  }

  /** Means of the two models' parameters agree to rounding carried through the fit. */
  private static void assertSamePosterior(BayesianRegressionModel<?> a,
      BayesianRegressionModel<?> b, double interceptShift) {
    for (String name : a.fittedModel().parameters()) {
      JsonNode pa = a.summary().path("parameters").path(name);
      JsonNode pb = b.summary().path("parameters").path(name);
      double shift = name.equals("intercept") ? interceptShift : 0;
      assertEquals(pb.path("mean").asDouble() - shift, pa.path("mean").asDouble(),
          1e-6 * pb.path("sd").asDouble(), name);
    }
  }

  @Test
  void aWeightOfTwoIsADuplicatedRow() {
    double[][] rows = MlTestData.rows("logistic", 300, 0.2, new double[] {1, -0.7}, 31);
    double[] weights = new double[rows.length];
    java.util.Arrays.fill(weights, 1);
    java.util.Arrays.fill(weights, 0, DUPLICATED, 2);
    double[][] duplicated = new double[rows.length + DUPLICATED][];
    System.arraycopy(rows, 0, duplicated, 0, rows.length);
    System.arraycopy(rows, 0, duplicated, rows.length, DUPLICATED);
    Dataset<Row> weighted = frame(rows, weights, 0);
    Dataset<Row> copies = frame(duplicated, null, 0);
    List<SparkRowData> keep = new ArrayList<>();
    RegressionPriors auto = new RegressionPriors("auto", "auto", null);
    try {
      assertSameDensity(target(weighted, RegressionTarget.Family.LOGISTIC, true, false, auto,
          keep), target(copies, RegressionTarget.Family.LOGISTIC, false, false, auto, keep), 0);
    } finally {
      keep.forEach(SparkRowData::close);
    }
    assertSamePosterior(new BayesianLogisticRegression().setSeed(8).setConfig(MlTestData.QUICK).setWeightCol("w")
        .fit(weighted), new BayesianLogisticRegression().setSeed(8).setConfig(MlTestData.QUICK).fit(copies), 0);
  }

  @Test
  void anOffsetOfLogExposureIsAShiftedIntercept() {
    double exposure = 3.5;
    double[][] rows = MlTestData.rows("poisson", 300, 0.3 + Math.log(exposure),
        new double[] {0.5, -0.2}, 33);
    double[] none = null;
    Dataset<Row> frame = frame(rows, none, Math.log(exposure));
    RegressionPriors withOffset = new RegressionPriors("normal(0.5, 2)", "normal(0, 1)", null);
    RegressionPriors shifted = new RegressionPriors("normal(" + (0.5 + Math.log(exposure))
        + ", 2)", "normal(0, 1)", null);
    List<SparkRowData> keep = new ArrayList<>();
    try {
      assertSameDensity(target(frame, RegressionTarget.Family.POISSON, false, true, withOffset,
          keep), target(frame, RegressionTarget.Family.POISSON, false, false, shifted, keep),
          Math.log(exposure));
    } finally {
      keep.forEach(SparkRowData::close);
    }
    assertSamePosterior(new BayesianPoissonRegression().setSeed(8).setConfig(MlTestData.QUICK).setCoefficientPrior(
        "normal(0, 1)").setOffsetCol("o").setInterceptPrior(withOffset.intercept()).fit(frame),
        new BayesianPoissonRegression().setSeed(8).setConfig(MlTestData.QUICK).setCoefficientPrior("normal(0, 1)")
        .setInterceptPrior(shifted.intercept()).fit(frame), Math.log(exposure));
  }

  /** Rows weighted 0..3 and the same rows as copies (0: left out), shuffled. */
  private static Dataset<Row>[] weightedAndCopies(double[][] rows, long seed) {
    Random rng = new Random(seed);
    double[] weights = new double[rows.length];
    List<double[]> copies = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      weights[i] = rng.nextInt(4);
      for (int k = 0; k < weights[i]; k++) {
        copies.add(rows[i]);
      }
    }
    java.util.Collections.shuffle(copies, rng);
    @SuppressWarnings("unchecked")
    Dataset<Row>[] frames = new Dataset[] {frame(rows, weights, 0),
        frame(copies.toArray(new double[0][]), null, 0)};
    return frames;
  }

  /**
   * With exact sums, integer weights are copies of the rows to the bit: the log density, its
   * gradient and the data-scaled priors of all three families, at any point. No tolerance: the
   * sums are the exact sums of the same multiset of terms, rounded once.
   */
  @Test
  void withExactSumsIntegerWeightsAreCopiesToTheBit() {
    for (RegressionTarget.Family family : RegressionTarget.Family.values()) {
      String name = family == RegressionTarget.Family.LINEAR ? "linear"
          : family.type().replace("-regression", "");
      double[][] rows = MlTestData.rows(name, 200, 0.3, new double[] {0.8, -0.5, 0.2}, 41);
      Dataset<Row>[] frames = weightedAndCopies(rows, 43);
      List<SparkRowData> keep = new ArrayList<>();
      RegressionPriors auto = new RegressionPriors("auto", "auto",
          family.hasScale() ? "auto" : null);
      try {
        RegressionTarget weighted = target(frames[0], family, true, false, auto, keep, true);
        RegressionTarget copies = target(frames[1], family, false, false, auto, keep, true);
        assertEquals(copies.priors().toString(), weighted.priors().toString(), name);
        Random rng = new Random(7);
        int n = 50;
        double[] points = new double[n * weighted.dim()];
        for (int k = 0; k < points.length; k++) {
          points[k] = 0.5 * rng.nextGaussian();
        }
        double[][] a = {new double[n], new double[points.length], new double[n]};
        double[][] b = {new double[n], new double[points.length], new double[n]};
        weighted.logDensities(points, n, a[0], a[1]);
        copies.logDensities(points, n, b[0], b[1]);
        weighted.logDensityValues(points, n, a[2]);
        copies.logDensityValues(points, n, b[2]);
        double[] ha = new double[n * weighted.dim() * weighted.dim()];
        double[] hb = ha.clone();
        weighted.hessians(points, n, ha);
        copies.hessians(points, n, hb);
        for (int k = 0; k < 3; k++) {
          org.junit.jupiter.api.Assertions.assertArrayEquals(b[k], a[k], 0, name + " " + k);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(hb, ha, 0, name + " Hessian");
      } finally {
        keep.forEach(SparkRowData::close);
      }
    }
  }

  /**
   * The test: a weighted fit and the fit on the copies give the same model.json, bit for
   * bit, when the sums are exact (standardisation, the default priors scaled by the data, the
   * Laplace start and the whole fit included).
   */
  @Test
  void withExactSumsAWeightedFitIsTheFitOnCopiesToTheBit(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws java.io.IOException {
    double[][] rows = MlTestData.rows("logistic", 300, 0.2, new double[] {1, -0.7}, 31);
    Dataset<Row>[] frames = weightedAndCopies(rows, 47);
    BayesianLogisticRegression estimator = new BayesianLogisticRegression().setSeed(8)
        .setConfig(MlTestData.QUICK).setExactSums(true);
    estimator.copy(new org.apache.spark.ml.param.ParamMap()).setWeightCol("w").fit(frames[0])
        .write().save(dir.resolve("weighted").toString());
    estimator.fit(frames[1]).write().save(dir.resolve("copies").toString());
    assertEquals(java.nio.file.Files.readString(dir.resolve("copies/model.json")),
        java.nio.file.Files.readString(dir.resolve("weighted/model.json")));
  }
}
