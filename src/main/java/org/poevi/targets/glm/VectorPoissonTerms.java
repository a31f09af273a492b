package org.poevi.targets.glm;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link PoissonTerms} on the JDK Vector API, lane by lane with the operations of
 * {@link ScalarPoissonTerms} and its sum order (see {@link VectorLogisticTerms}).
 */
final class VectorPoissonTerms implements PoissonTerms {
  private static final VectorSpecies<Double> SPECIES = VectorExp.SPECIES;
  private static final ScalarPoissonTerms SCALAR = new ScalarPoissonTerms();

  /** Needs vectors of 4 or 8 doubles ({@link VectorExp#supported}). */
  VectorPoissonTerms() {}

  @Override
  public double apply(double[] eta, int etaOff, int m, double[] y, int yOff, double[] w,
      double[] residual, double[] partial) {
    int lanes = SPECIES.length();
    int bound = m - m % 8;
    java.util.Arrays.fill(partial, 0, 8, 0);
    // One loop body, partial sums through memory (see VectorLogisticTerms).
    for (int i = 0; i < bound; i += lanes) {
      int off = etaOff + i;
      DoubleVector e = DoubleVector.fromArray(SPECIES, eta, off);
      DoubleVector yi = DoubleVector.fromArray(SPECIES, y, yOff + i);
      DoubleVector mu = VectorExp.any(e);
      DoubleVector r = yi.sub(mu);
      DoubleVector term = yi.mul(e).sub(mu);
      if (w != null) {
        DoubleVector wi = DoubleVector.fromArray(SPECIES, w, yOff + i);
        r = r.mul(wi);
        term = term.mul(wi);
      }
      r.intoArray(residual, off);
      int lane = i & 7;
      DoubleVector.fromArray(SPECIES, partial, lane).add(term).intoArray(partial, lane);
    }
    return VectorExp.combine(partial)
        + SCALAR.tail(eta, etaOff + bound, m - bound, y, yOff + bound, w, residual);
  }
}
