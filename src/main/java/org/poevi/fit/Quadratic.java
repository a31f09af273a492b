package org.poevi.fit;

/**
 * The objective an α-step minimises, from the batches so far: the sample Fisher divergence
 * F(α) = αᵀGα − 2hᵀα + c in the experts' score metric (SPEC §3), with G and h the QP's matrix
 * and vector (before the proximal term). Immutable: {@link #add} returns the objective with one
 * more batch.
 */
public sealed interface Quadratic permits Quadratic.Averaged, Quadratic.Latest {
  /** The objective once {@code batch} is added. */
  Quadratic add(ScoreSums batch);

  /** G, K×K row-major. */
  double[] g();

  /** h, K. */
  double[] h();

  /** F at α. */
  double value(double[] alpha);

  /** Under p: the average over every batch so far (its estimate sharpens as batches come). */
  static Quadratic averaged(int numExperts) {
    return new Averaged(new double[numExperts * numExperts], new double[numExperts], 0, 0);
  }

  /** Under q: the latest batch only (the batches come from the q of their own iteration). */
  static Quadratic latest() {
    return new Latest(null);
  }

  /**
   * Sums of the batches' normalised G, h and ‖s‖² over {@code count} batches.
   */
  record Averaged(double[] gramSum, double[] crossSum, double scoreNormSum, int count)
      implements Quadratic {
    @Override
    public Quadratic add(ScoreSums batch) {
      double[] gram = gramSum.clone();
      double[] cross = crossSum.clone();
      addInto(gram, batch.normalizedGram());
      addInto(cross, batch.normalizedCross());
      return new Averaged(gram, cross,
          scoreNormSum + batch.fisherDivergence(new double[cross.length]), count + 1);
    }

    @Override
    public double[] g() {
      return scaled(gramSum, 1.0 / count);
    }

    @Override
    public double[] h() {
      return scaled(crossSum, 1.0 / count);
    }

    @Override
    public double value(double[] alpha) {
      double[] g = g();
      double[] h = h();
      double c = scoreNormSum / count;
      int k = alpha.length;
      double value = c;
      for (int i = 0; i < k; i++) {
        double gi = 0;
        for (int j = 0; j < k; j++) {
          gi += g[i * k + j] * alpha[j];
        }
        value += alpha[i] * gi - 2 * h[i] * alpha[i];
      }
      return value;
    }

    private static void addInto(double[] target, double[] values) {
      for (int i = 0; i < target.length; i++) {
        target[i] += values[i];
      }
    }

    private static double[] scaled(double[] v, double f) {
      double[] out = v.clone();
      for (int i = 0; i < out.length; i++) {
        out[i] *= f;
      }
      return out;
    }
  }

  /** The latest batch's sums (null before the first batch). */
  record Latest(ScoreSums sums) implements Quadratic {
    @Override
    public Quadratic add(ScoreSums batch) {
      return new Latest(batch);
    }

    @Override
    public double[] g() {
      return sums.normalizedGram();
    }

    @Override
    public double[] h() {
      return sums.normalizedCross();
    }

    @Override
    public double value(double[] alpha) {
      return sums.fisherDivergence(alpha);
    }
  }
}
