/**
 * The α-step's quadratic program, min ½αᵀGα − hᵀα over {α ≥ 0, Σα ≥ c} ({@link
 * org.poevi.qp.QpProblem}), with results that carry a status ({@link org.poevi.qp.QpResult}):
 * the active-set solver the fit uses ({@link org.poevi.qp.ActiveSetQpSolver}) and ojAlgo's, its
 * fallback and cross-check ({@link org.poevi.qp.OjAlgoQpSolver}).
 *
 * <p>Depends on: {@code math}; ojAlgo.
 *
 * <p>Add here: another solver of the same problem (implementing {@code QpSolver}).
 */
package org.poevi.qp;
