package org.poevi.fit;

import java.util.List;
import org.poevi.family.Expert;
import org.poevi.math.Cholesky;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;

/**
 * A starting α from the preliminary Gaussian N(m, S), without evaluating the target: the α that
 * best matches the Gaussian's own scores −S⁻¹(z − m) in the fit's objective, on one batch of the
 * under-p proposal weighted by N(m, S)/r. Where p is close to its Gaussian (a GLM on many rows)
 * the iterations then start next to their answer instead of at equal exponents.
 */
final class GaussianStart {
  private GaussianStart() {}

  /** Proximal step η of the one step: large, so that it barely holds α near the uniform start. */
  static final double ETA = 1e6;

  /**
   * @param uniform the equal exponents to start the step from (and to fall back to)
   * @return the step's α, or {@code uniform} when its QP failed
   */
  static double[] alpha(List<Expert> basis, GaussianFit gaussian, MultivariateT proposal,
      RandomStreams streams, int n, AlphaStep step, double[] uniform, int threads) {
    int dim = proposal.dim();
    double[] z = new double[n * dim];
    // Stream (BATCH, −1): the importance batches are numbered from 1, the population's from 0.
    ImportanceTask.drawBatch(proposal, streams, -1, n, z, threads);
    double[] precision = Cholesky.inverse(gaussian.covariance(), dim);
    double[] m = gaussian.mean();
    double[] scores = new double[n * dim];
    double[] logW = new double[n];
    double[] scratch = new double[dim];
    for (int i = 0; i < n; i++) {
      double quad = 0;
      for (int a = 0; a < dim; a++) {
        double s = 0;
        for (int b = 0; b < dim; b++) {
          s -= precision[a * dim + b] * (z[i * dim + b] - m[b]);
        }
        scores[i * dim + a] = s;
        quad -= s * (z[i * dim + a] - m[a]);
      }
      // log N(z; m, S) up to a constant, less log r(z).
      logW[i] = -0.5 * quad - proposal.logDensity(z, i * dim, scratch);
    }
    ScoreSums sums = ScoreAccumulation.accumulate(basis, z, scores, logW, n, dim, threads);
    AlphaStep.Result r = step.take(Quadratic.averaged(uniform.length).add(sums), uniform, ETA);
    return r.failed() || !AlphaIterations.allFinite(r.alpha()) ? uniform : r.alpha();
  }

  /**
   * Under p with weighted batches chosen on the first batch's weights: the α that best matches
   * the preliminary Gaussian's scores ({@link #alpha}) when that batch (already evaluated)
   * prefers it to {@code alpha}, equal exponents; else {@code alpha}. Says which on
   * {@code progress}.
   */
  static double[] chosen(List<Expert> basis, GaussianFit gaussian, BatchSource source,
      double[] alpha, AlphaStep step, AlphaSettings fit, RandomStreams streams, int threads,
      Progress progress) {
    UnderPSettings underP = (UnderPSettings) fit.objective();
    double[] warm = alpha(basis, gaussian, underP.proposal(gaussian), streams, fit.batchSize(),
        step, alpha, threads);
    ScoreSums batch = source.next(1, alpha).sums();
    double fromGaussian = batch.fisherDivergence(warm);
    double equal = batch.fisherDivergence(alpha);
    progress.phase(String.format(java.util.Locale.ROOT, "starting alpha: %s (first batch's"
        + " Fisher divergence %.3g from the preliminary Gaussian's alpha, %.3g from equal"
        + " ones)", fromGaussian < equal ? "the Gaussian's" : "equal", fromGaussian, equal));
    return fromGaussian < equal ? warm : alpha;
  }
}
