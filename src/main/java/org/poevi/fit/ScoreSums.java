package org.poevi.fit;

import dev.ludovic.netlib.blas.BLAS;
import java.io.Serializable;
import org.poevi.math.DyadicSum;

/**
 * The sufficient statistics of the score-matching QP over a batch of weighted points
 * (z_b, s_b = ∇log p(z_b), w_b):
 *
 * <pre>
 *   W = Σ w_b,   W₂ = Σ w_b²,   Gram = Σ w_b Q(z_b)ᵀ Q(z_b)  (K×K),   Cross = Σ w_b Q(z_b)ᵀ s_b  (K),
 *   S = Σ w_b ‖s_b‖²,
 * </pre>
 *
 * so that with normalised weights G = Gram/W (+ proximal term), h = Cross/W, and the weighted
 * Fisher divergence of q_α is (αᵀ Gram α − 2 Crossᵀ α + S)/W.
 *
 * <p>Weights arrive as logarithms and are held relative to a common log scale (the largest seen),
 * so self-normalised importance weights never overflow. An associative accumulator with an
 * identity ({@link #empty}), {@link #addBlock} and {@link #merge}, in the style of Spark MLlib's
 * loss aggregators; merging over a fixed tree on the block indices ({@link #overBlocks}) gives
 * bit-identical results however the blocks were grouped.
 */
public final class ScoreSums implements Serializable {
  private static final long serialVersionUID = 1L;

  final int numExperts;
  double logScale = Double.NEGATIVE_INFINITY;
  double weightSum;
  double weightSquareSum;
  double scoreSquareSum;
  long count;
  /** K×K column-major; only the upper triangle is accumulated (dsyrk), see {@link #gram()}. */
  final double[] gram;
  final double[] cross;

  private ScoreSums(int numExperts) {
    this.numExperts = numExperts;
    this.gram = new double[numExperts * numExperts];
    this.cross = new double[numExperts];
  }

  /** The identity of {@link #merge}. */
  public static ScoreSums empty(int numExperts) {
    return new ScoreSums(numExperts);
  }

  /**
   * Folds in nb points: {@code stackedQ} is the (nb·D)×K column-major stack of Q(z_b) (as written
   * by {@code QMatrixBlock}; it is overwritten), {@code scores} the nb×D row-major scores from
   * {@code off·D}, {@code logWeights} their log weights from {@code off}. {@code scratch} has
   * length ≥ nb·D. Points with weight zero (log weight −∞) are counted but add nothing.
   */
  public void addBlock(double[] stackedQ, int nb, int dim, double[] scores, double[] logWeights,
      int off, double[] scratch) {
    addBlock(stackedQ, nb, dim, scores, off, logWeights, off, scratch);
  }

