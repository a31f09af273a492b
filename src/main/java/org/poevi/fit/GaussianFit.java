package org.poevi.fit;

import java.util.ArrayList;
import java.util.List;
import org.poevi.evaluator.ScoreEvaluator;
import org.apache.commons.rng.UniformRandomProvider;
import org.poevi.math.BlockParallel;
import org.poevi.math.Cholesky;
import org.poevi.math.LogMeanEstimate;
import org.poevi.math.LogSpace;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;

/**
 * A preliminary Gaussian (m, S) for p, by adaptive importance sampling (moment matching): starting
 * from a Laplace approximation (kept as it is with no rounds), each round draws from a t₄(m, 2S), weights the draws by p̃/r, and
 * sets m and S to the weighted mean and covariance. It needs log p only, and unlike the Laplace
 * approximation or BaM it does not collapse onto the mode of a skewed or curved target
 * (prototype-findings.md, recipe R).
 *
 * <p>When a round's weights keep fewer than {@value #MIN_ESS} effective draws, the new covariance is
 * blended half-and-half with the old one, so a degenerate round cannot collapse S.
 *
 * @param mean m
 * @param covariance S, row-major D×D, positive definite
 * @param ess effective sample size of the last round's weights
 * @param information the score's second moment E[∇log p ∇log pᵀ] under the last round's
 *     weights (the Fisher information of the location), row-major D×D; zero when the last round
 *     had no weight
 */
record GaussianFit(double[] mean, double[] covariance, double ess, double[] information) {
  static final int MIN_ESS = 50;
  static final double PROPOSAL_DOF = 4;
  static final double PROPOSAL_INFLATION = 2;
  private static final int BLOCK = 256;

  static GaussianFit of(ScoreEvaluator evaluator, int dim, double[] mean, double[] covariance,
      int rounds, int draws, RandomStreams streams, int threads, Progress progress) {
    return of(evaluator, dim, mean, covariance, rounds, draws, false, streams, threads,
        progress);
  }

