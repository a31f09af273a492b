package com.example;

import com.typesafe.config.Config;
import java.util.List;
import org.poevi.InvalidInputException;
import org.poevi.targets.Target;

/**
 * Straight-line regression with Student-t errors: y_i ~ t_dof(a + b x_i, sigma), with priors
 * a, b ~ N(0, 10) and sigma ~ half-N(0, 5). The parameters are (a, b, log_sigma): sigma > 0 is
 * sampled on the log scale, so the log density adds the log-Jacobian log_sigma.
 */
public final class RobustRegressionTarget implements Target {
  private static final long serialVersionUID = 1L;

  private final double[] x;
  private final double[] y;
  private final double dof;

  /** @param options target.options: x and y (lists of numbers), dof (default 4) */
  public RobustRegressionTarget(Config options) {
    if (!options.hasPath("x") || !options.hasPath("y")) {
      throw new InvalidInputException("options.x and options.y are required");
    }
    x = options.getDoubleList("x").stream().mapToDouble(Double::doubleValue).toArray();
    y = options.getDoubleList("y").stream().mapToDouble(Double::doubleValue).toArray();
    dof = options.hasPath("dof") ? options.getDouble("dof") : 4;
    if (x.length != y.length || x.length == 0) {
      throw new InvalidInputException("options.x and options.y must have the same, non-zero"
          + " length, got " + x.length + " and " + y.length);
    }
    if (!(dof > 0)) {
      throw new InvalidInputException("options.dof must be > 0, got " + dof);
    }
  }

  @Override
  public int dim() {
    return 3;
  }

  @Override
  public String name() {
    return "robust-regression";
  }

  @Override
  public List<String> parameterNames() {
    return List.of("a", "b", "log_sigma");
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    double a = z[0];
    double b = z[1];
    double logSigma = z[2];
    double sigma = Math.exp(logSigma);
    // Priors (constants dropped): N(0, 10) on a and b; half-N(0, 5) on sigma, plus the Jacobian.
    double lp = -0.5 * (a * a + b * b) / 100 - 0.5 * sigma * sigma / 25 + logSigma;
    double ga = -a / 100;
    double gb = -b / 100;
    double gs = -sigma * sigma / 25 + 1;
    // Likelihood: log t_dof(r / sigma) - log sigma, r = y - a - b x.
    for (int i = 0; i < x.length; i++) {
      double u = (y[i] - a - b * x[i]) / sigma;
      double w = 1 + u * u / dof;
      lp += -0.5 * (dof + 1) * Math.log(w) - logSigma;
      double dlpdu = -(dof + 1) * u / (dof * w);
      ga -= dlpdu / sigma;
      gb -= dlpdu * x[i] / sigma;
      gs += -dlpdu * u - 1;
    }
    gradient[0] = ga;
    gradient[1] = gb;
    gradient[2] = gs;
    return lp;
  }
}
