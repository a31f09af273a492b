package org.poevi.family;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.netlib.util.intW;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;

/**
 * Exact Gibbs sweeps for a product of t experts times a power of one t, r^(1−β) q̃^β
 * ({@link TemperedGibbs}). Writing A^(−a) = Γ(a)⁻¹ ∫₀^∞ u^(a−1) e^(−uA) du for each factor makes
 * u_k | z ~ Gamma(a_k, rate A_k(z)) independent and z | u ~ N(μ(u), (2Λ(u))⁻¹) with Λ(u) =
 * Σ u_k Λ_k and Λ(u)μ(u) = Σ u_k Λ_k μ_k, because every A_k is quadratic in z. r is one more t
 * expert: A_r^(−(ν+D)/2) with Λ_r = (νΣ)⁻¹. Blocks of particles share the BLAS-3 products; each
 * particle draws from its own stream. Dense Λ_k only.
 */
final class GammaGibbs {
  /** z | u has precision 2Λ(u): a standard normal draw is scaled by √½ before L⁻ᵀ. */
  private static final double ROOT_HALF = Math.sqrt(0.5);

  final int dim;
  /** K active experts, then r. */
  final int count;
  private final double[] alpha;
  /** D²×(K+1): Λ_k (row- and column-major alike). */
  private final double[] lambdas;
  /** D×(K+1): Λ_k μ_k. */
  private final double[] lambdaLocations;
  /** D×(K+1): μ_k. */
  private final double[] locations;
  private final double rLogNormalizer;

  GammaGibbs(ProductOfExperts family, MultivariateT r) {
    this.dim = family.dim;
    int k = family.active.length;
    this.count = k + 1;
    this.alpha = new double[count];
    this.lambdas = new double[dim * dim * count];
    this.lambdaLocations = new double[dim * count];
    this.locations = new double[dim * count];
    for (int j = 0; j < k; j++) {
      Expert e = family.experts[family.active[j]];
      alpha[j] = family.alpha[family.active[j]];
      System.arraycopy(e.lambda(), 0, lambdas, j * dim * dim, dim * dim);
      System.arraycopy(e.lambdaLocation, 0, lambdaLocations, j * dim, dim);
      System.arraycopy(e.location, 0, locations, j * dim, dim);
    }
    double[] precision = r.scatterInverse();
    double[] m = r.location();
    alpha[k] = 0.5 * (r.dof() + dim);
    for (int i = 0; i < dim; i++) {
      double s = 0;
      for (int j = 0; j < dim; j++) {
        double v = precision[i * dim + j] / r.dof();
        lambdas[k * dim * dim + i * dim + j] = v;
        s += v * m[j];
      }
      lambdaLocations[k * dim + i] = s;
      locations[k * dim + i] = m[i];
    }
    this.rLogNormalizer = r.logNormalizer();
  }

  /** The streams of a block of particles: one per particle, keyed by stage, step and block. */
  record Chains(UniformRandomProvider[] rngs, ContinuousSampler[] normals) {}

  static Chains chains(RandomStreams streams, int rep, int step, int block, int nb) {
    UniformRandomProvider[] rngs = new UniformRandomProvider[nb];
    ContinuousSampler[] normals = new ContinuousSampler[nb];
    for (int c = 0; c < nb; c++) {
      rngs[c] = streams.stream(RandomStreams.GIBBS, rep, step, block, c);
      normals[c] = ZigguratSampler.NormalizedGaussian.of(rngs[c]);
    }
    return new Chains(rngs, normals);
  }

  /** Per-thread buffers of a block of particles. */
  static final class Scratch {
    final double[] z;
    final double[] ell;
    final double[] logQ;
    final double[] diff;
    final double[] image;
    final double[] a;
    final double[] u;
    final double[] precision;
    final double[] mean;
    final intW info = new intW(0);

    Scratch(int dim, int count, int nb) {
      z = new double[dim * nb];
      ell = new double[nb];
      logQ = new double[nb];
      diff = new double[dim * nb];
      image = new double[dim * nb];
      a = new double[count * nb];
      u = new double[count * nb];
      precision = new double[dim * dim * nb];
      mean = new double[dim * nb];
    }
  }

