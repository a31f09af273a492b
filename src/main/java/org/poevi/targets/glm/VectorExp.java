package org.poevi.targets.glm;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * e^x on the JDK Vector API with exactly the operations of {@link LogisticTerms#exp} and
 * {@link LogisticTerms#expAny}. Loaded only by the vector implementations of {@link GlmTerms}.
 */
final class VectorExp {
  /**
   * SPECIES_MAX, as netlib's VectorBLAS (MLlib's Java BLAS) uses: with SPECIES_PREFERRED the JDK's
   * shared Vector API methods saw two vector classes once MLlib had run in the JVM, and these
   * kernels compiled after that ran 1.8–2.3× slower (docs/benchmarks.md). Any lane count gives
   * the scalar path's bits (RegressionTargetTest).
   */
  static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_MAX;
  private static final DoubleVector ONE = DoubleVector.broadcast(SPECIES, 1);
  private static final long MAGIC_BITS = Double.doubleToRawLongBits(LogisticTerms.MAGIC);

  private VectorExp() {}

  /**
   * Whether this JVM's preferred vectors hold 4 or 8 doubles (AVX2, AVX-512), which the vector
   * implementations need; {@link GlmTerms#best} asks (by reflection) and otherwise uses the
   * scalar terms, which give the same bits.
   */
  static boolean supported() {
    return SPECIES.length() == 4 || SPECIES.length() == 8;
  }

  /** The eight partial sums in the fixed order of {@link ScalarGlmTerms}. */
  static double combine(double[] partial) {
    return ((partial[0] + partial[1]) + (partial[2] + partial[3]))
        + ((partial[4] + partial[5]) + (partial[6] + partial[7]));
  }

  /** {@link LogisticTerms#exp} lane by lane (x ≤ 709). */
  static DoubleVector of(DoubleVector x) {
    x = x.max(LogisticTerms.EXP_FLOOR);
    DoubleVector t = x.lanewise(VectorOperators.FMA, LogisticTerms.INV_LN2, LogisticTerms.MAGIC);
    DoubleVector k = t.sub(LogisticTerms.MAGIC);
    DoubleVector r = k.neg().lanewise(VectorOperators.FMA, LogisticTerms.LN2_HI, x);
    r = k.neg().lanewise(VectorOperators.FMA, LogisticTerms.LN2_LO, r);
    DoubleVector p = DoubleVector.broadcast(SPECIES, LogisticTerms.EXP_COEFFICIENTS[0]);
    for (int i = 1; i < LogisticTerms.EXP_COEFFICIENTS.length; i++) {
      p = p.lanewise(VectorOperators.FMA, r, DoubleVector.broadcast(SPECIES,
          LogisticTerms.EXP_COEFFICIENTS[i]));
    }
    p = p.lanewise(VectorOperators.FMA, r, ONE);
    p = p.lanewise(VectorOperators.FMA, r, ONE);
    LongVector bits = t.viewAsIntegralLanes().sub(MAGIC_BITS - 1023)
        .lanewise(VectorOperators.LSHL, 52);
    return p.mul(bits.viewAsFloatingLanes());
  }

  /** {@link LogisticTerms#expAny} lane by lane: +∞ above {@link LogisticTerms#EXP_CEILING}. */
  static DoubleVector any(DoubleVector x) {
    VectorMask<Double> overflow = x.compare(VectorOperators.GT, LogisticTerms.EXP_CEILING);
    return of(x.min(LogisticTerms.EXP_CEILING)).blend(Double.POSITIVE_INFINITY, overflow);
  }
}
