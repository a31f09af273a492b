/**
 * Numerics with no poevi concepts in them: Cholesky factors and triangular solves, the
 * symmetric eigen-decomposition, L-BFGS, the multivariate t, the log-space Dirichlet and χ²
 * samplers, log-sum-exp and effective sample sizes, Pareto k̂, resampling, the order-independent
 * {@link org.poevi.math.DyadicSum}, random streams keyed by purpose, iteration and block
 * ({@link org.poevi.math.RandomStreams}), and block-parallel loops.
 *
 * <p>Depends on: nothing of poevi but {@link org.poevi.InvalidInputException}; Commons
 * RNG/Numbers/Statistics and netlib BLAS/LAPACK. The bottom layer.
 *
 * <p>Add here: a numerical building block that other layers need and that knows nothing of
 * experts, targets or fits. One class per sampler or algorithm, immutable, created by a
 * validating {@code of(...)}; the random generator is always passed in.
 */
package org.poevi.math;
