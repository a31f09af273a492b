package org.poevi.target;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LogisticTerms} on the JDK Vector API: the CPU's widest vectors, each lane computed with
 * exactly the operations of {@link LogisticTerms#exp} and {@link LogisticTerms#log1p} (so the
 * results equal {@link ScalarLogisticTerms}' bit for bit); the tail one element at a time. Loaded
 * by name only when the JVM has {@code jdk.incubator.vector}.
 */
final class VectorLogisticTerms implements LogisticTerms {
  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  private static final long MAGIC_BITS = Double.doubleToRawLongBits(MAGIC);
  private final ScalarLogisticTerms tail = new ScalarLogisticTerms();

  @Override
  public double apply(double[] eta, int etaOff, int m, double[] y, int yOff, double[] residual,
      double[] terms) {
    int lanes = SPECIES.length();
    int bound = m - m % lanes;
    for (int i = 0; i < bound; i += lanes) {
      DoubleVector e = DoubleVector.fromArray(SPECIES, eta, etaOff + i);
      DoubleVector yi = DoubleVector.fromArray(SPECIES, y, yOff + i);
      DoubleVector a = exp(e.abs().neg());
      DoubleVector inv = DoubleVector.broadcast(SPECIES, 1).div(a.add(1));
      yi.mul(e).sub(e.max(0).add(log1p(a))).intoArray(terms, etaOff + i);
      VectorMask<Double> nonNegative = e.compare(VectorOperators.GE, 0);
      yi.sub(a.mul(inv).blend(inv, nonNegative)).intoArray(residual, etaOff + i);
    }
    tail.apply(eta, etaOff + bound, m - bound, y, yOff + bound, residual, terms);
    return LogisticTerms.fixedSum(terms, etaOff, m);
  }

  private static DoubleVector exp(DoubleVector x) {
    VectorMask<Double> underflow = x.compare(VectorOperators.GE, EXP_FLOOR).not();
    DoubleVector t = x.lanewise(VectorOperators.FMA, INV_LN2, MAGIC);
    DoubleVector k = t.sub(MAGIC);
    DoubleVector r = k.neg().lanewise(VectorOperators.FMA, LN2_HI, x);
    r = k.neg().lanewise(VectorOperators.FMA, LN2_LO, r);
    DoubleVector p = DoubleVector.broadcast(SPECIES, EXP_COEFFICIENTS[0]);
    for (int i = 1; i < EXP_COEFFICIENTS.length; i++) {
      p = p.lanewise(VectorOperators.FMA, r, DoubleVector.broadcast(SPECIES,
          EXP_COEFFICIENTS[i]));
    }
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1);
    p = p.lanewise(VectorOperators.FMA, r, one);
    p = p.lanewise(VectorOperators.FMA, r, one);
    LongVector bits = ((LongVector) t.viewAsIntegralLanes()).sub(MAGIC_BITS - 1023)
        .lanewise(VectorOperators.LSHL, 52);
    return p.mul(bits.viewAsFloatingLanes()).blend(0, underflow);
  }

  private static DoubleVector log1p(DoubleVector a) {
    DoubleVector s = a.div(a.add(2));
    DoubleVector s2 = s.mul(s);
    DoubleVector p = DoubleVector.broadcast(SPECIES, ATANH_COEFFICIENTS[0]);
    for (int i = 1; i < ATANH_COEFFICIENTS.length; i++) {
      p = p.lanewise(VectorOperators.FMA, s2, DoubleVector.broadcast(SPECIES,
          ATANH_COEFFICIENTS[i]));
    }
    p = p.lanewise(VectorOperators.FMA, s2, DoubleVector.broadcast(SPECIES, 1));
    return s.mul(2).mul(p);
  }
}
