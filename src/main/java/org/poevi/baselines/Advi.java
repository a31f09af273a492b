package org.poevi.baselines;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.GaussianModel;
import org.poevi.fit.GaussianResult;
import org.poevi.fit.Progress;
import org.poevi.fit.StopReason;
import org.poevi.math.RandomStreams;
import org.poevi.targets.Target;

/**
 * ADVI (Kucukelbir et al. 2017; SPEC §8) in a {@link GaussianFamily}: the ELBO's
 * reparameterisation gradient from {@code gradSamples} draws per iteration, Adam steps, and
 * Stan's stopping rule: every {@code evalElbo} iterations the ELBO is estimated from
 * {@code elboSamples} draws, and the fit stops when the mean or the median of the recent relative
 * ELBO changes falls below {@code tolRelObj}. The result is the average of the iterates since the
 * last power-of-two iteration (Polyak averaging: at least the second half of the run). It starts
 * from N(0, I), as Stan's ADVI does with zero inits (in the Laplace frame under the default
 * {@code fit.advi.init = laplace}: {@link LaplaceStarted}); draws come from streams keyed by
 * (seed, BASELINE, iteration), so one seed fixes the fit for any evaluator.
 */
public final class Advi implements GaussianFitter {
  private final GaussianFamily family;
  private final AdviSettings settings;
  private final long seed;
  private final String method;

  private Advi(GaussianFamily family, AdviSettings settings, long seed, String method) {
    this.family = family;
    this.settings = settings;
    this.seed = seed;
    this.method = method;
  }

  /** Full-rank ADVI, q = N(μ, LLᵀ) ({@code fit.method = advi-fullrank}). */
  public static Advi fullRank(AdviSettings settings, long seed) {
    return new Advi(new GaussianFamily.FullRank(), settings, seed, "advi-fullrank");
  }

  /** Mean-field ADVI, q = N(μ, diag(e^{2ω})) ({@code fit.method = advi-meanfield}). */
  public static Advi meanField(AdviSettings settings, long seed) {
    return new Advi(new GaussianFamily.MeanField(), settings, seed, "advi-meanfield");
  }

  @Override
  public GaussianResult fit(Target target, ScoreEvaluator evaluator, Progress progress) {
    return new Run(target, evaluator).run();
  }

  /** One fit: the iterate, Adam's moments, the Polyak sums and Stan's ELBO window. */
  private final class Run {
    private final Target target;
    private final ScoreEvaluator evaluator;
    private final int dim;
    private final double[] mu;
    private final double[] theta;
    private final Adam adam;
    private final RandomStreams streams = RandomStreams.of(seed);
    private final long evaluations0;
    private final long start = System.nanoTime();
    private final List<GaussianResult.Snapshot> path = new ArrayList<>();
    /** The recent relative ELBO changes (Stan's window of 10% of the evaluations). */
    private final List<Double> relative = new ArrayList<>();
    private double previousElbo = Double.NaN;
    private final double[] sumMu;
    private final double[] sumTheta;
    private int averaged;
    /** One step's draws, evaluations and gradient, reused by every step. */
    private final double[] eps;
    private final double[] z;
    private final double[] logP;
    private final double[] scores;
    private final double[] grad;

    Run(Target target, ScoreEvaluator evaluator) {
      this.target = target;
      this.evaluator = evaluator;
      this.dim = target.dim();
      this.mu = new double[dim];
      this.theta = family.identity(dim);
      this.adam = new Adam(dim + theta.length, settings.learningRate());
      this.evaluations0 = evaluator.evaluations();
      this.sumMu = new double[dim];
      this.sumTheta = new double[theta.length];
      int m = settings.gradSamples();
      this.eps = new double[m * dim];
      this.z = new double[m * dim];
      this.logP = new double[m];
      this.scores = new double[m * dim];
      this.grad = new double[dim + theta.length];
    }