  /** A_k at the block's z for every expert and r, one block product per expert. */
  private void forms(Scratch s, int nb) {
    BLAS blas = BLAS.getInstance();
    for (int k = 0; k < count; k++) {
      for (int c = 0; c < nb; c++) {
        for (int d = 0; d < dim; d++) {
          s.diff[c * dim + d] = s.z[c * dim + d] - locations[k * dim + d];
        }
      }
      blas.dgemm("N", "N", dim, nb, dim, 1.0, lambdas, k * dim * dim, dim, s.diff, 0, dim, 0.0,
          s.image, 0, dim);
      for (int c = 0; c < nb; c++) {
        double q = 0;
        for (int d = 0; d < dim; d++) {
          q += s.diff[c * dim + d] * s.image[c * dim + d];
        }
        s.a[c * count + k] = 1 + Math.max(q, 0);
      }
    }
  }

  /** log q̃ and ℓ = log q̃ − log r at the block's z, into s.logQ and s.ell. */
  void logRatios(Scratch s, int nb) {
    forms(s, nb);
    int r = count - 1;
    for (int c = 0; c < nb; c++) {
      double logQ = 0;
      for (int k = 0; k < r; k++) {
        logQ -= alpha[k] * Math.log(s.a[c * count + k]);
      }
      s.logQ[c] = logQ;
      s.ell[c] = logQ - (rLogNormalizer - alpha[r] * Math.log(s.a[c * count + r]));
    }
  }

  /**
   * One Gibbs sweep of π_β for nb particles: u | z, then z | u.
   *
   * @return false when some Λ(u) is not numerically positive definite
   */
  boolean sweep(Scratch s, int nb, double beta, Chains chains) {
    forms(s, nb);
    int r = count - 1;
    for (int c = 0; c < nb; c++) {
      UniformRandomProvider rng = chains.rngs[c];
      ContinuousSampler normal = chains.normals[c];
      for (int k = 0; k < count; k++) {
        double shape = (k == r ? 1 - beta : beta) * alpha[k];
        s.u[c * count + k] = shape > 0 ? gamma(shape, rng, normal) / s.a[c * count + k] : 0;
      }
    }
    BLAS blas = BLAS.getInstance();
    blas.dgemm("N", "N", dim * dim, nb, count, 1.0, lambdas, 0, dim * dim, s.u, 0, count, 0.0,
        s.precision, 0, dim * dim);
    blas.dgemm("N", "N", dim, nb, count, 1.0, lambdaLocations, 0, dim, s.u, 0, count, 0.0,
        s.mean, 0, dim);
    LAPACK lapack = LAPACK.getInstance();
    for (int c = 0; c < nb; c++) {
      int off = c * dim * dim;
      lapack.dpotrf("L", dim, s.precision, off, dim, s.info);
      if (s.info.val != 0) {
        return false;
      }
      lapack.dpotrs("L", dim, 1, s.precision, off, dim, s.mean, c * dim, dim, s.info);
      ContinuousSampler normal = chains.normals[c];
      for (int d = 0; d < dim; d++) {
        s.z[c * dim + d] = normal.sample() * ROOT_HALF;
      }
      blas.dtrsv("L", "T", "N", dim, s.precision, off, dim, s.z, c * dim, 1);
      for (int d = 0; d < dim; d++) {
        s.z[c * dim + d] += s.mean[c * dim + d];
      }
    }
    return true;
  }

  /**
   * A Gamma(shape, 1) variate by Marsaglia and Tsang (2000), with Gamma(a) = Gamma(a + 1)·U^(1/a)
   * below shape 1; allocation-free, from the particle's own generator.
   */
  static double gamma(double shape, UniformRandomProvider rng, ContinuousSampler normal) {
    if (shape < 1) {
      double g = gamma(shape + 1, rng, normal);
      return g * Math.exp(Math.log(rng.nextDouble()) / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = normal.sample();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }
}
