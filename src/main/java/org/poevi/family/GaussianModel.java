package org.poevi.family;

import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.InvalidInputException;
import org.poevi.math.Cholesky;

/**
 * A Gaussian variational family N(m, S), the baselines' model (ADVI, BaM; SPEC §8), as stored in
 * {@code model.json} with {@code "family": "gaussian"}: its normaliser is exact, so log q(z) =
 * −½ (z − m)ᵀS⁻¹(z − m) − ½ log|2πS|.
 *
 * @param parameters names of the D parameters (unconstrained scale)
 * @param mean m, length D
 * @param covariance S, row-major D×D, symmetric positive definite
 */
public record GaussianModel(List<String> parameters, double[] mean, double[] covariance)
    implements FittedModel {
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  /** Validates (finite, symmetric to 1e-10 relative, positive definite) and copies. */
  public GaussianModel {
    parameters = List.copyOf(parameters);
    int dim = mean.length;
    if (dim < 1 || parameters.size() != dim || covariance.length != dim * dim) {
      throw new InvalidInputException("a Gaussian model needs D names, a mean of D numbers and a"
          + " D x D covariance; got " + parameters.size() + ", " + mean.length + " and "
          + covariance.length);
    }
    mean = mean.clone();
    covariance = covariance.clone();
    for (int i = 0; i < dim; i++) {
      if (!Double.isFinite(mean[i])) {
        throw new InvalidInputException("mean[" + i + "] must be finite, got " + mean[i]);
      }
      for (int j = 0; j < dim; j++) {
        double a = covariance[i * dim + j];
        double b = covariance[j * dim + i];
        if (!Double.isFinite(a)) {
          throw new InvalidInputException("covariance[" + i + "][" + j + "] must be finite, got "
              + a);
        }
        if (Math.abs(a - b) > 1e-10 * Math.sqrt(Math.abs(covariance[i * dim + i]
            * covariance[j * dim + j]))) {
          throw new InvalidInputException("covariance[" + i + "][" + j + "] = " + a
              + " differs from covariance[" + j + "][" + i + "] = " + b);
        }
      }
    }
    if (!Cholesky.factor(Cholesky.pack(covariance, dim), 0, dim)) {
      throw new InvalidInputException("covariance must be positive definite");
    }
  }

  @Override
  public int dim() {
    return mean.length;
  }

  @Override
  public String familyName() {
    return ModelJson.GAUSSIAN;
  }

  @Override
  public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
    return ModelJson.toJson(this);
  }

  @Override
  public <R> R match(java.util.function.Function<PoeModel, R> poe,
      java.util.function.Function<GaussianModel, R> gaussian) {
    return gaussian.apply(this);
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] covariance() {
    return covariance.clone();
  }

  /** The packed lower Cholesky factor L of S (S = L Lᵀ). */
  public double[] factor() {
    double[] l = Cholesky.pack(covariance, dim());
    Cholesky.factor(l, 0, dim());
    return l;
  }

  /** An evaluator of log q and its score (owns scratch: one per thread). */
  public Density density() {
    return new Density(this);
  }

  /**
   * log q(z) = −½ (z − m)ᵀS⁻¹(z − m) − ½ log|2πS| at each of n points (n×D row-major), with S's
   * factor computed once.
   */
  public double[] logDensities(double[] points) {
    int dim = dim();
    if (points.length % dim != 0) {
      throw new InvalidInputException("points has " + points.length + " numbers, not a multiple"
          + " of D = " + dim);
    }
    Density density = density();
    double[] z = new double[dim];
    double[] out = new double[points.length / dim];
    for (int i = 0; i < out.length; i++) {
      System.arraycopy(points, i * dim, z, 0, dim);
      out[i] = density.logDensity(z, null);
    }
    return out;
  }

  /** log q(z) and ∇log q(z) = −S⁻¹(z − m), with S's factor computed once. */
  public static final class Density {
    private final double[] mean;
    private final double[] factor;
    private final double logNormalizer;
    private final double[] work;

    private Density(GaussianModel model) {
      int dim = model.dim();
      this.mean = model.mean;
      this.factor = model.factor();
      this.logNormalizer = 0.5 * dim * LOG_2PI + 0.5 * Cholesky.logDeterminant(factor, 0, dim);
      this.work = new double[dim];
    }

    /** log q(z); writes the score into {@code score} when it is not null. */
    public double logDensity(double[] z, double[] score) {
      int dim = mean.length;
      for (int d = 0; d < dim; d++) {
        work[d] = z[d] - mean[d];
      }
      // u = L⁻¹(z − m): the Mahalanobis norm is |u|².
      Cholesky.solveLower(factor, 0, dim, work, 0);
      double quad = 0;
      for (double u : work) {
        quad += u * u;
      }
      if (score != null) {
        // S⁻¹(z − m) = L⁻ᵀ u.
        Cholesky.solveLowerTransposed(factor, 0, dim, work, 0);
        for (int d = 0; d < dim; d++) {
          score[d] = -work[d];
        }
      }
      return -0.5 * quad - logNormalizer;
    }
  }

  /** n exact draws, n×D row-major, from {@code rng}. */
  public double[] sample(UniformRandomProvider rng, int n) {
    int dim = dim();
    double[] l = factor();
    ZigguratSampler.NormalizedGaussian normal = ZigguratSampler.NormalizedGaussian.of(rng);
    double[] out = new double[n * dim];
    double[] e = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dim; d++) {
        e[d] = normal.sample();
      }
      for (int a = 0; a < dim; a++) {
        double v = mean[a];
        for (int b = 0; b <= a; b++) {
          v += l[Cholesky.packedIndex(a, b)] * e[b];
        }
        out[i * dim + a] = v;
      }
    }
    return out;
  }
}
