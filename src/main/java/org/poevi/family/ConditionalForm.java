package org.poevi.family;

import org.apache.commons.rng.sampling.distribution.ContinuousSampler;

/**
 * How the active experts of a family are laid out for blocks of draws: the Feynman conditional
 * z | w (SPEC §2) and the unnormalised log density, both over blocks of {@link
 * FeynmanSampler#BLOCK_SIZE}. Two layouts: {@link ExpertStack} (dense Λ_k, one Cholesky of D×D per
 * draw) and {@link StructuredStack} (Λ_k = c_k·M + U_k U_kᵀ with one shared M, a Woodbury solve of
 * order Σ r_k per draw).
 *
 * <p>Per draw, {@link #combine} fills a column of {@link #rows()} numbers; {@link #conditional}
 * turns it into the conditional (its factor may live in the workspace until the next call), after
 * which {@link #drawStandard} and {@link #place} give z | w. The z values may come out in an
 * internal frame that {@link #finish} maps back, for a run of consecutive rows at once.
 *
 * <p>Workspaces are per thread: one from {@link #workspace()} serves every block of that thread.
 */
interface ConditionalForm {
  int dim();

  /** Number of active experts. */
  int count();

  /** α of each active expert, in index order (shared, never written). */
  double[] alpha();

  /** Numbers per draw in a formed block. */
  int rows();

  /** Per-thread buffers. */
  Object workspace();

  /** Forms nb columns from the weights w (count×nb column-major) into {@code formed}. */
  void combine(double[] w, int nb, double[] formed, Object workspace);

  /**
   * Turns column {@code col} into the conditional given w: returns log|Λ(w)| and leaves σ²(w) for
   * {@link #sigma2}; NaN when Λ(w) is not numerically positive definite.
   */
  double conditional(double[] formed, int col, Object workspace);

  /** σ²(w) of a column prepared by {@link #conditional}. */
  double sigma2(double[] formed, int col);

  /**
   * Writes a draw of N(0, Λ(w)⁻¹), in the internal frame, into out[off, off + D) for the column
   * just prepared.
   */
  void drawStandard(double[] formed, int col, Object workspace, ContinuousSampler normal,
      double[] out, int off);

  /** out ← μ(w) + scale · out for the column just prepared (internal frame). */
  void place(double[] formed, int col, double scale, double[] out, int off);

  /** Maps n consecutive rows of D from the internal frame to z, in place. */
  void finish(double[] out, int off, int n);

  /** μ(w) in z for the column just prepared. */
  double[] location(double[] formed, int col, Object workspace);

  /** v ← Λ(w)⁻¹ v (z coordinates) for the column just prepared. */
  void applyInverse(double[] formed, int col, Object workspace, double[] v);

  /** log Π_k A_k(z_i)^(−α_k) for nb points (nb×D row-major from zOff) into out[outOff, …). */
  void logDensity(double[] z, int zOff, int nb, Object workspace, double[] out, int outOff);

  /** min_k log|Λ_k| over the active experts (−∞ when one is singular). */
  double minLogDeterminant();

  /** The layout for the family's active experts: structured when they all share one metric. */
  static ConditionalForm of(ProductOfExperts family) {
    SharedMetric metric = null;
    boolean shared = true;
    for (int k : family.active) {
      Expert e = family.experts[k];
      if (e.metric == null || (metric != null && e.metric != metric)) {
        shared = false;
        break;
      }
      metric = e.metric;
    }
    return shared ? StructuredStack.of(family) : ExpertStack.of(family);
  }
}
