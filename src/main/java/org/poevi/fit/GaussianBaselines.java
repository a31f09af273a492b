package org.poevi.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.family.GaussianModel;
import org.poevi.math.RandomStreams;
import org.poevi.math.SymmetricEigen;
import org.poevi.targets.Target;

/**
 * The Gaussian baselines of SPEC §8, on the same targets and evaluators as the product of experts:
 *
 * <ul>
 *   <li><b>ADVI</b> (Kucukelbir et al. 2017): q = N(μ, LLᵀ) (full rank, L lower triangular) or
 *       N(μ, diag(e^{2ω})) (mean field), the ELBO's reparameterisation gradient from
 *       {@code gradSamples} draws per iteration, Adam steps, and Stan's stopping rule: every
 *       {@code evalElbo} iterations the ELBO is estimated from {@code elboSamples} draws, and the
 *       fit stops when the mean or the median of the recent relative ELBO changes falls below
 *       {@code tolRelObj}; the result is the average of the iterates since the last power-of-two
 *       iteration (Polyak averaging: at least the second half of the run);
 *   <li><b>BaM</b> (batch and match, Cai et al. 2024): B draws of the current Gaussian, their
 *       scores, and the closed-form update Σ' = 2V^{½}(I + (I + 4V^{½}UV^{½})^{½})⁻¹V^{½},
 *       μ' = (μ + λ(Σ'ḡ + z̄))/(1 + λ), with U = λΓ + λ/(1+λ)·ḡḡᵀ,
 *       V = Σ + λC + λ/(1+λ)·(μ − z̄)(μ − z̄)ᵀ (C, Γ the batch covariances of z and of the scores)
 *       and λ_t = B·D/(t + 1).
 * </ul>
 *
 * Both start from N(0, I), as Stan's ADVI does with zero inits. Random draws come from streams
 * keyed by (seed, BASELINE, iteration), so one seed fixes the fit for any evaluator.
 */
public final class GaussianBaselines {
  private GaussianBaselines() {}

  /** The baseline methods. */
  public enum Method {
    ADVI_FULLRANK("advi-fullrank"),
    ADVI_MEANFIELD("advi-meanfield"),
    BAM("bam");

    private final String label;

