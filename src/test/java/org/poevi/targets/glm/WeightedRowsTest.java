package org.poevi.targets.glm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Row weights and offsets in the GLM kernels: Σ_i w_i·ℓ(y_i, x_iᵀz + o_i) and its gradient
 * Σ_i w_i·r_i·x_i. Weights of exactly 1 and no offsets are the unweighted bits; the vector and
 * scalar elementwise paths agree bit for bit with weights too; a weight of 2 is a duplicated
 * row, and an offset is a shifted linear predictor, to rounding.
 */
class WeightedRowsTest {
  private static final int ROWS = 203;
  private static final int COLUMNS = 3;
  private static final int POINTS = 5;

  private static double[] design(SplittableRandom rng) {
    double[] x = new double[ROWS * COLUMNS];
    for (int i = 0; i < ROWS; i++) {
      x[i] = 1;
      for (int j = 1; j < COLUMNS; j++) {
        x[i + j * ROWS] = rng.nextGaussian();
      }
    }
    return x;
  }

  private static double[] points(SplittableRandom rng) {
    double[] z = new double[POINTS * COLUMNS];
    for (int i = 0; i < z.length; i++) {
      z[i] = 0.5 * rng.nextGaussian();
    }
    return z;
  }

  private static List<GlmLikelihood> likelihoods() {
    return List.of(new LogisticLikelihood(COLUMNS), new PoissonLikelihood(COLUMNS),
        new GaussianLikelihood(COLUMNS));
  }

  private static double[] response(GlmLikelihood likelihood, SplittableRandom rng) {
    double[] y = new double[ROWS];
    for (int i = 0; i < ROWS; i++) {
      y[i] = likelihood instanceof GaussianLikelihood ? rng.nextGaussian()
          : likelihood instanceof LogisticLikelihood ? rng.nextInt(2) : rng.nextInt(5);
    }
    return y;
  }

  private static double[] sums(GlmLikelihood likelihood, RowBlock block, double[] z) {
    double[] out = new double[POINTS * (COLUMNS + 1)];
    likelihood.add(block, z, POINTS, out, likelihood.workspace());
    return out;
  }

  @Test
  void unitWeightsAndNoOffsetsAreTheUnweightedBits() {
    SplittableRandom rng = new SplittableRandom(1);
    double[] x = design(rng);
    double[] z = points(rng);
    double[] ones = new double[ROWS];
    Arrays.fill(ones, 1);
    for (GlmLikelihood likelihood : likelihoods()) {
      double[] y = response(likelihood, rng);
      double[] plain = sums(likelihood, new RowBlock(0, 0, ROWS, COLUMNS, x, y), z);
      double[] weighted = sums(likelihood, new RowBlock(0, 0, ROWS, COLUMNS, x, y, ones,
          new double[ROWS]), z);
      assertArrayEquals(plain, weighted, likelihood.getClass().getSimpleName());
    }
  }

  /** The vector terms equal the scalar ones bit for bit with weights too. */
  @Test
  void vectorAndScalarTermsAgreeWithWeights() {
    SplittableRandom rng = new SplittableRandom(2);
    int m = 61;
    double[] eta = new double[m];
    double[] y = new double[m];
    double[] w = new double[m];
    for (int i = 0; i < m; i++) {
      eta[i] = 3 * rng.nextGaussian();
      y[i] = rng.nextInt(2);
      w[i] = rng.nextDouble() * 3;
    }
    for (GlmTerms[] pair : List.of(new GlmTerms[] {new ScalarLogisticTerms(),
        LogisticTerms.best()}, new GlmTerms[] {new ScalarPoissonTerms(), PoissonTerms.best()})) {
      double[] r1 = new double[m];
      double[] r2 = new double[m];
      assertEquals(pair[0].apply(eta, 0, m, y, 0, w, r1, new double[8]),
          pair[1].apply(eta, 0, m, y, 0, w, r2, new double[8]), 0.0);
      assertArrayEquals(r1, r2);
    }
  }

  /**
   * A weight of 2 is the row twice. Not the same bits (the row's two copies fall into other
   * partial sums and dgemm orders than one doubled term), so the tolerance is rounding: a few
   * ulps of Σ|w_i ℓ_i| and of Σ|w_i r_i x_ij|, bounded here by 1e-12 of the sum of absolute
   * values, three orders above 2^-52 times the ~200 terms.
   */
  @Test
  void aWeightOfTwoIsADuplicatedRow() {
    SplittableRandom rng = new SplittableRandom(3);
    double[] x = design(rng);
    double[] z = points(rng);
    for (GlmLikelihood likelihood : likelihoods()) {
      double[] y = response(likelihood, rng);
      double[] w = new double[ROWS];
      Arrays.fill(w, 1);
      w[7] = 2;
      double[] weighted = sums(likelihood, new RowBlock(0, 0, ROWS, COLUMNS, x, y, w, null), z);
      double[] x2 = new double[(ROWS + 1) * COLUMNS];
      double[] y2 = Arrays.copyOf(y, ROWS + 1);
      y2[ROWS] = y[7];
      for (int j = 0; j < COLUMNS; j++) {
        System.arraycopy(x, j * ROWS, x2, j * (ROWS + 1), ROWS);
        x2[ROWS + j * (ROWS + 1)] = x[7 + j * ROWS];
      }
      double[] duplicated = sums(likelihood, new RowBlock(0, 0, ROWS + 1, COLUMNS, x2, y2), z);
      double[] scale = sums(likelihood, new RowBlock(0, 0, ROWS, COLUMNS, x, y), z);
      for (int k = 0; k < weighted.length; k++) {
        assertEquals(duplicated[k], weighted[k], 1e-12 * (ROWS + 1) * Math.max(1,
            Math.abs(scale[k])), likelihood.getClass().getSimpleName() + " entry " + k);
      }
    }
  }

  /**
   * An offset c on every row is the intercept shifted by c (the design's first column is ones):
   * η = xᵀz + c = xᵀ(z + c·e₁). Equal to rounding in the linear predictor (a few ulps of |η|,
   * times the number of rows): 1e-12 relative, as above.
   */
  @Test
  void anOffsetIsAShiftedLinearPredictor() {
    SplittableRandom rng = new SplittableRandom(4);
    double[] x = design(rng);
    double[] z = points(rng);
    double c = 0.7;
    double[] offset = new double[ROWS];
    Arrays.fill(offset, c);
    double[] shifted = z.clone();
    for (int b = 0; b < POINTS; b++) {
      shifted[b * COLUMNS] += c;
    }
    for (GlmLikelihood likelihood : likelihoods()) {
      double[] y = response(likelihood, rng);
      double[] withOffset = sums(likelihood, new RowBlock(0, 0, ROWS, COLUMNS, x, y, null,
          offset), z);
      double[] moved = sums(likelihood, new RowBlock(0, 0, ROWS, COLUMNS, x, y), shifted);
      for (int k = 0; k < moved.length; k++) {
        assertEquals(moved[k], withOffset[k], 1e-12 * ROWS * Math.max(1, Math.abs(moved[k])),
            likelihood.getClass().getSimpleName() + " entry " + k);
      }
    }
  }
}
