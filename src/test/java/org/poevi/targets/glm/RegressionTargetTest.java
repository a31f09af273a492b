package org.poevi.targets.glm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.config.TargetReader;
import org.poevi.targets.Target;
import org.poevi.targets.TargetEvaluationException;
import org.poevi.testing.GradientCheck;

class RegressionTargetTest {
  private static final SyntheticLogisticData DATA = new SyntheticLogisticData(20000, 4, true, 5);

  private static double[] points(int n, int dim, long seed) {
    Random rng = new Random(seed);
    double[] z = new double[n * dim];
    for (int i = 0; i < z.length; i++) {
      z[i] = 0.7 * rng.nextGaussian();
    }
    return z;
  }

  @Test
  void blockedKernelMatchesRowByRowSums() {
    // 600 points span two tiles; the last, partial block (3616 rows) is 7 chunks and a part.
    RowBlock block = DATA.block(2);
    assertEquals(20000 - 2 * SyntheticLogisticData.BLOCK_ROWS, block.rows());
    int dim = block.columns();
    int n = 600;
    double[] z = points(n, dim, 1);
    LogisticLikelihood lik = new LogisticLikelihood(dim);
    double[] blocked = new double[n * (dim + 1)];
    lik.add(block, z, n, blocked, lik.workspace());
    double[] byRows = new double[n * (dim + 1)];
    LogisticLikelihood.addByRows(block, z, n, byRows);
    // The same sums in another order (chunks of 512 and 8 partial sums against one running
    // sum), with terms a few ulps from java.lang.Math's. Recursive summation of m terms errs by
    // at most about m·ε·Σ|terms|, so each entry is held to 2·rows·ε·Σ|terms|: for the log
    // likelihood the terms have one sign (Σ|terms| = |sum|); for the gradient in column d,
    // |terms| = |r·x_d| <= |x_d| (|r| < 1). A wrong row, column or point is far larger.
    int rows = block.rows();
    double bound = 2 * rows * Math.ulp(1.0);
    for (int i = 0; i < blocked.length; i++) {
      double scale;
      if (i < n) {
        scale = Math.abs(byRows[i]);
      } else {
        int d = (i - n) % dim;
        scale = 0;
        for (int r = 0; r < rows; r++) {
          scale += Math.abs(block.x()[r + d * rows]);
        }
      }
      assertEquals(byRows[i], blocked[i], bound * Math.max(1, scale), "entry " + i);
    }
  }

  @Test
  void vectorAndScalarTermsAgreeBitForBitAndMatchJavaLangMath() {
    ScalarLogisticTerms scalar = new ScalarLogisticTerms();
    GlmTerms best = LogisticTerms.best();
    // The tests run with the Vector API (pom.xml); on a CPU with vectors of 4 or 8 doubles the
    // comparison below is then between the two implementations.
    int lanes = jdk.incubator.vector.DoubleVector.SPECIES_MAX.length();
    assertEquals(lanes == 4 || lanes == 8 ? "VectorLogisticTerms" : "ScalarLogisticTerms",
        best.getClass().getSimpleName());
    int m = 1003;
    double[] eta = points(m, 1, 2);
    double[] y = new double[m];
    for (int i = 0; i < m; i++) {
      y[i] = i % 3 == 0 ? 1 : 0;
      eta[i] *= i % 7 == 0 ? 400 : 5; // saturated predictors too, beyond e^-708
    }
    eta[5] = 0;
    eta[6] = -0.0;
    eta[7] = 1e-300;
    double[] r1 = new double[m];
    double[] r2 = new double[m];
    double s1 = scalar.apply(eta, 0, m, y, 0, null, r1, new double[8]);
    for (int rep = 0; rep < 3000; rep++) { // interpreted, then compiled
      assertEquals(s1, best.apply(eta, 0, m, y, 0, null, r2, new double[8]), 0.0);
    }
    assertArrayEquals(r1, r2, 0.0);
    double[] r = new double[m];
    for (int i = 0; i < m; i++) {
      double e = eta[i];
      double softplus = Math.max(e, 0) + Math.log1p(Math.exp(-Math.abs(e)));
      // exp: degree-11 economized Taylor on |r| <= ln 2 / 2 (error 4e-18) and Horner round-off;
      // log1p: degree 7 in s^2 on |s| <= 0.172 (error 2e-18), a few ulps; 4e-16 is 2 ulps of the
      // larger operand of the difference.
      double term = scalar.tail(eta, i, 1, y, i, null, r);
      // The difference y·η − softplus rounds relative to its larger operand.
      double scale = Math.max(1, Math.max(Math.abs(e), Math.abs(softplus)));
      assertEquals(y[i] * e - softplus, term, 4e-16 * scale, "term " + i);
      // σ(η) takes five roundings of values <= 1 (the product w·(2 + f), the division, two
      // products and the difference from y), each <= 1.1e-16: 6e-16.
      assertEquals(y[i] - 1 / (1 + Math.exp(-e)), r1[i], 6e-16, "residual " + i);
    }
    for (double x = -707.5; x <= 0; x += 0.37) {
      assertEquals(Math.exp(x), LogisticTerms.exp(x), 3e-16 * Math.exp(x), "exp " + x);
    }
    for (double a = 0; a <= 1; a += 1.0 / 1024) {
      // s = f·w/(w·(2 + f)) rounds four times, then the polynomial: a few ulps (5 at most seen
      // in 2e7 samples by a review); 2^-50 relative is 4 to 8 ulps.
      assertEquals(Math.log1p(a), LogisticTerms.log1p(a), 0x1p-50 * Math.log1p(a), "log1p " + a);
    }
    assertEquals(1e-20, LogisticTerms.log1p(1e-20), 0.0);
    assertEquals(Math.exp(-708), LogisticTerms.exp(Double.NEGATIVE_INFINITY), 1e-322);
  }