    Method(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * ADVI's settings: Stan's ELBO evaluation (every 100 iterations, 100 draws), 10 gradient draws
   * per step (Stan uses 1), a relative tolerance of 0.001 (Stan: 0.01, which stops a fit on
   * a 3-D Gaussian with its covariance 30% off), Adam with step 0.1 decaying as t^(-1/2) after
   * 100 steps (Stan's own sequence decays the same way).
   */
  public record AdviSettings(int iterations, int gradSamples, int elboSamples, int evalElbo,
      double tolRelObj, double learningRate) {
    public static AdviSettings defaults() {
      return new AdviSettings(10000, 10, 100, 100, 0.001, 0.1);
    }
  }

  /** One row of a baseline's trace: the ELBO estimate when it was evaluated (NaN otherwise). */
  public record Row(int iteration, double elbo, long scoreEvaluations, double seconds) {}

  /** The Gaussian the method would return at a point of the run, with the evaluations so far. */
  public record Snapshot(long scoreEvaluations, double[] mean, double[] covariance) {}

  /**
   * A fitted Gaussian with its trace and its path: a snapshot at every ELBO evaluation (ADVI,
   * the averaged iterate) or every iteration (BaM), for metric-against-evaluations traces.
   */
  public record Result(GaussianModel model, List<Row> trace, FitResult.StopReason stop,
      long scoreEvaluations, double seconds, List<Snapshot> path) {}

  /** ADVI, full rank or mean field. */
  public static Result advi(Target target, boolean meanField, AdviSettings s, long seed,
      ScoreEvaluator evaluator) {
    long start = System.nanoTime();
    int dim = target.dim();
    int nl = meanField ? dim : dim * dim;
    // θ = (μ, L or ω); L row-major lower triangular, starting at the identity (ω = 0).
    double[] mu = new double[dim];
    double[] l = new double[nl];
    if (!meanField) {
      for (int d = 0; d < dim; d++) {
        l[d * dim + d] = 1;
      }
    }
    Adam adam = new Adam(dim + nl, s.learningRate());
    RandomStreams streams = RandomStreams.of(seed);
    List<Row> trace = new ArrayList<>();
    List<Double> relative = new ArrayList<>();
    int window = Math.max(2, (int) (0.1 * s.iterations() / s.evalElbo()));
    double previousElbo = Double.NaN;
    long evaluations0 = evaluator.evaluations();
    int m = s.gradSamples();
    double[] eps = new double[m * dim];
    double[] z = new double[m * dim];
    double[] logP = new double[m];
    double[] scores = new double[m * dim];
    double[] grad = new double[dim + nl];
    FitResult.StopReason stop = FitResult.StopReason.MAX_ITERATIONS;
    // Polyak averages of the iterates since the last power of two: at any stop they cover at
    // least the second half of the run, and average out the steps' noise.
    double[] sumMu = new double[dim];
    double[] sumL = new double[nl];
    int averaged = 0;
    List<Snapshot> path = new ArrayList<>();
    for (int t = 1; t <= s.iterations(); t++) {
      UniformRandomProvider rng = streams.stream(RandomStreams.BASELINE, t);
      draw(rng, mu, l, meanField, eps, z, m);
      evaluator.evaluate(z, m, logP, scores);
      Arrays.fill(grad, 0);
      for (int b = 0; b < m; b++) {
        for (int i = 0; i < dim; i++) {
          double g = scores[b * dim + i] / m;
          grad[i] += g;
          if (meanField) {
            grad[dim + i] += g * eps[b * dim + i] * Math.exp(l[i]);
          } else {
            for (int j = 0; j <= i; j++) {
              grad[dim + i * dim + j] += g * eps[b * dim + j];
            }
          }
        }
      }
      // The entropy's gradient: Σ log|L_ii| (full rank) or Σ ω_i (mean field).
      for (int i = 0; i < dim; i++) {
        if (meanField) {
          grad[dim + i] += 1;
        } else {
          grad[dim + i * dim + i] += 1 / l[i * dim + i];
        }
      }
      if (!finite(grad)) {
        stop = FitResult.StopReason.DIVERGED;
        break;
      }
      adam.ascend(grad, mu, l, meanField, dim);
      if (Integer.bitCount(t) == 1) {
        Arrays.fill(sumMu, 0);
        Arrays.fill(sumL, 0);
        averaged = 0;
      }
      for (int i = 0; i < dim; i++) {
        sumMu[i] += mu[i];
      }
      for (int i = 0; i < nl; i++) {
        sumL[i] += l[i];
      }
      averaged++;
      double elbo = Double.NaN;
      if (t % s.evalElbo() == 0) {
        double[] avgL = new double[nl];
        double[] avgMu = new double[dim];
        for (int i = 0; i < dim; i++) {
          avgMu[i] = sumMu[i] / averaged;
        }
        for (int i = 0; i < nl; i++) {
          avgL[i] = sumL[i] / averaged;
        }
        path.add(new Snapshot(evaluator.evaluations() - evaluations0, avgMu,
            covariance(avgL, meanField, dim)));
        elbo = elbo(target, mu, l, meanField, s.elboSamples(), streams, t, evaluator);
        if (Double.isFinite(previousElbo)) {
          // Stan's relative change; near ELBO = 0 (a normalised target) relative to 1 instead.
          relative.add(Math.abs(elbo - previousElbo) / Math.max(1, Math.abs(elbo)));
          if (relative.size() > window) {
            relative.remove(0);
          }
          double[] r = relative.stream().mapToDouble(Double::doubleValue).toArray();
          double mean = Arrays.stream(r).average().orElse(Double.NaN);
          Arrays.sort(r);
          double median = r.length % 2 == 1 ? r[r.length / 2]
              : 0.5 * (r[r.length / 2 - 1] + r[r.length / 2]);
          if (mean < s.tolRelObj() || median < s.tolRelObj()) {
            stop = FitResult.StopReason.CONVERGED;
          }
        }
        previousElbo = elbo;
      }
      trace.add(new Row(t, elbo, evaluator.evaluations() - evaluations0,
          (System.nanoTime() - start) * 1e-9));
      if (stop == FitResult.StopReason.CONVERGED) {
        break;
      }
    }
    if (averaged > 0) {
      for (int i = 0; i < dim; i++) {
        mu[i] = sumMu[i] / averaged;
      }
      for (int i = 0; i < nl; i++) {
        l[i] = sumL[i] / averaged;
      }
    }
    GaussianModel model = new GaussianModel(target.parameterNames(), mu,
        covariance(l, meanField, dim));
    path.add(new Snapshot(evaluator.evaluations() - evaluations0, model.mean(),
        model.covariance()));
    return new Result(model, List.copyOf(trace), stop, evaluator.evaluations() - evaluations0,
        (System.nanoTime() - start) * 1e-9, List.copyOf(path));
  }

  /** z = μ + Lε (or μ + e^ω ⊙ ε) for m standard normal ε. */
  private static void draw(UniformRandomProvider rng, double[] mu, double[] l,
      boolean meanField, double[] eps, double[] z, int m) {
    int dim = mu.length;
    ZigguratSampler.NormalizedGaussian normal = ZigguratSampler.NormalizedGaussian.of(rng);
    for (int b = 0; b < m; b++) {
      for (int d = 0; d < dim; d++) {
        eps[b * dim + d] = normal.sample();
      }
      for (int i = 0; i < dim; i++) {
        double v = mu[i];
        if (meanField) {
          v += Math.exp(l[i]) * eps[b * dim + i];
        } else {
          for (int j = 0; j <= i; j++) {
            v += l[i * dim + j] * eps[b * dim + j];
          }
        }
        z[b * dim + i] = v;
      }
    }
  }

  /** E_q log p̃ + H(q), from n draws (key (BASELINE, −t) so that they are not the step's). */
  private static double elbo(Target target, double[] mu, double[] l, boolean meanField, int n,
      RandomStreams streams, int t, ScoreEvaluator evaluator) {
    int dim = mu.length;
    double[] eps = new double[n * dim];
    double[] z = new double[n * dim];
    draw(streams.stream(RandomStreams.BASELINE, -t), mu, l, meanField, eps, z, n);
    double[] logP = new double[n];
    evaluator.evaluate(z, n, logP, new double[n * dim]);
    double mean = 0;
    for (double v : logP) {
      mean += v / n;
    }
    double entropy = 0.5 * dim * (1 + Math.log(2 * Math.PI));
    for (int i = 0; i < dim; i++) {
      entropy += meanField ? l[i] : Math.log(Math.abs(l[i * dim + i]));
    }
    return mean + entropy;
  }

  private static double[] covariance(double[] l, boolean meanField, int dim) {
    double[] s = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      if (meanField) {
        s[i * dim + i] = Math.exp(2 * l[i]);
        continue;
      }
      for (int j = 0; j <= i; j++) {
        double v = 0;
        for (int k = 0; k <= j; k++) {
          v += l[i * dim + k] * l[j * dim + k];
        }
        s[i * dim + j] = v;
        s[j * dim + i] = v;
      }
    }
    return s;
  }

  private static boolean finite(double[] v) {
    for (double x : v) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  /** Adam (Kingma and Ba) for gradient ascent on (μ, L or ω). */
  private static final class Adam {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;
    private final double[] first;
    private final double[] second;
    private final double rate;
    private int steps;

    Adam(int size, double rate) {
      this.first = new double[size];
      this.second = new double[size];
      this.rate = rate;
    }

    void ascend(double[] grad, double[] mu, double[] l, boolean meanField, int dim) {
      steps++;
      double c1 = 1 - Math.pow(BETA1, steps);
      double c2 = 1 - Math.pow(BETA2, steps);
      for (int p = 0; p < grad.length; p++) {
        // Entries above L's diagonal are not parameters.
        if (!meanField && p >= dim && (p - dim) % dim > (p - dim) / dim) {
          continue;
        }
        first[p] = BETA1 * first[p] + (1 - BETA1) * grad[p];
        second[p] = BETA2 * second[p] + (1 - BETA2) * grad[p] * grad[p];
        // Stan's step-size sequence decays as t^(-1/2); so does this one after 100 steps.
        double decay = 1 / Math.sqrt(Math.max(1, steps / 100.0));
        double step = decay * rate * (first[p] / c1) / (Math.sqrt(second[p] / c2) + EPSILON);
        if (p < dim) {
          mu[p] += step;
        } else {
          l[p - dim] += step;
        }
      }
    }
  }

  /** BaM for {@code iterations} iterations of {@code batch} draws. */
  public static Result bam(Target target, int iterations, int batch, long seed,
      ScoreEvaluator evaluator) {
    long start = System.nanoTime();
    int dim = target.dim();
    double[] mu = new double[dim];
    double[] sigma = new double[dim * dim];
    for (int d = 0; d < dim; d++) {
      sigma[d * dim + d] = 1;
    }
    RandomStreams streams = RandomStreams.of(seed);
    List<Row> trace = new ArrayList<>();
    long evaluations0 = evaluator.evaluations();
    double[] z = new double[batch * dim];
    double[] logP = new double[batch];
    double[] scores = new double[batch * dim];
    FitResult.StopReason stop = FitResult.StopReason.MAX_ITERATIONS;
    List<Snapshot> path = new ArrayList<>();
    for (int t = 0; t < iterations; t++) {
      GaussianModel current = new GaussianModel(target.parameterNames(), mu, sigma);
      double[] draws = current.sample(streams.stream(RandomStreams.BASELINE, t), batch);
      System.arraycopy(draws, 0, z, 0, z.length);
      evaluator.evaluate(z, batch, logP, scores);
      GaussianModel.Density q = current.density();
      double elbo = 0;
      double[] point = new double[dim];
      for (int b = 0; b < batch; b++) {
        System.arraycopy(z, b * dim, point, 0, dim);
        elbo += (logP[b] - q.logDensity(point, null)) / batch;
      }
      double lambda = (double) batch * dim / (t + 1);
      double[] next = new double[dim * dim];
      double[] nextMu = new double[dim];
      if (!update(z, scores, batch, dim, mu, sigma, lambda, nextMu, next)) {
        stop = FitResult.StopReason.DIVERGED;
        break;
      }
      mu = nextMu;
      sigma = next;
      trace.add(new Row(t + 1, elbo, evaluator.evaluations() - evaluations0,
          (System.nanoTime() - start) * 1e-9));
      path.add(new Snapshot(evaluator.evaluations() - evaluations0, mu.clone(), sigma.clone()));
    }
    GaussianModel model = new GaussianModel(target.parameterNames(), mu, sigma);
    return new Result(model, List.copyOf(trace), stop, evaluator.evaluations() - evaluations0,
        (System.nanoTime() - start) * 1e-9, List.copyOf(path));
  }

  /** One BaM update into (nextMu, next); false when it is not finite or not definite. */
  static boolean update(double[] z, double[] g, int batch, int dim, double[] mu, double[] sigma,
      double lambda, double[] nextMu, double[] next) {
    double[] zBar = new double[dim];
    double[] gBar = new double[dim];
    for (int b = 0; b < batch; b++) {
      for (int d = 0; d < dim; d++) {
        zBar[d] += z[b * dim + d] / batch;
        gBar[d] += g[b * dim + d] / batch;
      }
    }
    double shrink = lambda / (1 + lambda);
    double[] u = new double[dim * dim];
    double[] v = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        double c = 0;
        double gamma = 0;
        for (int b = 0; b < batch; b++) {
          c += (z[b * dim + i] - zBar[i]) * (z[b * dim + j] - zBar[j]);
          gamma += (g[b * dim + i] - gBar[i]) * (g[b * dim + j] - gBar[j]);
        }
        u[i * dim + j] = lambda * gamma / batch + shrink * gBar[i] * gBar[j];
        v[i * dim + j] = sigma[i * dim + j] + lambda * c / batch
            + shrink * (mu[i] - zBar[i]) * (mu[j] - zBar[j]);
      }
    }
    // Σ' = 2 V^½ (I + M^½)⁻¹ V^½ with M = I + 4 V^½ U V^½ (symmetric form of the update).
    double[] vHalf = power(v, dim, 0.5);
    if (vHalf == null) {
      return false;
    }
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
        return false;
      }
      double f = 1 / (1 + Math.sqrt(value));
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          inner[i * dim + j] += f * e.vectors()[i * dim + k] * e.vectors()[j * dim + k];
        }
      }
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
}