    GaussianResult run() {
      List<GaussianResult.Row> trace = new ArrayList<>();
      StopReason stop = StopReason.MAX_ITERATIONS;
      for (int t = 1; t <= settings.iterations(); t++) {
        if (!ascend(t)) {
          stop = StopReason.DIVERGED;
          break;
        }
        average(t);
        double elbo = Double.NaN;
        if (t % settings.evalElbo() == 0) {
          path.add(snapshot(averageOf(sumMu), averageOf(sumTheta)));
          elbo = elbo(t);
          if (converged(elbo)) {
            stop = StopReason.CONVERGED;
          }
          previousElbo = elbo;
        }
        trace.add(new GaussianResult.Row(t, elbo, evaluations(), seconds()));
        if (stop == StopReason.CONVERGED) {
          break;
        }
      }
      double[] m = averaged > 0 ? averageOf(sumMu) : mu;
      double[] l = averaged > 0 ? averageOf(sumTheta) : theta;
      GaussianModel model = new GaussianModel(target.parameterNames(), m,
          family.covariance(l, dim));
      path.add(new GaussianResult.Snapshot(evaluations(), model.mean(), model.covariance()));
      List<String> warnings = new ArrayList<>(target.warnings());
      if (stop == StopReason.MAX_ITERATIONS) {
        warnings.add(method + " did not converge in " + settings.iterations() + " iterations"
            + " (fit.advi.iterations): its ELBO was still changing, so its Gaussian may be far"
            + " from p");
      } else if (stop == StopReason.DIVERGED) {
        warnings.add(method + " diverged at iteration " + (trace.size() + 1) + " (a gradient"
            + " that is not finite): its Gaussian is the last finite average");
      }
      return new GaussianResult(method, model, List.copyOf(trace), stop, evaluations(),
          seconds(), List.copyOf(path), List.copyOf(warnings));
    }

    /** One Adam step on the ELBO's gradient from gradSamples draws; false if not finite. */
    private boolean ascend(int t) {
      int m = settings.gradSamples();
      draw(streams.stream(RandomStreams.BASELINE, t), eps, z, m);
      evaluator.evaluate(z, m, logP, scores);
      Arrays.fill(grad, 0);
      for (int b = 0; b < m; b++) {
        for (int i = 0; i < dim; i++) {
          grad[i] += scores[b * dim + i] / m;
        }
      }
      family.addGradient(grad, scores, eps, theta, m);
      for (double g : grad) {
        if (!Double.isFinite(g)) {
          return false;
        }
      }
      adam.ascend(grad, mu, theta, family);
      return true;
    }

    /** Polyak sums of the iterates since the last power of two (reset there). */
    private void average(int t) {
      if (Integer.bitCount(t) == 1) {
        Arrays.fill(sumMu, 0);
        Arrays.fill(sumTheta, 0);
        averaged = 0;
      }
      for (int i = 0; i < dim; i++) {
        sumMu[i] += mu[i];
      }
      for (int i = 0; i < theta.length; i++) {
        sumTheta[i] += theta[i];
      }
      averaged++;
    }

    private double[] averageOf(double[] sums) {
      double[] out = new double[sums.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = sums[i] / averaged;
      }
      return out;
    }

    private GaussianResult.Snapshot snapshot(double[] m, double[] l) {
      return new GaussianResult.Snapshot(evaluations(), m, family.covariance(l, dim));
    }

    /**
     * Stan's rule on the new ELBO: the mean or the median of the recent relative changes
     * (relative to 1 near ELBO = 0, a normalised target) below tol-rel-obj.
     */
    private boolean converged(double elbo) {
      if (!Double.isFinite(previousElbo)) {
        return false;
      }
      int window = Math.max(2, (int) (0.1 * settings.iterations() / settings.evalElbo()));
      relative.add(Math.abs(elbo - previousElbo) / Math.max(1, Math.abs(elbo)));
      if (relative.size() > window) {
        relative.remove(0);
      }
      double[] r = relative.stream().mapToDouble(Double::doubleValue).toArray();
      double mean = Arrays.stream(r).average().orElse(Double.NaN);
      Arrays.sort(r);
      double median = r.length % 2 == 1 ? r[r.length / 2]
          : 0.5 * (r[r.length / 2 - 1] + r[r.length / 2]);
      return mean < settings.tolRelObj() || median < settings.tolRelObj();
    }

    /** E_q log p̃ + H(q) from elboSamples draws (key (BASELINE, −t): not the step's draws). */
    private double elbo(int t) {
      int n = settings.elboSamples();
      double[] noise = new double[n * dim];
      double[] points = new double[n * dim];
      draw(streams.stream(RandomStreams.BASELINE, -t), noise, points, n);
      double[] values = new double[n];
      evaluator.evaluate(points, n, values, new double[n * dim]);
      double mean = 0;
      for (double v : values) {
        mean += v / n;
      }
      return mean + family.entropy(theta, dim);
    }

    /** x = μ + T_θ(ε) for m standard normal ε (into {@code noise} and {@code x}). */
    private void draw(UniformRandomProvider rng, double[] noise, double[] x, int m) {
      ZigguratSampler.NormalizedGaussian normal = ZigguratSampler.NormalizedGaussian.of(rng);
      for (int b = 0; b < m; b++) {
        for (int d = 0; d < dim; d++) {
          noise[b * dim + d] = normal.sample();
        }
        family.place(mu, theta, noise, x, b * dim);
      }
    }

    private long evaluations() {
      return evaluator.evaluations() - evaluations0;
    }

    private double seconds() {
      return (System.nanoTime() - start) * 1e-9;
    }
  }
}