  @Test
  void largeBatchesAreSplitIntoPassesWithoutChangingABit() {
    RegressionTarget target = new RegressionTarget(RegressionTarget.Family.LOGISTIC, 
        InMemoryRowData.of(new SyntheticLogisticData(5000, 2, true, 3), 2), true,
        RegressionTarget.DEFAULT_PRIOR, RegressionTarget.DEFAULT_PRIOR);
    int n = RegressionTarget.MAX_PASS + 700;
    double[] z = points(n, 3, 4);
    double[] lp = new double[n];
    double[] s = new double[n * 3];
    target.logDensities(z, n, lp, s);
    // The same points one tile of 512 at a time.
    for (int from = 0; from < n; from += GlmLikelihood.TILE) {
      int m = Math.min(GlmLikelihood.TILE, n - from);
      double[] lpTile = new double[m];
      double[] sTile = new double[m * 3];
      target.logDensities(java.util.Arrays.copyOfRange(z, 3 * from, 3 * (from + m)), m, lpTile,
          sTile);
      assertArrayEquals(lpTile, java.util.Arrays.copyOfRange(lp, from, from + m), 0.0);
      assertArrayEquals(sTile, java.util.Arrays.copyOfRange(s, 3 * from, 3 * (from + m)), 0.0);
    }
  }

  @Test
  void poissonTermsAgreeBitForBitAndWithJavaLangMath() {
    GlmTerms scalar = new ScalarPoissonTerms();
    GlmTerms best = PoissonTerms.best();
    int m = 1003;
    double[] eta = points(m, 1, 3);
    double[] y = new double[m];
    for (int i = 0; i < m; i++) {
      eta[i] *= 3;
      y[i] = i % 5;
    }
    eta[9] = 800; // overflows: +infinity, then a non-finite log density
    double[] r1 = new double[m];
    double[] r2 = new double[m];
    double s1 = scalar.apply(eta, 0, 9, y, 0, null, r1, new double[8]);
    for (int rep = 0; rep < 3000; rep++) { // interpreted, then compiled
      assertEquals(s1, best.apply(eta, 0, 9, y, 0, null, r2, new double[8]), 0.0);
      assertEquals(scalar.apply(eta, 10, m - 10, y, 10, null, r1, new double[8]),
          best.apply(eta, 10, m - 10, y, 10, null, r2, new double[8]), 0.0);
    }
    assertArrayEquals(r1, r2, 0.0);
    for (int i = 10; i < m; i++) {
      double mu = Math.exp(eta[i]);
      // e^η within 2 ulps (the economized polynomial, 4e-18, and Horner round-off), then the
      // difference from y one more rounding: 3 ulps of the larger, 3·2.2e-16.
      assertEquals(y[i] - mu, r1[i], 6.7e-16 * Math.max(Math.abs(y[i]), mu), "residual " + i);
    }
    double[] rInf = new double[1];
    double[] yInf = {1};
    assertEquals(Double.NEGATIVE_INFINITY, scalar.apply(new double[] {800}, 0, 1, yInf, 0, null, rInf,
        new double[8]));
  }

