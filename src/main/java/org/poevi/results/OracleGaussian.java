package org.poevi.results;

import dev.ludovic.netlib.blas.BLAS;
import org.apache.commons.rng.UniformRandomProvider;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.math.BlockParallel;
import org.poevi.math.Cholesky;
import org.poevi.math.RandomStreams;
import org.poevi.math.SampleMoments;
import org.poevi.results.Evaluation.Estimate;
import org.poevi.results.Evaluation.Metrics;
import org.poevi.targets.ExactTarget;
import org.poevi.targets.Target;

/**
 * The oracle Gaussian N(m, S) with p's own mean and covariance: no Gaussian has a smaller
 * KL(p; q), so it is the yardstick of every KL ratio.
 *
 * <p>Its moments are estimates, and that biases its KL. Fitted to the same n draws it is scored
 * on, N(m̂, Ŝ) is too good by about k/(2n) nats, k = D(D + 3)/2 the numbers it fits (the
 * in-sample optimism of a maximum-likelihood fit): 12.5 nats at D = 1000 and n = 20,000, more
 * than the gaps it is used to judge. For an exact target the moments therefore come from N
 * independent exact draws, in two halves of N/2. Scored on the reference draws, the Gaussian of
 * all N is then too poor by about b = k/(2N) (the out-of-sample excess; for a non-Gaussian p the
 * constant differs, tr(J⁻¹K)/(2N), but the 1/N law holds), and each half's by 2b. So
 * b̂ = mean(KL_half) − KL_all measures it whatever p's tails, and the reported Neg-LLH and KL are
 * the all-draws values less b̂: first-order unbiased for the best Gaussian's. Fisher is reported
 * as scored, without a correction. Reference draws read from a file (a posterior) leave no
 * independent draws; there the in-sample Gaussian stays, and its optimism k/(2n) is reported.
 */
public final class OracleGaussian {
  private OracleGaussian() {}

  /** Rows per BLAS block when scoring the Gaussian, and exact draws per moment block. */
  private static final int ROWS = 512;
  private static final int DRAWS = 1024;
  /** Independent accumulators per half: a fixed count, so the sums do not depend on threads. */
  private static final int CHUNKS = 4;

  /**
   * The oracle Gaussian's metrics, and how its moments were estimated.
   *
   * @param momentDraws the draws behind its mean and covariance
   * @param independent whether those draws are independent of the reference draws
   * @param bias the estimated bias taken out of Neg-LLH and KL (independent), or the first-order
   *     in-sample optimism k/(2n) left in them (not independent)
   */
  public record Result(Metrics metrics, int momentDraws, boolean independent, double bias) {}

  /** The default count of independent moment draws: at least n, and 250·D (b ≈ D/1000 nats). */
  public static int defaultMomentDraws(int referenceDraws, int dim) {
    long n = Math.max(referenceDraws, 250L * dim);
    return (int) Math.min(Integer.MAX_VALUE - 1, n + (n & 1));
  }

  /** The Gaussian with the reference draws' own moments, scored on them (a posterior's case). */
  public static Result inSample(Target target, double[] pDraws, double logZ,
      ScoreEvaluator evaluator, int threads) {
    int dim = target.dim();
    int n = pDraws.length / dim;
    double[] mean = SampleMoments.mean(pDraws, n, dim);
    double[] cov = SampleMoments.covariance(pDraws, n, mean, dim);
    Scores s = Scores.of(pDraws, dim, evaluator);
    Metrics m = score(mean, cov, pDraws, dim, s, logZ, threads, true);
    return new Result(m, n, false, dim * (dim + 3) / 4.0 / n);
  }

  /**
   * The Gaussian with moments from {@code momentDraws} (even) exact draws independent of
   * {@code pDraws}, drawn from {@code streams}' EVALUATE family under keys no other draw uses,
   * scored on {@code pDraws} with its bias measured from the two halves and taken out.
   */
  public static Result heldOut(ExactTarget target, double[] pDraws, double logZ,
      ScoreEvaluator evaluator, int momentDraws, RandomStreams streams, int threads) {
    int dim = target.dim();
    int n = pDraws.length / dim;
    double[] pilot = SampleMoments.mean(pDraws, n, dim);
    int half = momentDraws / 2;
    double[][] sums = new double[2][];
    for (int h = 0; h < 2; h++) {
      sums[h] = centredSums(target, half, pilot, streams, h, threads);
    }
    double[] all = new double[dim + dim * dim];
    for (int j = 0; j < all.length; j++) {
      all[j] = sums[0][j] + sums[1][j];
    }
    Scores s = Scores.of(pDraws, dim, evaluator);
    double[][] moments = moments(all, 2 * half, pilot, dim);
    Metrics m = score(moments[0], moments[1], pDraws, dim, s, logZ, threads, true);
    double halves = 0;
    for (int h = 0; h < 2; h++) {
      double[][] mh = moments(sums[h], half, pilot, dim);
      halves += score(mh[0], mh[1], pDraws, dim, s, logZ, threads, false)
          .negLogLikelihood().value() / 2;
    }
    double bias = halves - m.negLogLikelihood().value();
    Metrics corrected = new Metrics(shift(m.negLogLikelihood(), -bias), shift(m.kl(), -bias),
        m.fisher(), m.meanError(), m.logSdRatio(), m.wasserstein(), m.referenceDraws(),
        m.modelDraws());
    return new Result(corrected, 2 * half, true, bias);
  }

