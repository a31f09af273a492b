package com.example;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import org.poevi.InvalidInputException;
import org.poevi.ml.RowModel;
import org.poevi.targets.glm.RowBlock;

/**
 * Linear regression with Student-t errors over a DataFrame: y_i ~ t_dof(a + x_iᵀb + o_i, sigma)
 * for P features x_i (o_i the row's offset, 0 without offsetCol), each row's log likelihood
 * times its weight (1 without weightCol). Priors: a, b_j ~ N(0, 10) and sigma ~ half-N(0, 5).
 * The parameters are (intercept, b[1], ..., b[P], log_sigma): sigma > 0 is sampled on the log
 * scale, so the log prior adds the log-Jacobian log_sigma. Constants are left out.
 */
public final class RobustRowModel implements RowModel {
  private static final long serialVersionUID = 1L;

  private final double dof;

  /** @param options modelOptions: dof, the degrees of freedom of the errors (default 4) */
  public RobustRowModel(Config options) {
    dof = options.hasPath("dof") ? options.getDouble("dof") : 4;
    if (!(dof > 0)) {
      throw new InvalidInputException("modelOptions.dof must be > 0, got " + dof);
    }
  }

  @Override
  public List<String> parameterNames(List<String> features) {
    List<String> names = new ArrayList<>();
    names.add("intercept");
    for (int j = 1; j <= features.size(); j++) {
      names.add("b[" + j + "]");
    }
    names.add("log_sigma");
    return names;
  }

  @Override
  public double logPrior(double[] z, double[] gradient) {
    int last = z.length - 1;
    double lp = 0;
    for (int k = 0; k < last; k++) {
      lp -= 0.5 * z[k] * z[k] / 100;
      gradient[k] = -z[k] / 100;
    }
    double sigma = Math.exp(z[last]);
    lp += -0.5 * sigma * sigma / 25 + z[last];
    gradient[last] = -sigma * sigma / 25 + 1;
    return lp;
  }

  @Override
  public void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace) {
    int rows = block.rows();
    int p = block.columns();
    int dim = p + 2;
    double[] x = block.x();
    double[] y = block.y();
    double[] weight = block.weight();
    double[] offset = block.offset();
    for (int b = 0; b < n; b++) {
      int at = b * dim;
      double logSigma = points[at + dim - 1];
      double sigma = Math.exp(logSigma);
      int g = n + at;
      for (int i = 0; i < rows; i++) {
        double mean = points[at] + (offset == null ? 0 : offset[i]);
        for (int j = 0; j < p; j++) {
          mean += x[i + j * rows] * points[at + 1 + j];
        }
        double w = weight == null ? 1 : weight[i];
        // log t_dof(u) - log sigma with u = (y - mean) / sigma, and its derivative in u.
        double u = (y[i] - mean) / sigma;
        double v = 1 + u * u / dof;
        out[b] += w * (-0.5 * (dof + 1) * Math.log(v) - logSigma);
        double dlpdu = -(dof + 1) * u / (dof * v);
        double dMean = -w * dlpdu / sigma;
        out[g] += dMean;
        for (int j = 0; j < p; j++) {
          out[g + 1 + j] += dMean * x[i + j * rows];
        }
        out[g + dim - 1] += w * (-dlpdu * u - 1);
      }
    }
  }
}
