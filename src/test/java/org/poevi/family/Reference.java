package org.poevi.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.poevi.math.LogSpace;
import org.poevi.testing.Quadrature;

/**
 * Reference values of a 1-D or 2-D product of experts by sinh-sinh quadrature: log C_α and the
 * first, second and fourth central moments. Each value is computed at steps h and h/2, and the
 * two must agree to 1e-9 relative, which shows that quadrature error is negligible against any
 * Monte Carlo standard error compared with it.
 */
record Reference(double logNormalizer, double[] mean, double[] variance, double[] fourthMoment) {
  private static final double T_MAX = 6;

  static Reference of(TestModels.Case c) {
    return of(c, 1e-9);
  }

  /**
   * With a looser convergence tolerance on log C, for models whose many narrow experts leave the
   * two step sizes about 1e-5 apart: still far below any Monte Carlo standard error compared.
   */
  static Reference of(TestModels.Case c, double tolerance) {
    double h = c.family().dim() == 1 ? 1.0 / 64 : 1.0 / 32;
    Reference coarse = compute(c, h);
    Reference fine = compute(c, h / 2);
    assertEquals(fine.logNormalizer, coarse.logNormalizer, tolerance,
        c.name() + ": quadrature of log C has not converged");
    for (int d = 0; d < fine.mean.length; d++) {
      assertEquals(fine.mean[d], coarse.mean[d],
          tolerance * Math.max(1, Math.sqrt(fine.variance[d])),
          c.name() + ": quadrature of the mean has not converged");
    }
    return fine;
  }

  private static Reference compute(TestModels.Case c, double h) {
    ProductOfExperts f = c.family();
    int dim = f.dim();
    Quadrature.Nodes[] axes = new Quadrature.Nodes[dim];
    for (int d = 0; d < dim; d++) {
      axes[d] = Quadrature.realLine(c.center()[d], c.scale(), h, T_MAX);
    }
    int n0 = axes[0].size();
    int n1 = dim == 2 ? axes[1].size() : 1;
    double[] logTerms = new double[n0 * n1];
    double[][] points = new double[n0 * n1][];
    double[] z = new double[dim];
    double cos = Math.cos(c.angle());
    double sin = Math.sin(c.angle());
    for (int i = 0; i < n0; i++) {
      for (int j = 0; j < n1; j++) {
        double lw = axes[0].logWeight()[i];
        if (dim == 2) {
          // Rotated axes about the centre: z = c + R(θ)·(u − c), a rotation (Jacobian 1).
          double u0 = axes[0].x()[i] - c.center()[0];
          double u1 = axes[1].x()[j] - c.center()[1];
          z[0] = c.center()[0] + cos * u0 - sin * u1;
          z[1] = c.center()[1] + sin * u0 + cos * u1;
          lw += axes[1].logWeight()[j];
        } else {
          z[0] = axes[0].x()[i];
        }
        double lf = f.logDensityUnnormalized(z);
        logTerms[i * n1 + j] = Double.isNaN(lf) ? Double.NEGATIVE_INFINITY : lw + lf;
        points[i * n1 + j] = z.clone();
      }
    }
    double logC = LogSpace.logSumExp(logTerms);
    double[] mean = new double[dim];
    for (int p = 0; p < points.length; p++) {
      double w = Math.exp(logTerms[p] - logC);
      if (w == 0) {
        continue;
      }
      for (int d = 0; d < dim; d++) {
        mean[d] += w * points[p][d];
      }
    }
    double[] var = new double[dim];
    double[] m4 = new double[dim];
    for (int p = 0; p < points.length; p++) {
      double w = Math.exp(logTerms[p] - logC);
      if (w == 0) {
        // Far nodes: dev⁴ may overflow, and Inf · 0 would poison the sums with NaN.
        continue;
      }
      for (int d = 0; d < dim; d++) {
        double dev = points[p][d] - mean[d];
        var[d] += w * dev * dev;
        m4[d] += w * dev * dev * dev * dev;
      }
    }
    return new Reference(logC, mean, var, m4);
  }
}
