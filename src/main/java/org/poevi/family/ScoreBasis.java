package org.poevi.family;

import java.io.Serializable;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import org.poevi.math.Cholesky;

/**
 * The experts as the QP sees them: their score columns Q(z) measured in a metric. The score
 * matching objective E‖∇log q − ∇log p‖² weighs every coordinate's score errors alike, so the
 * directions in which p is narrow (large scores) dominate the fit and a wide direction can be
 * left biased. With a metric S (the preliminary Gaussian's covariance, S = L Lᵀ) the objective is
 * E‖Lᵀ(∇log q − ∇log p)‖²: the plain objective in the whitened coordinates x = L⁻¹(z − m), in
 * which every direction has unit scale. The fit is then invariant to affine reparameterisation
 * (the expert pool is built equivariantly too). {@link QMatrixBlock} applies Lᵀ to Q and
 * {@link #transformScores} to the target's scores.
 *
 * <p>As a list it is the experts themselves, so code that only needs the experts takes it as a
 * {@code List<Expert>}; a plain list of experts means the identity metric. Immutable and
 * serializable (it is broadcast to Spark executors).
 */
public final class ScoreBasis extends AbstractList<Expert> implements RandomAccess, Serializable {
  private static final long serialVersionUID = 1L;

  private final Expert[] experts;
  /** L, column-major D×D lower-triangular (upper entries zero), or null for the identity. */
  private final double[] factor;
  /** The experts' shared metric M when the score metric is M⁻¹ ({@link #whitened}), or null. */
  private final SharedMetric whitening;

  private ScoreBasis(Expert[] experts, double[] factor, SharedMetric whitening) {
    this.experts = experts;
    this.factor = factor;
    this.whitening = whitening;
  }

  /**
   * Structured experts that share one metric M (issue #20), measured in the score metric
   * S = M⁻¹: the whitened frame of M, in which Q costs O(D·(1 + r_k)) per expert and point
   * ({@link StructuredQ}) and the target's scores are mapped by L⁻¹ (M = L Lᵀ).
   *
   * @throws IllegalArgumentException when the experts are not all structured with one metric
   */
  public static ScoreBasis whitened(List<Expert> experts) {
    SharedMetric metric = sharedMetric(experts);
    if (metric == null) {
      throw new IllegalArgumentException("whitened scores need structured experts that share one"
          + " metric");
    }
    return new ScoreBasis(experts.toArray(new Expert[0]), null, metric);
  }

  /** The metric every expert shares (the same instance), or null. */
  public static SharedMetric sharedMetric(List<Expert> experts) {
    SharedMetric metric = experts.get(0).metric;
    for (Expert e : experts) {
      if (metric == null || e.metric != metric) {
        return null;
      }
    }
    return metric;
  }

  /** True for {@link #whitened} experts. */
  boolean isWhitened() {
    return whitening != null;
  }

  /**
   * @param covariance S, row-major D×D symmetric positive definite
   * @throws IllegalArgumentException when S is not positive definite
   */
  public static ScoreBasis of(List<Expert> experts, double[] covariance) {
    int dim = experts.get(0).dim();
    double[] packed = Cholesky.pack(covariance, dim);
    if (!Cholesky.factor(packed, 0, dim)) {
      throw new IllegalArgumentException("the score metric is not positive definite");
    }
    double[] l = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j <= i; j++) {
        l[i + j * dim] = packed[Cholesky.packedIndex(i, j)];
      }
    }
    return new ScoreBasis(experts.toArray(new Expert[0]), l, null);
  }

  /** The experts with their metric if they carry one ({@code experts} a ScoreBasis), else I. */
  public static ScoreBasis copyOf(List<Expert> experts) {
    if (experts instanceof ScoreBasis b) {
      return b;
    }
    return new ScoreBasis(experts.toArray(new Expert[0]), null, null);
  }

  /** The metric's factor L (column-major, lower), or null for the identity metric. */
  double[] factor() {
    return factor;
  }

  @Override
  public Expert get(int index) {
    return experts[index];
  }

  @Override
  public int size() {
    return experts.length;
  }

  /**
   * Writes Lᵀ s for the nb score vectors {@code scores} (nb×D row-major from point
   * {@code from}) into {@code out} (nb×D from index {@code outOff}); a copy for the identity
   * metric.
   */
  public static void transformScores(List<Expert> experts, double[] scores, int from, int nb,
      double[] out, int outOff) {
    int dim = experts.get(0).dim();
    if (experts instanceof ScoreBasis b && b.whitening != null) {
      System.arraycopy(scores, from * dim, out, outOff, nb * dim);
      for (int p = 0; p < nb; p++) {
        b.whitening.solveLower(out, outOff + p * dim);
      }
      return;
    }
    double[] l = experts instanceof ScoreBasis b ? b.factor : null;
    if (l == null) {
      System.arraycopy(scores, from * dim, out, outOff, nb * dim);
      return;
    }
    for (int p = 0; p < nb; p++) {
      int s = (from + p) * dim;
      for (int j = 0; j < dim; j++) {
        // (Lᵀ s)_j = Σ_{i ≥ j} L_ij s_i.
        double v = 0;
        for (int i = j; i < dim; i++) {
          v += l[i + j * dim] * scores[s + i];
        }
        out[outOff + p * dim + j] = v;
      }
    }
  }
}
