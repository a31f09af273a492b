package org.poevi.targets.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.apache.commons.statistics.distribution.CauchyDistribution;
import org.apache.commons.statistics.distribution.ContinuousDistribution;
import org.apache.commons.statistics.distribution.ExponentialDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.poevi.InvalidInputException;

/** Prior strings: densities against Commons Statistics, scores against differences, errors. */
class PriorTest {
  private static final double[] POINTS = {-7.5, -2, -0.3, 0, 0.4, 1.7, 6};

  /** A location-scale family from a standard Commons Statistics distribution. */
  private static double locationScale(ContinuousDistribution standard, double m, double s,
      double x) {
    return standard.logDensity((x - m) / s) - Math.log(s);
  }

  /**
   * The same closed forms arranged differently: agreement to round-off, a few ulps of the larger
   * of 1 and the value (1e-13 relative leaves a wide margin; a wrong constant is O(1)).
   */
  private static void close(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-13 * Math.max(1, Math.abs(expected)), what);
  }

  @Test
  void coefficientDensitiesAgreeWithCommonsStatistics() {
    for (double x : POINTS) {
      close(NormalDistribution.of(0.5, 2).logDensity(x),
          Prior.coefficient("k", "normal(0.5, 2)").logDensity(x), "normal at " + x);
      close(locationScale(TDistribution.of(3), -1, 2.5, x),
          Prior.coefficient("k", "student_t(3, -1, 2.5)").logDensity(x), "t at " + x);
      close(CauchyDistribution.of(0.2, 0.7).logDensity(x),
          Prior.coefficient("k", "cauchy(0.2, 0.7)").logDensity(x), "cauchy at " + x);
      assertEquals(0, Prior.coefficient("k", "flat").logDensity(x), 0.0);
    }
  }

  @Test
  void scaleDensitiesOnTheLogScaleIncludeTheJacobian() {
    for (double u : POINTS) {
      double sigma = Math.exp(u);
      // p(u) = p_σ(e^u)·e^u; the half distributions are twice the symmetric ones on σ > 0.
      close(Math.log(2) + NormalDistribution.of(0, 1.5).logDensity(sigma) + u,
          Prior.scale("k", "half_normal(1.5)").logDensity(u), "half_normal at " + u);
      close(Math.log(2) + locationScale(TDistribution.of(4), 0, 2, sigma) + u,
          Prior.scale("k", "half_student_t(4, 2)").logDensity(u), "half t at " + u);
      close(Math.log(2) + CauchyDistribution.of(0, 0.5).logDensity(sigma) + u,
          Prior.scale("k", "half_cauchy(0.5)").logDensity(u), "half cauchy at " + u);
      close(ExponentialDistribution.of(1 / 3.0).logDensity(sigma) + u,
          Prior.scale("k", "exponential(3)").logDensity(u), "exponential at " + u);
      assertEquals(u, Prior.scale("k", "flat").logDensity(u), 0.0);
    }
  }

  static Stream<Prior> priors() {
    return Stream.of(Prior.coefficient("k", "normal(0.5, 2)"),
        Prior.coefficient("k", "student_t(3, -1, 2.5)"),
        Prior.coefficient("k", "cauchy(0.2, 0.7)"), Prior.coefficient("k", "flat"),
        Prior.scale("k", "half_normal(1.5)"), Prior.scale("k", "half_student_t(4, 2)"),
        Prior.scale("k", "half_cauchy(0.5)"), Prior.scale("k", "exponential(3)"),
        Prior.scale("k", "flat"));
  }

  @ParameterizedTest
  @MethodSource("priors")
  void scoresMatchFiniteDifferences(Prior prior) {
    for (double x : POINTS) {
      double h = 1e-5 * Math.max(1, Math.abs(x));
      double fd = (prior.logDensity(x + h) - prior.logDensity(x - h)) / (2 * h);
      // Central differences: O(h²·f''') plus O(1e-16/h) round-off; 1e-6 relative is far above
      // both here (e^u at u = 6 is 400, its third derivative too) and far below any real error.
      assertEquals(fd, prior.score(x), 1e-6 * Math.max(1, Math.abs(fd)), prior + " at " + x);
    }
  }

  static Stream<Arguments> badStrings() {
    return Stream.of(
        Arguments.of("laplace(0, 1)", "target.prior.coefficients must be one of normal(m, s),"
            + " student_t(df, m, s), cauchy(m, s) or flat, got \"laplace(0, 1)\""),
        Arguments.of("normal(0)", "target.prior.coefficients: normal takes 2 arguments, got 1"
            + " (in \"normal(0)\")"),
        Arguments.of("normal(0, -1)", "target.prior.coefficients: normal(m, s) needs s > 0"
            + " within [1e-150, 1e150], got -1 (in \"normal(0, -1)\")"),
        // Found by the fuzz harness: a subnormal scale made the log density overflow.
        Arguments.of("normal(0, 1e-200)", "target.prior.coefficients: normal(m, s) needs s > 0"
            + " within [1e-150, 1e150], got 1.0E-200 (in \"normal(0, 1e-200)\")"),
        // Found by the fuzz harness: the density was -Infinity at 0, an error naming no prior.
        Arguments.of("normal(1e308, 1e38)", "target.prior.coefficients: normal(m, s) needs |m| <="
            + " 1e150 s, got m = 1.0E308 and s = 1.0E38 (in \"normal(1e308, 1e38)\")"),
        Arguments.of("student_t(0, 0, 1)", "target.prior.coefficients: student_t(df, m, s)"
            + " needs df > 0 within [1e-150, 1e150], got 0 (in \"student_t(0, 0, 1)\")"),
        Arguments.of("normal(0, x)", "target.prior.coefficients: argument 2 of \"normal(0, x)\""
            + " is not a number"),
        Arguments.of("flat(1)", "target.prior.coefficients: flat takes 0 arguments, got 1 (in"
            + " \"flat(1)\")"),
        Arguments.of("half_normal(1)", "target.prior.coefficients must be one of normal(m, s),"
            + " student_t(df, m, s), cauchy(m, s) or flat, got \"half_normal(1)\""));
  }

  @ParameterizedTest
  @MethodSource("badStrings")
  void malformedStringsAreOneLineErrorsNamingTheKey(String text, String message) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> Prior.coefficient("target.prior.coefficients", text));
    assertEquals(message, e.getMessage());
  }

  @Test
  void scaleStringsAreCheckedToo() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> Prior.scale("target.prior.sigma", "normal(0, 1)"));
    assertEquals("target.prior.sigma must be one of half_normal(s), half_student_t(df, s),"
        + " half_cauchy(s), exponential(rate) or flat, got \"normal(0, 1)\"", e.getMessage());
    e = assertThrows(InvalidInputException.class,
        () -> Prior.scale("target.prior.sigma", "exponential(0)"));
    assertEquals("target.prior.sigma: exponential(rate) needs rate > 0 within [1e-150, 1e150],"
        + " got 0 (in \"exponential(0)\")", e.getMessage());
  }

  @Test
  void canonicalStrings() {
    assertEquals("normal(0, 2.5)", Prior.coefficient("k", " normal( 0.0 ,2.5 ) ").toString());
    assertEquals("student_t(3, 8, 10)", Prior.coefficient("k", "student_t(3, 8, 10)")
        .toString());
    assertEquals("half_student_t(3, 10)", Prior.scale("k", "half_student_t(3,10)").toString());
    assertEquals(Prior.normal(0, 1), Prior.coefficient("k", "normal(0, 1)"));
  }
}