  /**
   * As above; with {@code reuse}, every round's moments come from the draws of all rounds so
   * far, each weighted by p̃ over the mixture of all the proposals so far (the balance heuristic
   * of adaptive multiple importance sampling, Cornuet et al. 2012), instead of the last round's
   * alone: the last round's estimate then rests on rounds × draws draws, so rounds of a few
   * thousand draws give the accuracy that rounds of 20,000 gave without reuse.
   */
  static GaussianFit of(ScoreEvaluator evaluator, int dim, double[] mean, double[] covariance,
      int rounds, int draws, boolean reuse, RandomStreams streams, int threads,
      Progress progress) {
    if (rounds == 0) {
      return start(mean, covariance, dim);
    }
    double[] m = mean.clone();
    double[] s = covariance.clone();
    double ess = Double.NaN;
    double[] information = new double[dim * dim];
    int capacity = reuse ? rounds * draws : draws;
    double[] z = new double[capacity * dim];
    double[] logP = new double[capacity];
    double[] scores = new double[capacity * dim];
    // log r_k(z_i) of proposal k at draw i, for the mixture's density (reuse only).
    double[][] logR = reuse ? new double[rounds][capacity] : null;
    List<MultivariateT> proposals = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      MultivariateT proposal = MultivariateT.of(m, scaled(s, PROPOSAL_INFLATION), PROPOSAL_DOF);
      int from = reuse ? round * draws : 0;
      int n = from + draws;
      double[] zNew = new double[draws * dim];
      drawProposal(proposal, round, zNew, draws, dim, streams, threads);
      double[] logPNew = new double[draws];
      double[] scoresNew = new double[draws * dim];
      evaluator.evaluate(zNew, draws, logPNew, scoresNew);
      System.arraycopy(zNew, 0, z, from * dim, draws * dim);
      System.arraycopy(logPNew, 0, logP, from, draws);
      System.arraycopy(scoresNew, 0, scores, from * dim, draws * dim);
      proposals.add(proposal);
      double[] logW = reuse ? mixtureWeights(proposals, logR, z, logP, from, n, dim)
          : ownWeights(proposal, z, logP, n, dim);
      ess = LogMeanEstimate.of(logW).ess();
      double max = Double.NEGATIVE_INFINITY;
      for (double v : logW) {
        max = Math.max(max, v);
      }
      if (max == Double.NEGATIVE_INFINITY) {
        break;
      }
      double[] newMean = new double[dim];
      double total = weightedMean(z, logW, max, n, dim, newMean);
      // Only the last round's information is kept: accumulate it there alone.
      if (round == rounds - 1) {
        addInformation(scores, logW, max, total, dim, information);
      }
      double[] newCov = weightedCovariance(z, logW, max, total, newMean, dim);
      if (ess < MIN_ESS) {
        for (int i = 0; i < newCov.length; i++) {
          newCov[i] = 0.5 * (newCov[i] + s[i]);
        }
      }
      addJitter(newCov, dim);
      m = newMean;
      s = newCov;
      progress.advance(round + 1, rounds);
    }
    return new GaussianFit(m, s, ess, information);
  }

  /**
   * The mean of the first n draws z with weights e^{logW_i − max} into {@code mean}; returns the
   * weights' total.
   */
  private static double weightedMean(double[] z, double[] logW, double max, int n, int dim,
      double[] mean) {
    double total = 0;
    for (int i = 0; i < n; i++) {
      double w = Math.exp(logW[i] - max);
      total += w;
      for (int d = 0; d < dim; d++) {
        mean[d] += w * z[i * dim + d];
      }
    }
    for (int d = 0; d < dim; d++) {
      mean[d] /= total;
    }
    return total;
  }

  /** log p̃ − log r of the n draws under their own proposal r. */
  private static double[] ownWeights(MultivariateT proposal, double[] z, double[] logP, int n,
      int dim) {
    double[] logW = new double[n];
    double[] scratch = new double[dim];
    for (int i = 0; i < n; i++) {
      logW[i] = logP[i] - proposal.logDensity(z, i * dim, scratch);
    }
    return logW;
  }

  /**
   * log p̃ − log of the equal mixture of all the proposals so far, at the first n draws: each
   * earlier proposal's log density is extended to the new draws (from {@code from}), and the new
   * proposal's is added for all n.
   */
  private static double[] mixtureWeights(List<MultivariateT> proposals, double[][] logR,
      double[] z, double[] logP, int from, int n, int dim) {
    double[] scratch = new double[dim];
    int newest = proposals.size() - 1;
    for (int k = 0; k < newest; k++) {
      for (int i = from; i < n; i++) {
        logR[k][i] = proposals.get(k).logDensity(z, i * dim, scratch);
      }
    }
    for (int i = 0; i < n; i++) {
      logR[newest][i] = proposals.get(newest).logDensity(z, i * dim, scratch);
    }
    double[] logW = new double[n];
    double[] terms = new double[newest + 1];
    double logK = Math.log(terms.length);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < terms.length; k++) {
        terms[k] = logR[k][i];
      }
      logW[i] = logP[i] - (LogSpace.logSumExp(terms) - logK);
    }
    return logW;
  }


  /**
   * The start itself (the Laplace approximation), for no rounds: the information of a Gaussian
   * location is its precision, S⁻¹; no draws, so no ESS.
   */
  private static GaussianFit start(double[] mean, double[] covariance, int dim) {
    return new GaussianFit(mean.clone(), covariance.clone(), Double.NaN,
        Cholesky.inverse(covariance, dim));
  }

  /** Draws of the proposal into z, block by block from the GAUSSIAN streams of the round. */
  private static void drawProposal(MultivariateT proposal, int round, double[] z, int draws,
      int dim, RandomStreams streams, int threads) {
    int numBlocks = (draws + BLOCK - 1) / BLOCK;
    BlockParallel.forEach(numBlocks, threads, () -> null, (block, unused) -> {
      UniformRandomProvider rng = streams.stream(RandomStreams.GAUSSIAN, round, block);
      MultivariateT.Sampler sampler = proposal.sampler(rng);
      for (int i = block * BLOCK; i < Math.min(draws, (block + 1) * BLOCK); i++) {
        sampler.sample(z, i * dim);
      }
    });
  }

  /** Adds Σ_i w_i ∇log p_i ∇log p_iᵀ to information, w_i = e^{logW_i − max}/total. */
  private static void addInformation(double[] scores, double[] logW, double max, double total,
      int dim, double[] information) {
    for (int i = 0; i < logW.length; i++) {
      double w = Math.exp(logW[i] - max) / total;
      if (w == 0) {
        continue;
      }
      for (int a = 0; a < dim; a++) {
        for (int b = 0; b < dim; b++) {
          information[a * dim + b] += w * scores[i * dim + a] * scores[i * dim + b];
        }
      }
    }
  }

  /** The covariance of the draws z about mean with weights w_i = e^{logW_i − max}/total. */
  private static double[] weightedCovariance(double[] z, double[] logW, double max, double total,
      double[] mean, int dim) {
    double[] cov = new double[dim * dim];
    for (int i = 0; i < logW.length; i++) {
      double w = Math.exp(logW[i] - max) / total;
      if (w == 0) {
        continue;
      }
      for (int a = 0; a < dim; a++) {
        double da = z[i * dim + a] - mean[a];
        for (int b = 0; b <= a; b++) {
          cov[a * dim + b] += w * da * (z[i * dim + b] - mean[b]);
        }
      }
    }
    for (int a = 0; a < dim; a++) {
      for (int b = 0; b < a; b++) {
        cov[b * dim + a] = cov[a * dim + b];
      }
    }
    return cov;
  }

  /** Adds 1e-10 times the mean variance to the diagonal, keeping the covariance definite. */
  private static void addJitter(double[] cov, int dim) {
    double trace = 0;
    for (int a = 0; a < dim; a++) {
      trace += cov[a * dim + a];
    }
    for (int a = 0; a < dim; a++) {
      cov[a * dim + a] += 1e-10 * trace / dim;
    }
  }

  static double[] scaled(double[] matrix, double factor) {
    double[] out = matrix.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] *= factor;
    }
    return out;
  }
}
