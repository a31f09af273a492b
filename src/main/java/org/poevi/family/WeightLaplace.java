package org.poevi.family;

import org.poevi.math.Cholesky;
import org.poevi.math.MultivariateT;

/**
 * A Laplace approximation to the weights' marginal q(w) ∝ Dir(w | α)·C(w), over the shares u of
 * the experts with α_k ≥ {@value #LARGE_ALPHA} in additive log-ratio coordinates
 * η_j = log(u_j/u_last), where its density is
 *
 * <pre>
 *   f(η) = Σ_j α_j log u_j + log C(w)   (+ const; Π_j u_j is the Jacobian of u ↦ η),
 * </pre>
 *
 * with the other experts' weights at 0, turned into a logistic t proposal ({@link
 * WeightProposal#logistic}) with {@value #DOF} degrees of freedom at the mode of f and scale
 * (−∇²f)⁻¹. The experts with smaller α keep their prior draws: their log-ratios have exponential
 * tails of rate α_k under the prior, which no Laplace fit follows, and their weights hardly move
 * C(w).
 *
 * <p>Why: at high D the experts' scales differ, log|Λ(w)| = (D − m) log Σ w_k c_k + … moves by
 * many nats for a small change of w, and q(w) sits far from Dir(α) and is far narrower. Its
 * C(w) weights then keep a handful of effective draws of 10⁵ (17 of 100,096 for a fitted D = 300
 * product of t's), which breaks both the SIR draws and the normaliser. q(w) lives in K − 1
 * dimensions and is smooth, so a Laplace fit there is cheap and close.
 *
 * <p>The mode comes from damped Newton steps with central-difference derivatives of f (f costs
 * one Λ(w) factorisation, O(D·m + m³) for structured experts); 2(K−1)² + 2(K−1) evaluations per
 * step. The fit gives up (null) when f is not finite at the start, when −∇²f is not positive
 * definite at the end, or for more than {@value #MAX_EXPERTS} active experts.
 */
final class WeightLaplace {
  /** Degrees of freedom of the proposal: heavier tails than the Laplace fit's Gaussian. */
  static final double DOF = 5;
  static final int MAX_EXPERTS = 64;
  /** Experts with α below this keep their prior draws. */
  static final double LARGE_ALPHA = 1;
  private static final int MAX_STEPS = 50;
  private static final double STEP = 1e-3;

  private final FeynmanSampler sampler;
  private final FeynmanSampler.Scratch scratch;
  /** α of every active expert. */
  private final double[] all;
  /** The experts with α_k ≥ {@value #LARGE_ALPHA}, and their α. */
  private final int[] large;
  private final double[] alpha;
  private final int n;
  private final double[] w;

  private WeightLaplace(FeynmanSampler sampler, int[] large) {
    this.sampler = sampler;
    this.scratch = sampler.scratch();
    this.all = sampler.stack.alpha();
    this.large = large;
    this.alpha = new double[large.length];
    for (int j = 0; j < large.length; j++) {
      alpha[j] = all[large[j]];
    }
    this.n = large.length - 1;
    this.w = new double[all.length];
  }

  /** The logistic t proposal of the sampler's q(w), or null when the fit fails. */
  static WeightProposal fit(FeynmanSampler sampler) {
    double[] alpha = sampler.stack.alpha();
    int[] large = java.util.stream.IntStream.range(0, alpha.length)
        .filter(k -> alpha[k] >= LARGE_ALPHA).toArray();
    if (large.length < 2 || large.length > MAX_EXPERTS) {
      return null;
    }
    return new WeightLaplace(sampler, large).proposal();
  }

