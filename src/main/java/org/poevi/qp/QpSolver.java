package org.poevi.qp;

/**
 * Solves the α-step QP of Algorithm 1, min ½ αᵀGα − hᵀα subject to α ≥ 0 and Σα ≥ c (see
 * {@link QpProblem}).
 *
 * <p>Contract: {@link #solve} does not throw for a valid problem. Numerical trouble is reported
 * through {@link QpResult#status()} with a reason in {@link QpResult#message()}, and the returned
 * α is always finite and feasible. Implementations are stateless and safe to share between
 * threads.
 */
public interface QpSolver {
  QpResult solve(QpProblem problem);
}
