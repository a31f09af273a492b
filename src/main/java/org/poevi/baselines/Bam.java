package org.poevi.baselines;

import java.util.ArrayList;
import java.util.List;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.GaussianModel;
import org.poevi.fit.GaussianResult;
import org.poevi.fit.Progress;
import org.poevi.fit.StopReason;
import org.poevi.math.RandomStreams;
import org.poevi.math.SymmetricEigen;
import org.poevi.targets.Target;

/**
 * BaM, batch and match (Cai et al. 2024; SPEC §8): B draws of the current Gaussian, their
 * scores, and the closed-form update Σ' = 2V^{½}(I + (I + 4V^{½}UV^{½})^{½})⁻¹V^{½},
 * μ' = (μ + λ(Σ'ḡ + z̄))/(1 + λ), with U = λΓ + λ/(1+λ)·ḡḡᵀ,
 * V = Σ + λC + λ/(1+λ)·(μ − z̄)(μ − z̄)ᵀ (C, Γ the batch covariances of z and of the scores)
 * and λ_t = B·D/(t + 1). It starts from N(0, I) (in the Laplace frame under the default
 * {@code fit.bam.init = laplace}: {@link LaplaceStarted}); draws come from streams keyed by
 * (seed, BASELINE, iteration).
 */
public final class Bam implements GaussianFitter {
  private final BamSettings settings;
  private final long seed;

  public Bam(BamSettings settings, long seed) {
    this.settings = settings;
    this.seed = seed;
  }

  @Override
  public GaussianResult fit(Target target, ScoreEvaluator evaluator, Progress progress) {
    long start = System.nanoTime();
    int dim = target.dim();
    int batch = settings.batchSize();
    double[] mu = new double[dim];
    double[] sigma = new double[dim * dim];
    for (int d = 0; d < dim; d++) {
      sigma[d * dim + d] = 1;
    }
    RandomStreams streams = RandomStreams.of(seed);
    List<GaussianResult.Row> trace = new ArrayList<>();
    long evaluations0 = evaluator.evaluations();
    double[] logP = new double[batch];
    double[] scores = new double[batch * dim];
    StopReason stop = StopReason.MAX_ITERATIONS;
    List<GaussianResult.Snapshot> path = new ArrayList<>();
    for (int t = 0; t < settings.iterations(); t++) {
      GaussianModel current = new GaussianModel(target.parameterNames(), mu, sigma);
      double[] z = current.sample(streams.stream(RandomStreams.BASELINE, t), batch);
      evaluator.evaluate(z, batch, logP, scores);
      double elbo = elbo(current, z, logP, batch);
      double lambda = (double) batch * dim / (t + 1);
      double[] next = new double[dim * dim];
      double[] nextMu = new double[dim];
      if (!update(z, scores, batch, dim, mu, sigma, lambda, nextMu, next)) {
        stop = StopReason.DIVERGED;
        break;
      }
      mu = nextMu;
      sigma = next;
      long evaluations = evaluator.evaluations() - evaluations0;
      trace.add(new GaussianResult.Row(t + 1, elbo, evaluations,
          (System.nanoTime() - start) * 1e-9));
      path.add(new GaussianResult.Snapshot(evaluations, mu.clone(), sigma.clone()));
    }
    GaussianModel model = new GaussianModel(target.parameterNames(), mu, sigma);
    List<String> warnings = new ArrayList<>(target.warnings());
    if (stop == StopReason.DIVERGED) {
      warnings.add("bam stopped at iteration " + (trace.size() + 1) + ": its update was not"
          + " finite or not positive definite, so its Gaussian is the last good iterate");
    }
    return new GaussianResult("bam", model, List.copyOf(trace), stop,
        evaluator.evaluations() - evaluations0, (System.nanoTime() - start) * 1e-9,
        List.copyOf(path), List.copyOf(warnings));
  }