  private WeightProposal proposal() {
    // Start at the Dirichlet's mean.
    double[] eta = new double[n];
    for (int i = 0; i < n; i++) {
      eta[i] = Math.log(alpha[i] / alpha[n]);
    }
    double value = f(eta);
    if (!Double.isFinite(value)) {
      return null;
    }
    double[] g = new double[n];
    double[] h = new double[n * n];
    for (int step = 0; step < MAX_STEPS; step++) {
      derivatives(eta, value, g, h);
      double[] delta = newtonStep(g, h);
      if (delta == null) {
        return null;
      }
      double decrease = 0;
      for (int i = 0; i < n; i++) {
        decrease += g[i] * delta[i];
      }
      // Backtracking: halve until f rises (at most 30 halvings).
      double t = 1;
      double[] next = new double[n];
      double nextValue = Double.NEGATIVE_INFINITY;
      for (int halvings = 0; halvings < 30; halvings++, t *= 0.5) {
        for (int i = 0; i < n; i++) {
          next[i] = eta[i] + t * delta[i];
        }
        nextValue = f(next);
        if (nextValue >= value) {
          break;
        }
      }
      if (!(nextValue >= value)) {
        break;
      }
      eta = next;
      value = nextValue;
      if (decrease < 1e-10) {
        break;
      }
    }
    derivatives(eta, value, g, h);
    double[] negative = new double[n * n];
    for (int i = 0; i < n * n; i++) {
      negative[i] = -h[i];
    }
    try {
      return WeightProposal.logistic(all, large, MultivariateT.of(eta,
          Cholesky.inverse(negative, n), DOF));
    } catch (IllegalArgumentException notPositiveDefinite) {
      return null;
    }
  }

  /**
   * (−H)⁻¹ g, with −H shifted by a growing multiple of its diagonal until it is positive definite
   * (Levenberg's damping); null when no shift helps.
   */
  private double[] newtonStep(double[] g, double[] h) {
    for (double damping = 0; damping <= 1e6; damping = damping == 0 ? 1e-6 : damping * 10) {
      double[] m = new double[n * n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          m[i * n + j] = -h[i * n + j];
        }
        m[i * n + i] += damping * Math.max(Math.abs(h[i * n + i]), 1e-8);
      }
      double[] packed = Cholesky.pack(m, n);
      if (Cholesky.factor(packed, 0, n)) {
        double[] delta = g.clone();
        Cholesky.solveLower(packed, 0, n, delta, 0);
        Cholesky.solveLowerTransposed(packed, 0, n, delta, 0);
        return delta;
      }
    }
    return null;
  }

  /** Central-difference gradient and Hessian of f at η (f(η) given). */
  private void derivatives(double[] eta, double value, double[] g, double[] h) {
    double[] x = eta.clone();
    double[] plus = new double[n];
    double[] minus = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = eta[i] + STEP;
      plus[i] = f(x);
      x[i] = eta[i] - STEP;
      minus[i] = f(x);
      x[i] = eta[i];
      g[i] = (plus[i] - minus[i]) / (2 * STEP);
      h[i * n + i] = (plus[i] - 2 * value + minus[i]) / (STEP * STEP);
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        x[i] = eta[i] + STEP;
        x[j] = eta[j] + STEP;
        double pp = f(x);
        x[j] = eta[j] - STEP;
        double pm = f(x);
        x[i] = eta[i] - STEP;
        double mm = f(x);
        x[j] = eta[j] + STEP;
        double mp = f(x);
        x[i] = eta[i];
        x[j] = eta[j];
        double v = (pp - pm - mp + mm) / (4 * STEP * STEP);
        h[i * n + j] = v;
        h[j * n + i] = v;
      }
    }
  }

  /** f(η) = Σ_j α_j log u_j + log C(w), −∞ where Λ(w) cannot be factored. */
  private double f(double[] eta) {
    double lse = WeightProposal.logSumExpWithZero(eta);
    double sum = 0;
    for (int i = 0; i <= n; i++) {
      double lw = (i < n ? eta[i] : 0) - lse;
      w[large[i]] = Math.exp(lw);
      sum += alpha[i] * lw;
    }
    double logC = sampler.logCOf(w, scratch);
    return Double.isNaN(logC) ? Double.NEGATIVE_INFINITY : sum + logC;
  }
}
