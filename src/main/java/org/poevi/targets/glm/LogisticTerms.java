package org.poevi.targets.glm;

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
interface LogisticTerms extends GlmTerms {
  double MAGIC = 0x1.8p52;
  double INV_LN2 = 0x1.71547652b82fep0;
  double LN2_HI = 0x1.62e42fefa3800p-1;
  double LN2_LO = 0x1.ef35793c76730p-45;
  /** exp clamps its argument here (e^−708 ≈ 3e−308, the smallest normal doubles). */
  double EXP_FLOOR = -708;
  /**
   * e^r ≈ 1 + r + Σ_{k=2..11} c_k r^k on |r| ≤ ln2/2, c_11 first: the Taylor series economized to
   * degree 11 with Chebyshev polynomials (docs/tools/economize.py), error below 4e−18.
   */
  double[] EXP_COEFFICIENTS = {0x1.af785e0a5c160p-26, 0x1.28b40639f54d8p-22,
      0x1.71dde76a2f6e1p-19, 0x1.a01991aba6f2bp-16, 0x1.a01a01b802660p-13, 0x1.6c16c187fc3e6p-10,
      0x1.111111110db75p-7, 0x1.555555554f0ccp-5, 0x1.5555555555562p-3, 0x1.0000000000011p-1};
  double SQRT2_MINUS_1 = 0x1.a827999fcef32p-2;
  double LN2 = 0x1.62e42fefa39efp-1;
  /**
   * atanh(s)/s ≈ 1 + Σ_{k=1..7} c_k u^k, u = s² ≤ 0.02944 (|s| ≤ 0.1716), c_7 first: the series
   * Σ u^k/(2k + 1) economized to degree 7 (docs/tools/economize.py), error below 2e−18.
   */
  double[] ATANH_COEFFICIENTS = {0x1.2f51b96dc6619p-4, 0x1.3999525b7e87bp-4,
      0x1.74669da93fe80p-4, 0x1.c71c4fea43fc5p-4, 0x1.24924945309f8p-3, 0x1.999999997ac73p-3,
      0x1.55555555555aep-2};

  /** The fastest implementation this JVM can run. */
  static GlmTerms best() {
    return GlmTerms.best("org.poevi.targets.glm.VectorLogisticTerms", new ScalarLogisticTerms());
  }

  /** Above this, e^x overflows: {@link #expAny} gives +∞. */
  double EXP_CEILING = 709;

  /**
   * e^x for any x, with {@link #exp}'s operations: +∞ above {@link #EXP_CEILING} (e^709 ≈
   * 8.2e307; the few finite values above it are given as +∞ too), e^floor below the floor.
   */
  static double expAny(double x) {
    return x > EXP_CEILING ? Double.POSITIVE_INFINITY : exp(x);
  }

  /**
   * e^x for {@link #EXP_FLOOR} ≤ x ≤ {@link #EXP_CEILING}, relative error about 1 ulp; below the
   * floor, e^floor (a difference of 3e−308 at most).
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
   * and a degree-7 polynomial in s² leaves an error below 2e−18. Relative error a few ulps,
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
}