  private static Estimate shift(Estimate e, double by) {
    return new Estimate(e.value() + by, e.standardError());
  }

  /**
   * Σ(x − pilot) (D numbers) then Σ(x − pilot)(x − pilot)ᵀ (D×D, full) over {@code count} exact
   * draws of half {@code h}: CHUNKS accumulators, each over its own blocks in order (one dsyrk per
   * block), added in chunk order.
   */
  private static double[] centredSums(ExactTarget target, int count, double[] pilot,
      RandomStreams streams, int h, int threads) {
    int dim = pilot.length;
    int blocks = (count + DRAWS - 1) / DRAWS;
    int chunks = Math.min(CHUNKS, blocks);
    double[][] partial = new double[chunks][dim + dim * dim];
    BlockParallel.forEach(chunks, threads, () -> new double[DRAWS * dim], (c, x) -> {
      double[] acc = partial[c];
      for (int b = c; b < blocks; b += chunks) {
        int rows = Math.min(count, (b + 1) * DRAWS) - b * DRAWS;
        UniformRandomProvider rng = streams.stream(RandomStreams.EVALUATE, 3, h, b);
        target.sample(rng, rows, x, 0);
        for (int i = 0; i < rows; i++) {
          for (int d = 0; d < dim; d++) {
            x[i * dim + d] -= pilot[d];
            acc[d] += x[i * dim + d];
          }
        }
        BLAS.getInstance().dsyrk("U", "N", dim, rows, 1.0, x, 0, dim, 1.0, acc, dim, dim);
      }
    });
    double[] sum = partial[0];
    for (int c = 1; c < chunks; c++) {
      for (int j = 0; j < sum.length; j++) {
        sum[j] += partial[c][j];
      }
    }
    return sum;
  }

  /** {mean, unbiased covariance} from centred sums over n draws (only the upper triangle set). */
  private static double[][] moments(double[] sums, int n, double[] pilot, int dim) {
    double[] mean = new double[dim];
    for (int d = 0; d < dim; d++) {
      mean[d] = pilot[d] + sums[d] / n;
    }
    double[] cov = new double[dim * dim];
    // Column-major upper triangle of the dsyrk = row-major lower: (a, b ≤ a) at a·D + b.
    for (int a = 0; a < dim; a++) {
      for (int b = 0; b <= a; b++) {
        double v = (sums[dim + a * dim + b] - sums[a] * sums[b] / n) / (n - 1);
        cov[a * dim + b] = v;
        cov[b * dim + a] = v;
      }
    }
    return new double[][] {mean, cov};
  }

  /** log p̃ and ∇log p at the reference draws, evaluated once for every Gaussian scored. */
  private record Scores(double[] logP, double[] scores) {
    static Scores of(double[] pDraws, int dim, ScoreEvaluator evaluator) {
      int n = pDraws.length / dim;
      double[] logP = new double[n];
      double[] scores = new double[n * dim];
      evaluator.evaluate(pDraws, n, logP, scores);
      return new Scores(logP, scores);
    }
  }

  /**
   * Neg-LLH, KL (NaN when logZ is) and, when {@code fisher}, Fisher of N(mean, cov) on the
   * reference draws: blocks of ROWS rows, each one dgemm with the precision.
   */
  private static Metrics score(double[] mean, double[] cov, double[] pDraws, int dim, Scores s,
      double logZ, int threads, boolean fisher) {
    int n = pDraws.length / dim;
    double[] precision = Cholesky.inverse(cov, dim);
    double[] packed = Cholesky.pack(cov, dim);
    Cholesky.factor(packed, 0, dim);
    double logNorm = -0.5 * dim * Math.log(2 * Math.PI)
        - 0.5 * Cholesky.logDeterminant(packed, 0, dim);
    double[] negLogQ = new double[n];
    double[] kl = new double[n];
    double[] fisherTerms = new double[n];
    int blocks = (n + ROWS - 1) / ROWS;
    BlockParallel.forEach(blocks, threads, () -> new double[2 * ROWS * dim], (b, buf) -> {
      int i0 = b * ROWS;
      int rows = Math.min(n, i0 + ROWS) - i0;
      int off = ROWS * dim;
      for (int i = 0; i < rows; i++) {
        for (int d = 0; d < dim; d++) {
          buf[i * dim + d] = pDraws[(i0 + i) * dim + d] - mean[d];
        }
      }
      // Row-major rows×D is column-major D×rows; the precision is symmetric.
      BLAS.getInstance().dgemm("N", "N", dim, rows, dim, 1.0, precision, 0, dim, buf, 0, dim,
          0.0, buf, off, dim);
      for (int i = 0; i < rows; i++) {
        double quad = 0;
        double f = 0;
        for (int d = 0; d < dim; d++) {
          double r = buf[off + i * dim + d];
          quad += buf[i * dim + d] * r;
          double g = -r - s.scores()[(i0 + i) * dim + d];
          f += g * g;
        }
        double logQ = logNorm - 0.5 * quad;
        negLogQ[i0 + i] = -logQ;
        kl[i0 + i] = s.logP()[i0 + i] - logZ - logQ;
        fisherTerms[i0 + i] = f;
      }
    });
    double[] zeros = new double[dim];
    Estimate nan = new Estimate(Double.NaN, Double.NaN);
    return new Metrics(Evaluation.mean(negLogQ), Double.isNaN(logZ) ? nan : Evaluation.mean(kl),
        fisher ? Evaluation.mean(fisherTerms) : nan, zeros, zeros, zeros, n, n);
  }
}