  /**
   * As above, with the scores of the block's points from point {@code scoresFrom} of
   * {@code scores} (e.g. 0 of a block's transformed scores) and their log weights from point
   * {@code off} of {@code logWeights}.
   */
  public void addBlock(double[] stackedQ, int nb, int dim, double[] scores, int scoresFrom,
      double[] logWeights, int off, double[] scratch) {
    double blockMax = Double.NEGATIVE_INFINITY;
    for (int b = 0; b < nb; b++) {
      blockMax = Math.max(blockMax, logWeights[off + b]);
    }
    count += nb;
    if (blockMax == Double.NEGATIVE_INFINITY) {
      return;
    }
    rescaleTo(Math.max(logScale, blockMax));
    int rows = nb * dim;
    for (int b = 0; b < nb; b++) {
      double w = Math.exp(logWeights[off + b] - logScale);
      double root = Math.sqrt(w);
      weightSum += w;
      weightSquareSum += w * w;
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        double s = scores[(scoresFrom + b) * dim + d];
        norm += s * s;
        scratch[b * dim + d] = root * s;
      }
      scoreSquareSum += w * norm;
      for (int k = 0; k < numExperts; k++) {
        int base = k * rows + b * dim;
        for (int d = 0; d < dim; d++) {
          stackedQ[base + d] *= root;
        }
      }
    }
    BLAS blas = BLAS.getInstance();
    blas.dsyrk("U", "T", numExperts, rows, 1.0, stackedQ, 0, rows, 1.0, gram, 0, numExperts);
    blas.dgemv("T", rows, numExperts, 1.0, stackedQ, 0, rows, scratch, 0, 1, 1.0, cross, 0, 1);
  }

  /**
   * Serialized as its upper triangle (what travels from Spark tasks): the lower triangle of
   * {@link #gram} is never accumulated and stays exactly zero, so this halves the bytes and
   * changes no bit.
   */
  private Object writeReplace() {
    return new Packed(this);
  }

  private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("ScoreSums travels as ScoreSums.Packed");
  }

  /** The serialized form of {@link ScoreSums}. */
  private static final class Packed implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int numExperts;
    private final double logScale;
    private final double weightSum;
    private final double weightSquareSum;
    private final double scoreSquareSum;
    private final long count;
    private final double[] upper;
    private final double[] cross;

    Packed(ScoreSums s) {
      numExperts = s.numExperts;
      logScale = s.logScale;
      weightSum = s.weightSum;
      weightSquareSum = s.weightSquareSum;
      scoreSquareSum = s.scoreSquareSum;
      count = s.count;
      cross = s.cross;
      int k = numExperts;
      upper = new double[k * (k + 1) / 2];
      int at = 0;
      for (int j = 0; j < k; j++) {
        for (int i = 0; i <= j; i++) {
          upper[at++] = s.gram[j * k + i];
        }
      }
    }

    private Object readResolve() {
      ScoreSums s = new ScoreSums(numExperts);
      s.logScale = logScale;
      s.weightSum = weightSum;
      s.weightSquareSum = weightSquareSum;
      s.scoreSquareSum = scoreSquareSum;
      s.count = count;
      System.arraycopy(cross, 0, s.cross, 0, numExperts);
      int k = numExperts;
      int at = 0;
      for (int j = 0; j < k; j++) {
        for (int i = 0; i <= j; i++) {
          s.gram[j * k + i] = upper[at++];
        }
      }
      return s;
    }
  }

  /**
   * The empty order-independent sum of per-block sums over {@code numBlocks} blocks (≥ 1): blocks
   * combined over a fixed binary tree on their indices, so the total is bit-identical however the
   * blocks were grouped (threads, partitions, executors), and a contiguous run of blocks keeps
   * O(log blocks) partial sums (SPEC §6).
   */
  public static DyadicSum<ScoreSums> overBlocks(int numBlocks) {
    return new DyadicSum<>(numBlocks, Merge.INSTANCE);
  }

  /** {@link #merge} as the combiner of {@link #overBlocks}. */
  private enum Merge implements DyadicSum.Combiner<ScoreSums> {
    INSTANCE;

    @Override
    public ScoreSums combine(ScoreSums left, ScoreSums right) {
      return left.merge(right);
    }
  }

  /** Adds {@code other} into this accumulator and returns this. */
  public ScoreSums merge(ScoreSums other) {
    if (other.numExperts != numExperts) {
      throw new IllegalArgumentException("cannot merge sums over " + other.numExperts
          + " experts into sums over " + numExperts);
    }
    count += other.count;
    if (other.logScale == Double.NEGATIVE_INFINITY) {
      return this;
    }
    rescaleTo(Math.max(logScale, other.logScale));
    double f = Math.exp(other.logScale - logScale);
    weightSum += f * other.weightSum;
    weightSquareSum += f * f * other.weightSquareSum;
    scoreSquareSum += f * other.scoreSquareSum;
    for (int i = 0; i < gram.length; i++) {
      gram[i] += f * other.gram[i];
    }
    for (int k = 0; k < numExperts; k++) {
      cross[k] += f * other.cross[k];
    }
    return this;
  }

  private void rescaleTo(double newScale) {
    if (newScale == logScale) {
      return;
    }
    double f = logScale == Double.NEGATIVE_INFINITY ? 0 : Math.exp(logScale - newScale);
    weightSum *= f;
    weightSquareSum *= f * f;
    scoreSquareSum *= f;
    for (int i = 0; i < gram.length; i++) {
      gram[i] *= f;
    }
    for (int k = 0; k < numExperts; k++) {
      cross[k] *= f;
    }
    logScale = newScale;
  }

  public int numExperts() {
    return numExperts;
  }

  public long count() {
    return count;
  }

  /** Whether Gram/W and Cross/W are finite (a batch with no weight, W = 0, is not). */
  public boolean isFinite() {
    return allFinite(normalizedGram()) && allFinite(normalizedCross());
  }

  private static boolean allFinite(double[] values) {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** Kish's effective sample size of the weights, (Σw)²/Σw². */
  public double effectiveSampleSize() {
    return weightSquareSum == 0 ? 0 : weightSum * weightSum / weightSquareSum;
  }

  /** Gram/W as a dense symmetric row-major K×K matrix. */
  public double[] normalizedGram() {
    int k = numExperts;
    double[] out = new double[k * k];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i <= j; i++) {
        double v = gram[j * k + i] / weightSum;
        out[i * k + j] = v;
        out[j * k + i] = v;
      }
    }
    return out;
  }

  /** Cross/W. */
  public double[] normalizedCross() {
    double[] out = new double[numExperts];
    for (int k = 0; k < numExperts; k++) {
      out[k] = cross[k] / weightSum;
    }
    return out;
  }

  /** The weighted Fisher divergence (1/W) Σ w_b ‖Q(z_b)α − s_b‖² at α. */
  public double fisherDivergence(double[] alpha) {
    double[] g = normalizedGram();
    double[] h = normalizedCross();
    int k = numExperts;
    double quad = 0;
    double lin = 0;
    for (int i = 0; i < k; i++) {
      double row = 0;
      for (int j = 0; j < k; j++) {
        row += g[i * k + j] * alpha[j];
      }
      quad += alpha[i] * row;
      lin += h[i] * alpha[i];
    }
    return Math.max(quad - 2 * lin + scoreSquareSum / weightSum, 0);
  }
}