  /** The batch's ELBO estimate, mean of log p̃ − log q over its draws. */
  private static double elbo(GaussianModel current, double[] z, double[] logP, int batch) {
    int dim = current.dim();
    GaussianModel.Density q = current.density();
    double elbo = 0;
    double[] point = new double[dim];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(z, b * dim, point, 0, dim);
      elbo += (logP[b] - q.logDensity(point, null)) / batch;
    }
    return elbo;
  }

  /** One BaM update into (nextMu, next); false when it is not finite or not definite. */
  static boolean update(double[] z, double[] g, int batch, int dim, double[] mu, double[] sigma,
      double lambda, double[] nextMu, double[] next) {
    double[] zBar = batchMean(z, batch, dim);
    double[] gBar = batchMean(g, batch, dim);
    double[] u = scoreMatch(g, gBar, batch, dim, lambda);
    double[] v = drawMatch(z, zBar, mu, sigma, batch, dim, lambda);
    if (!finite(u) || !finite(v)) {
      // A batch that reached an exploding part of the target: LAPACK cannot decompose it.
      return false;
    }
    // Σ' = 2 V^½ (I + M^½)⁻¹ V^½ with M = I + 4 V^½ U V^½ (symmetric form of the update).
    double[] vHalf;
    double[] inner;
    try {
      vHalf = power(v, dim, 0.5);
      inner = vHalf == null ? null : inverseOnePlusRoot(vHalf, u, dim);
    } catch (ArithmeticException e) {
      // dsyev did not converge (entries near overflow): no usable update.
      return false;
    }
    if (inner == null) {
      return false;
    }
    double[] s = multiply(multiply(vHalf, inner, dim), vHalf, dim);
    for (int i = 0; i < dim * dim; i++) {
      next[i] = 2 * s[i];
    }
    System.arraycopy(symmetrised(next, dim), 0, next, 0, dim * dim);
    for (int i = 0; i < dim; i++) {
      double sg = 0;
      for (int j = 0; j < dim; j++) {
        sg += next[i * dim + j] * gBar[j];
      }
      nextMu[i] = (mu[i] + lambda * (sg + zBar[i])) / (1 + lambda);
    }
    return finite(next) && finite(nextMu);
  }

  /** The batch mean of the rows of x (batch×D row-major), accumulated in row order. */
  private static double[] batchMean(double[] x, int batch, int dim) {
    double[] mean = new double[dim];
    for (int b = 0; b < batch; b++) {
      for (int d = 0; d < dim; d++) {
        mean[d] += x[b * dim + d] / batch;
      }
    }
    return mean;
  }

  /** U = λΓ + λ/(1+λ)·ḡḡᵀ, Γ the batch covariance of the scores. */
  private static double[] scoreMatch(double[] g, double[] gBar, int batch, int dim,
      double lambda) {
    double shrink = lambda / (1 + lambda);
    double[] u = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        double gamma = 0;
        for (int b = 0; b < batch; b++) {
          gamma += (g[b * dim + i] - gBar[i]) * (g[b * dim + j] - gBar[j]);
        }
        u[i * dim + j] = lambda * gamma / batch + shrink * gBar[i] * gBar[j];
      }
    }
    return u;
  }

  /** V = Σ + λC + λ/(1+λ)·(μ − z̄)(μ − z̄)ᵀ, C the batch covariance of the draws. */
  private static double[] drawMatch(double[] z, double[] zBar, double[] mu, double[] sigma,
      int batch, int dim, double lambda) {
    double shrink = lambda / (1 + lambda);
    double[] v = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        double c = 0;
        for (int b = 0; b < batch; b++) {
          c += (z[b * dim + i] - zBar[i]) * (z[b * dim + j] - zBar[j]);
        }
        v[i * dim + j] = sigma[i * dim + j] + lambda * c / batch
            + shrink * (mu[i] - zBar[i]) * (mu[j] - zBar[j]);
      }
    }
    return v;
  }

  /** (I + M^½)⁻¹ with M = I + 4 V^½ U V^½, or null when M is not positive definite. */
  private static double[] inverseOnePlusRoot(double[] vHalf, double[] u, int dim) {
    double[] m = multiply(multiply(vHalf, u, dim), vHalf, dim);
    for (int i = 0; i < dim * dim; i++) {
      m[i] *= 4;
    }
    for (int i = 0; i < dim; i++) {
      m[i * dim + i] += 1;
    }
    SymmetricEigen e = SymmetricEigen.of(symmetrised(m, dim), dim);
    double[] inner = new double[dim * dim];
    for (int k = 0; k < dim; k++) {
      double value = e.values()[k];
      if (!(value > 0)) {
        return null;
      }
      double f = 1 / (1 + Math.sqrt(value));
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          inner[i * dim + j] += f * e.vectors()[i * dim + k] * e.vectors()[j * dim + k];
        }
      }
    }
    return inner;
  }

  /** A^p for a symmetric positive definite A (null if it is not). */
  private static double[] power(double[] a, int dim, double p) {
    SymmetricEigen e = SymmetricEigen.of(symmetrised(a, dim), dim);
    double[] out = new double[dim * dim];
    for (int k = 0; k < dim; k++) {
      double value = e.values()[k];
      if (!(value > 0) || !Double.isFinite(value)) {
        return null;
      }
      double f = Math.pow(value, p);
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          out[i * dim + j] += f * e.vectors()[i * dim + k] * e.vectors()[j * dim + k];
        }
      }
    }
    return out;
  }

  private static double[] multiply(double[] a, double[] b, int dim) {
    double[] out = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int k = 0; k < dim; k++) {
        double aik = a[i * dim + k];
        for (int j = 0; j < dim; j++) {
          out[i * dim + j] += aik * b[k * dim + j];
        }
      }
    }
    return out;
  }

  private static double[] symmetrised(double[] a, int dim) {
    double[] out = a.clone();
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < i; j++) {
        double mean = 0.5 * (a[i * dim + j] + a[j * dim + i]);
        out[i * dim + j] = mean;
        out[j * dim + i] = mean;
      }
    }
    return out;
  }

  private static boolean finite(double[] v) {
    for (double x : v) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }
}
