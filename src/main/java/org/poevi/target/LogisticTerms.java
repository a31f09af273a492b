package org.poevi.target;

/**
 * The elementwise part of the logistic likelihood over one column of linear predictors η:
 * Σ_i (y_i η_i − log(1 + e^{η_i})), and the residuals y_i − σ(η_i) that the gradient needs.
 *
 * <p>Both implementations compute every element with the same sequence of IEEE operations (adds,
 * multiplies, fused multiply-adds, divisions and exponent bit arithmetic: {@link #exp} and
 * {@link #log1p} below, not java.lang.Math, whose results may change when the JIT compiles a
 * loop), and sum the terms with {@link #fixedSum}. So the result is bit-identical whether a JVM
 * runs {@link VectorLogisticTerms} (the JDK Vector API, with {@code --add-modules
 * jdk.incubator.vector}) or {@link ScalarLogisticTerms}, interpreted or compiled, on any CPU.
 */
interface LogisticTerms {
  double MAGIC = 0x1.8p52;
  double INV_LN2 = 0x1.71547652b82fep0;
  double LN2_HI = 0x1.62e42fefa3800p-1;
  double LN2_LO = 0x1.ef35793c76730p-45;
  /** exp clamps its argument here (e^−708 ≈ 3e−308, the smallest normal doubles). */
  double EXP_FLOOR = -708;
  /** 1/k!, k = 13 down to 2: Taylor series of e^r on |r| ≤ ln2/2 (truncation below 1e−17). */
  double[] EXP_COEFFICIENTS = expCoefficients();
  double SQRT2_MINUS_1 = 0x1.a827999fcef32p-2;
  double LN2 = 0x1.62e42fefa39efp-1;
  /** 1/(2k + 1), k = 10 down to 1: log(1 + f) = 2 atanh(s), |s| ≤ 0.172 (log1pAndInverse). */
  double[] ATANH_COEFFICIENTS = atanhCoefficients();

  /**
   * @param eta m linear predictors from {@code eta[etaOff]}
   * @param y m responses (0 or 1) from {@code y[yOff]}
   * @param residual receives m residuals y − σ(η) from {@code residual[etaOff]}
   * @return Σ_i (y_i η_i − softplus(η_i)), summed in the fixed order of {@link ScalarLogisticTerms}
   *     (eight interleaved partial sums, then the tail)
   */
  double apply(double[] eta, int etaOff, int m, double[] y, int yOff, double[] residual);

  /** The fastest implementation this JVM can run. */
  static LogisticTerms best() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      try {
        // By name, so that this class loads on JVMs without the incubator module.
        return (LogisticTerms) Class.forName("org.poevi.target.VectorLogisticTerms")
            .getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        return new ScalarLogisticTerms();
      }
    }
    return new ScalarLogisticTerms();
  }

  /**
   * e^x for {@link #EXP_FLOOR} ≤ x ≤ 0, relative error about 1 ulp; below the floor, e^floor (a
   * difference of 3e−308 at most).
   */
  static double exp(double x) {
    x = Math.max(x, EXP_FLOOR);
    double t = Math.fma(x, INV_LN2, MAGIC);
    double k = t - MAGIC;
    double r = Math.fma(-k, LN2_HI, x);
    r = Math.fma(-k, LN2_LO, r);
    double p = EXP_COEFFICIENTS[0];
    for (int i = 1; i < EXP_COEFFICIENTS.length; i++) {
      p = Math.fma(p, r, EXP_COEFFICIENTS[i]);
    }
    p = Math.fma(p, r, 1);
    p = Math.fma(p, r, 1);
    long bits = Double.doubleToRawLongBits(t) - Double.doubleToRawLongBits(MAGIC) + 1023;
    return p * Double.longBitsToDouble(bits << 52);
  }

  /**
   * log(1 + a) and 1/(1 + a) for 0 ≤ a ≤ 1, with one division: log(1 + a) = 2 atanh(s) + c, where
   * s = f/(2 + f), and f = a, c = 0 for a ≤ √2 − 1, else f = (a − 1)/2, c = log 2, so |s| ≤ 0.172
   * and ten terms of the series in s² leave a truncation below 1e−17. Relative error a few ulps,
   * exact for tiny a.
   *
   * @param out receives {log(1 + a), 1/(1 + a)}
   */
  static void log1pAndInverse(double a, double[] out) {
    boolean big = a > SQRT2_MINUS_1;
    double f = big ? Math.fma(a, 0.5, -0.5) : a;
    double w = 1 + a;
    double twoF = 2 + f;
    double q = 1 / (w * twoF);
    double s = f * w * q;
    double s2 = s * s;
    double p = ATANH_COEFFICIENTS[0];
    for (int i = 1; i < ATANH_COEFFICIENTS.length; i++) {
      p = Math.fma(p, s2, ATANH_COEFFICIENTS[i]);
    }
    p = Math.fma(p, s2, 1);
    out[0] = 2 * s * p + (big ? LN2 : 0);
    out[1] = twoF * q;
  }

  /** log(1 + a) for 0 ≤ a ≤ 1 ({@link #log1pAndInverse}). */
  static double log1p(double a) {
    double[] out = new double[2];
    log1pAndInverse(a, out);
    return out[0];
  }

  private static double[] expCoefficients() {
    double[] c = new double[12];
    for (int k = 13; k >= 2; k--) {
      double f = 1;
      for (int j = 2; j <= k; j++) {
        f *= j;
      }
      c[13 - k] = 1 / f;
    }
    return c;
  }

  private static double[] atanhCoefficients() {
    double[] c = new double[10];
    for (int k = 10; k >= 1; k--) {
      c[10 - k] = 1.0 / (2 * k + 1);
    }
    return c;
  }
}