  /** Found by the fuzz harness: predictors near 1e305 made an auto prior's scale infinite. */
  @Test
  void autoPriorsOfExtremeColumnsNameTheirKey() {
    RowBlock block = new RowBlock(0, 0, 4, 2, new double[] {1, 1, 1, 1, 1e305, -2e305, 3e305,
        1e300}, new double[] {1, 0, 1, 0});
    RegressionPriors.Keys keys = new RegressionPriors.Keys("target.prior.intercept",
        "target.prior.coefficients", "target.prior.sigma", "target.data.response");
    org.poevi.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
        org.poevi.InvalidInputException.class, () -> new RegressionPriors("auto", "auto", null)
            .resolve(RegressionTarget.Family.LOGISTIC, new InMemoryRowData(java.util.List.of(
                block), 1), true, keys, true));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(
        "target.prior.intercept = auto scales with the data"), e.getMessage());
  }

  @Test
  void poissonGradientMatchesFiniteDifferences() {
    RowBlock block = new RowBlock(0, 0, 4, 2, new double[] {1, 1, 1, 1, 0.3, -1.2, 0.8, 2.0},
        new double[] {0, 3, 1, 7});
    RegressionTarget target = new RegressionTarget(RegressionTarget.Family.POISSON,
        new InMemoryRowData(java.util.List.of(block), 1), true, Prior.normal(0, 2),
        Prior.studentT(3, 0, 1));
    assertEquals("poisson-regression", target.name());
    for (int trial = 0; trial < 3; trial++) {
      double[] z = points(1, 2, 20 + trial);
      GradientCheck.assertGradient(target::logDensity, target::logDensity, z,
          "poisson regression at trial " + trial);
    }
    // log p̃ = Σ y η − e^η + priors (no log y! constant), at z = (0.1, 0.2).
    double[] z = {0.1, 0.2};
    double expected = Prior.normal(0, 2).logDensity(0.1) + Prior.studentT(3, 0, 1).logDensity(0.2);
    for (int i = 0; i < 4; i++) {
      double eta = 0.1 + 0.2 * block.x()[4 + i];
      expected += block.y()[i] * eta - Math.exp(eta);
    }
    assertEquals(expected, target.logDensity(z, new double[2]), 1e-13);
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    RegressionTarget target = new RegressionTarget(RegressionTarget.Family.LOGISTIC, 
        InMemoryRowData.of(new SyntheticLogisticData(3000, 3, true, 9), 2),
        true, Prior.normal(0.5, 2), Prior.normal(0, 1.5));
    for (int trial = 0; trial < 3; trial++) {
      double[] z = points(1, 4, 10 + trial);
      GradientCheck.assertGradient(target::logDensity, target::logDensity, z,
          "logistic regression at trial " + trial);
    }
  }

  @Test
  void batchEqualsPointByPointAndThreadsDoNotMatter() {
    SyntheticLogisticData data = new SyntheticLogisticData(30000, 3, true, 4);
    Prior prior = Prior.normal(0, 2.5);
    RegressionTarget one = new RegressionTarget(RegressionTarget.Family.LOGISTIC, InMemoryRowData.of(data, 1),
        true, prior, prior);
    RegressionTarget two = new RegressionTarget(RegressionTarget.Family.LOGISTIC, InMemoryRowData.of(data, 2),
        true, prior, prior);
    int n = 9;
    double[] z = points(n, 4, 3);
    double[] lp1 = new double[n];
    double[] s1 = new double[n * 4];
    double[] lp2 = new double[n];
    double[] s2 = new double[n * 4];
    one.logDensities(z, n, lp1, s1);
    two.logDensities(z, n, lp2, s2);
    assertArrayEquals(lp1, lp2, 0.0);
    assertArrayEquals(s1, s2, 0.0);
    // One point at a time: the same sums up to round-off (other dgemm shapes).
    for (int b = 0; b < n; b++) {
      double[] g = new double[4];
      double v = one.logDensity(java.util.Arrays.copyOfRange(z, 4 * b, 4 * b + 4), g);
      assertEquals(lp1[b], v, 1e-10 * Math.abs(v));
    }
  }

  @Test
  void aPointWhereTheDensityOverflowsIsOneLineNamingTheSample() {
    RegressionTarget target = new RegressionTarget(RegressionTarget.Family.LOGISTIC, 
        InMemoryRowData.of(new SyntheticLogisticData(100, 2, true, 1), 1), true,
        RegressionTarget.DEFAULT_PRIOR, RegressionTarget.DEFAULT_PRIOR);
    double[] z = {0, 0, 0, 1e308, 1e308, 0};
    TargetEvaluationException e = assertThrows(TargetEvaluationException.class,
        () -> target.logDensities(z, 2, new double[2], new double[6]));
    assertTrue(e.getMessage().startsWith("target logistic-regression is not finite at sample 1"
        + " [1.0E308, 1.0E308, 0.0]"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void rowsDependOnTheirIndexOnly() {
    SyntheticLogisticData data = new SyntheticLogisticData(3 * SyntheticLogisticData.BLOCK_ROWS,
        2, false, 8);
    RowBlock a = data.block(1);
    // Another data set with another number of rows, so other blocks and another last block:
    // rows keyed by their index alone come out the same.
    RowBlock b = new SyntheticLogisticData(2 * SyntheticLogisticData.BLOCK_ROWS + 5, 2, false, 8)
        .block(1);
    assertArrayEquals(a.x(), b.x(), 0.0);
    assertArrayEquals(a.y(), b.y(), 0.0);
    assertEquals(SyntheticLogisticData.BLOCK_ROWS, a.firstRow());
    // The responses follow the truth: the mean of y is the mean of sigma(eta) within 4 standard
    // errors (sd of a Bernoulli <= 1/2, over 8192 rows: se <= 0.0055).
    double[] truth = data.trueCoefficients();
    double mean = 0;
    double expected = 0;
    for (int i = 0; i < a.rows(); i++) {
      double eta = truth[0] * a.x()[i] + truth[1] * a.x()[i + a.rows()];
      expected += 1 / (1 + Math.exp(-eta)) / a.rows();
      mean += a.y()[i] / a.rows();
    }
    assertEquals(expected, mean, 4 * 0.0055);
  }

  @Test
  void configurationKeysAreCheckedWithOneLineErrors() {
    TargetReader.DataBackend memory = d -> InMemoryRowData.of(d, 1);
    Target t = TargetReader.build(ConfigFactory.parseString("type = logistic-regression,"
        + " data.synthetic { rows = 100, predictors = 3 }, intercept = false"), memory);
    assertEquals(3, t.dim());
    assertEquals(List.of("beta[1]", "beta[2]", "beta[3]"), t.parameterNames());
    RegressionTarget cauchy = (RegressionTarget) TargetReader.build(
        ConfigFactory.parseString("type = logistic-regression, data.synthetic.rows = 100,"
            + " prior.coefficients = \"cauchy(0, 1)\", prior.intercept = flat"), memory);
    assertEquals("cauchy(0, 1)", cauchy.priors().get(1).toString());
    assertEquals("flat", cauchy.priors().get(0).toString());
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> TargetReader.build(
        ConfigFactory.parseString("type = logistic-regression, prior.coefficients ="
            + " \"laplace(0, 1)\""), memory));
    assertEquals("target.prior.coefficients must be one of normal(m, s), student_t(df, m, s),"
        + " cauchy(m, s) or flat, got \"laplace(0, 1)\"", e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> TargetReader.build(ConfigFactory.parseString(
        "type = logistic-regression, data.synthetic.rows = 0"), memory));
    assertEquals("target.data.synthetic.rows must be between 1 and 17592186036224, got 0",
        e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> TargetReader.build(ConfigFactory.parseString(
        "type = logistic-regression, data.path = \"x.csv\""), memory));
    assertEquals("target.data.response is missing (the data needs target.data.path or"
        + " target.data.table, target.data.response and target.data.predictors)",
        e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> TargetReader.build(ConfigFactory.parseString(
        "type = logistic-regression, data { path = \"x.csv\", response = y, predictors = [] }"),
        memory));
    assertEquals("target.data.predictors must name at least one column", e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> TargetReader.build(ConfigFactory.parseString(
        "type = logistic-regression, data { path = \"x.csv\", response = y, predictors = [a],"
            + " synthetic.rows = 10 }"), memory));
    assertEquals("target.data.synthetic.rows and target.data.path are exclusive: the data is"
        + " either synthetic or read from a file", e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> TargetReader.build(ConfigFactory.parseString(
        "type = logistic-regression, data.pth = \"x.csv\""), memory));
    assertTrue(e.getMessage().startsWith("unknown key target.data.pth"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> TargetReader.build(ConfigFactory.parseString(
        "type = logistic-regression, intercept = false, prior.intercept = \"normal(0, 1)\""),
        memory));
    assertEquals("target.prior.intercept is set, but target.intercept = false: the model has no"
        + " intercept", e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> TargetReader.build(ConfigFactory.parseString(
        "type = logistic-regression, data.synthetic.predictors = 3000000000"), memory));
    assertEquals("target.data.synthetic.predictors must be at most 2147483647 in magnitude, got"
        + " 3000000000", e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> TargetReader.build(ConfigFactory.parseString(
        "type = logistic-regression, data.synthetic.predictors = 400000"), memory));
    assertEquals("target.data.synthetic.predictors must be between 1 and 10000, got 400000",
        e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> TargetReader.fromConfig(
        ConfigFactory.parseString("type = logistic-regression")));
    assertTrue(e.getMessage().contains("has no exact draws"), e.getMessage());
  }
}
