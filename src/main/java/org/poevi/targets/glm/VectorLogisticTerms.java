package org.poevi.targets.glm;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LogisticTerms} on the JDK Vector API: the CPU's widest vectors, each lane computed with
 * exactly the operations of {@link LogisticTerms#exp} and
 * {@link LogisticTerms#log1pAndInverse} (so the
 * results equal {@link ScalarLogisticTerms}' bit for bit); the tail one element at a time. Loaded
 * by name only when the JVM has {@code jdk.incubator.vector}.
 */
final class VectorLogisticTerms implements LogisticTerms {
  /** As {@link VectorExp#SPECIES}. */
  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_MAX;
  private static final DoubleVector ONE = DoubleVector.broadcast(SPECIES, 1);
  private static final DoubleVector ZERO = DoubleVector.zero(SPECIES);
  private static final ScalarLogisticTerms SCALAR = new ScalarLogisticTerms();
  private static final DoubleVector SQRT2_MINUS_1_V = DoubleVector.broadcast(SPECIES,
      SQRT2_MINUS_1);

  /** Needs vectors of 4 or 8 doubles ({@link VectorExp#supported}). */
  VectorLogisticTerms() {}

  @Override
  public double apply(double[] eta, int etaOff, int m, double[] y, int yOff, double[] weight,
      double[] residual, double[] partial) {
    int lanes = SPECIES.length();
    int bound = m - m % 8;
    java.util.Arrays.fill(partial, 0, 8, 0);
    // One loop body (a call would box the vectors). Element i of each group of eight goes to
    // partial[i]: a vector accumulator carried around the loop would be boxed by C2 (JDK 17) at
    // every iteration, so the partial sums round-trip through memory instead.
    for (int i = 0; i < bound; i += lanes) {
      int off = etaOff + i;
      DoubleVector e = DoubleVector.fromArray(SPECIES, eta, off);
      DoubleVector yi = DoubleVector.fromArray(SPECIES, y, yOff + i);
      DoubleVector a = VectorExp.of(e.abs().neg());
      // log1pAndInverse, lane by lane.
      VectorMask<Double> big = a.compare(VectorOperators.GT, SQRT2_MINUS_1_V);
      DoubleVector f = a.blend(a.lanewise(VectorOperators.FMA, 0.5, -0.5), big);
      DoubleVector w = a.add(1);
      DoubleVector twoF = f.add(2);
      DoubleVector q = ONE.div(w.mul(twoF));
      DoubleVector s = f.mul(w).mul(q);
      DoubleVector s2 = s.mul(s);
      DoubleVector p = DoubleVector.broadcast(SPECIES, ATANH_COEFFICIENTS[0]);
      for (int j = 1; j < ATANH_COEFFICIENTS.length; j++) {
        p = p.lanewise(VectorOperators.FMA, s2, DoubleVector.broadcast(SPECIES,
            ATANH_COEFFICIENTS[j]));
      }
      p = p.lanewise(VectorOperators.FMA, s2, ONE);
      DoubleVector log1p = s.mul(2).mul(p).add(ZERO.blend(LN2, big));
      DoubleVector inv = twoF.mul(q);
      VectorMask<Double> nonNegative = e.compare(VectorOperators.GE, ZERO);
      DoubleVector r = yi.sub(a.mul(inv).blend(inv, nonNegative));
      DoubleVector term = yi.mul(e).sub(e.max(0).add(log1p));
      if (weight != null) {
        DoubleVector wi = DoubleVector.fromArray(SPECIES, weight, yOff + i);
        r = r.mul(wi);
        term = term.mul(wi);
      }
      r.intoArray(residual, off);
      int lane = i & 7;
      DoubleVector.fromArray(SPECIES, partial, lane).add(term).intoArray(partial, lane);
    }
    return VectorExp.combine(partial)
        + SCALAR.tail(eta, etaOff + bound, m - bound, y, yOff + bound, weight, residual);
  }
}
