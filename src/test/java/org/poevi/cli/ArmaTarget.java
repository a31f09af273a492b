package org.poevi.cli;

import com.typesafe.config.Config;
import java.util.List;
import java.util.SplittableRandom;
import org.poevi.targets.Target;

/**
 * A user target as in issue #21: the ARMA(1, 1) model y_t = μ + φ y_{t−1} + θ e_{t−1} + e_t,
 * e_t ~ N(0, σ²), on a series of {@code options.length} values simulated with
 * {@code options.seed} (μ = 0.5, φ = 0.6, θ = 0.3, σ = 1); priors N(0, 10²) on μ, N(0, 2²) on φ
 * and θ, N(0, 1) on log σ. The errors' recursion makes the gradient grow like θᵗ for |θ| > 1,
 * and where it overflows the density is −∞, as docs/user-targets.md says. {@code options.bug}
 * multiplies ∂/∂θ by 1 + bug: a wrong gradient for the check to find.
 */
public final class ArmaTarget implements Target {
  private static final long serialVersionUID = 1L;
  private final double[] y;
  private final double bug;

  public ArmaTarget(Config options) {
    int length = options.hasPath("length") ? options.getInt("length") : 200;
    long seed = options.hasPath("seed") ? options.getLong("seed") : 1;
    bug = options.hasPath("bug") ? options.getDouble("bug") : 0;
    SplittableRandom random = new SplittableRandom(seed);
    y = new double[length];
    double previousError = 0;
    double previous = 0;
    for (int t = 0; t < length; t++) {
      // A standard normal by Box–Muller.
      double e = Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
          * Math.cos(2 * Math.PI * random.nextDouble());
      y[t] = 0.5 + 0.6 * previous + 0.3 * previousError + e;
      previous = y[t];
      previousError = e;
    }
  }

  @Override
  public int dim() {
    return 4;
  }

  @Override
  public String name() {
    return "arma11";
  }

  @Override
  public List<String> parameterNames() {
    return List.of("mu", "phi", "theta", "log_sigma");
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    double mu = z[0];
    double phi = z[1];
    double theta = z[2];
    double logSigma = z[3];
    double precision = Math.exp(-2 * logSigma);
    // e_1 = y_1 − μ − φμ; e_t = y_t − μ − φ y_{t−1} − θ e_{t−1}, and its derivatives.
    double err = y[0] - mu - phi * mu;
    double dMu = -(1 + phi);
    double dPhi = -mu;
    double dTheta = 0;
    double sumSq = err * err;
    double gMu = err * dMu;
    double gPhi = err * dPhi;
    double gTheta = 0;
    for (int t = 1; t < y.length; t++) {
      double previous = err;
      err = y[t] - mu - phi * y[t - 1] - theta * previous;
      dMu = -1 - theta * dMu;
      dPhi = -y[t - 1] - theta * dPhi;
      dTheta = -previous - theta * dTheta;
      sumSq += err * err;
      gMu += err * dMu;
      gPhi += err * dPhi;
      gTheta += err * dTheta;
    }
    double lp = -0.5 * precision * sumSq - y.length * logSigma
        - 0.5 * (mu * mu / 100 + phi * phi / 4 + theta * theta / 4 + logSigma * logSigma);
    gradient[0] = -precision * gMu - mu / 100;
    gradient[1] = -precision * gPhi - phi / 4;
    gradient[2] = (-precision * gTheta - theta / 4) * (1 + bug);
    gradient[3] = precision * sumSq - y.length - logSigma;
    for (double g : gradient) {
      if (!Double.isFinite(g)) {
        // Far out, where the recursion overflows: zero density.
        return Double.NEGATIVE_INFINITY;
      }
    }
    return Double.isFinite(lp) ? lp : Double.NEGATIVE_INFINITY;
  }
}
