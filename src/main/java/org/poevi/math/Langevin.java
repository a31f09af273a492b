package org.poevi.math;

/**
 * The algebra of one Metropolis-adjusted Langevin (MALA) step preconditioned by S = LLᵀ, chain
 * by chain, with L lower triangular and packed as {@link Cholesky} packs it: the proposal
 * z* = z + drift(z) + √h·L·ξ with the drift (h/2)·S·∇log π(z), truncated to a whitened length of
 * at most {@code cap}, and the reverse move's squared whitened length for the acceptance ratio.
 * Shared by the MALA population's kernel ({@code org.poevi.fit.MalaKernel}) and the hidden-mass
 * check ({@code org.poevi.family.HiddenMassCheck}).
 */
public final class Langevin {
  private Langevin() {}

  /** out[outOff, outOff + D) = L·x[xOff, xOff + D); in place is allowed (rows bottom-up). */
  public static void lowerTimes(double[] l, double[] x, int xOff, double[] out, int outOff,
      int dim) {
    for (int i = dim - 1; i >= 0; i--) {
      int row = Cholesky.packedIndex(i, 0);
      double s = 0;
      for (int k = 0; k <= i; k++) {
        s += l[row + k] * x[xOff + k];
      }
      out[outOff + i] = s;
    }
  }

  /**
   * out[outOff, outOff + D) = c·(h/2)·S·g with g = scores[row·D, (row + 1)·D) and
   * c = min(1, cap/‖(h/2)·Lᵀg‖): the drift, truncated (cap = ∞: not truncated).
   */
  public static void drift(double[] l, double[] scores, int row, double h, double cap,
      double[] out, int outOff, int dim) {
    // u = (h/2)·Lᵀ·g, the drift in whitened coordinates; S·g = L·(Lᵀ·g).
    double norm = 0;
    for (int k = 0; k < dim; k++) {
      double s = 0;
      for (int i = k; i < dim; i++) {
        s += l[Cholesky.packedIndex(i, k)] * scores[row * dim + i];
      }
      s *= 0.5 * h;
      out[outOff + k] = s;
      norm += s * s;
    }
    double c = norm > cap * cap ? cap / Math.sqrt(norm) : 1;
    for (int k = 0; k < dim; k++) {
      out[outOff + k] *= c;
    }
    lowerTimes(l, out, outOff, out, outOff, dim);
  }

  /**
   * ‖L⁻¹(z − z* − drift(z*))‖² for chain {@code row} (z, its proposal z* and z*'s scores are rows
   * of D): the reverse move's squared whitened length times h, so that the acceptance ratio's
   * log q(z | z*) is −squares/(2h). Needs a scratch of 2·D.
   */
  public static double reverseSquares(double[] l, double[] z, double[] proposal,
      double[] proposalScores, int row, double h, double cap, double[] scratch, int dim) {
    drift(l, proposalScores, row, h, cap, scratch, dim, dim);
    for (int d = 0; d < dim; d++) {
      scratch[d] = z[row * dim + d] - proposal[row * dim + d] - scratch[dim + d];
    }
    Cholesky.solveLower(l, 0, dim, scratch, 0);
    double squares = 0;
    for (int d = 0; d < dim; d++) {
      squares += scratch[d] * scratch[d];
    }
    return squares;
  }
}
