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
  /** Below this, e^x is taken as 0 (e^−708 ≈ 3e−308: no normal double is smaller). */
  double EXP_FLOOR = -708;
  /** 1/k!, k = 13 down to 2: Taylor series of e^r on |r| ≤ ln2/2 (truncation below 1e−17). */
  double[] EXP_COEFFICIENTS = expCoefficients();
  /** 1/(2k + 1), k = 17 down to 1: log(1 + a) = 2 atanh(s), s = a/(2 + a) ≤ 1/3. */
  double[] ATANH_COEFFICIENTS = atanhCoefficients();

  /**
   * @param eta m linear predictors from {@code eta[etaOff]}
   * @param y m responses (0 or 1) from {@code y[yOff]}
   * @param residual receives m residuals y − σ(η) from {@code residual[etaOff]}
   * @param terms scratch: receives the m terms y η − softplus(η) from {@code terms[etaOff]}
   * @return Σ_i (y_i η_i − softplus(η_i)), by {@link #fixedSum}
   */
  double apply(double[] eta, int etaOff, int m, double[] y, int yOff, double[] residual,
      double[] terms);

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

  /** e^x for x ≤ 0, relative error about 1 ulp; 0 below {@link #EXP_FLOOR}. */
  static double exp(double x) {
    if (!(x >= EXP_FLOOR)) {
      return 0;
    }
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

  /** log(1 + a) for 0 ≤ a ≤ 1, relative error a few ulps, exact for tiny a. */
  static double log1p(double a) {
    double s = a / (2 + a);
    double s2 = s * s;
    double p = ATANH_COEFFICIENTS[0];
    for (int i = 1; i < ATANH_COEFFICIENTS.length; i++) {
      p = Math.fma(p, s2, ATANH_COEFFICIENTS[i]);
    }
    p = Math.fma(p, s2, 1);
    return 2 * s * p;
  }

  /** Σ v[off..off+m) with four interleaved partial sums, in one fixed order. */
  static double fixedSum(double[] v, int off, int m) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      s0 += v[off + i];
      s1 += v[off + i + 1];
      s2 += v[off + i + 2];
      s3 += v[off + i + 3];
    }
    for (; i < m; i++) {
      s0 += v[off + i];
    }
    return (s0 + s1) + (s2 + s3);
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
    double[] c = new double[17];
    for (int k = 17; k >= 1; k--) {
      c[17 - k] = 1.0 / (2 * k + 1);
    }
    return c;
  }
}
