package org.poevi.targets.posteriordb;

import java.io.ObjectStreamException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.poevi.InvalidInputException;
import org.poevi.math.Cholesky;
import org.poevi.targets.Checks;
import org.poevi.targets.Target;

/**
 * posteriordb's gp_pois_regr: Poisson counts k_1..k_N at inputs x_1..x_N with a latent Gaussian
 * process in the non-centred parameterisation,
 *
 * <pre>
 *   ρ ~ Gamma(shape 25, rate 4),  α ~ half-N(0, 2),  f̃_i ~ N(0, 1),
 *   K_ij = α² exp(−(x_i − x_j)²/(2ρ²)) + 10⁻¹⁰ δ_ij,  L = chol(K),  f = L f̃,
 *   k_i ~ Poisson(e^(f_i)),
 * </pre>
 *
 * on R^(N+2) through z = (log ρ, log α, f̃_1..f̃_N) (Jacobian log ρ + log α). Constants dropped
 * (Γ(25), 4²⁵, log k_i!, the normals' and the half-normal's),
 *
 * <pre>
 *   log p̃(z) = 25 log ρ − 4ρ − α²/8 + log α − ½ Σ_i f̃_i² + Σ_i (k_i f_i − e^(f_i)).
 * </pre>
 *
 * (24 log ρ from the Gamma density plus the Jacobian's log ρ.) Score, with g_i = k_i − e^(f_i):
 * ∂f̃ = Lᵀ g − f̃; ∂log ρ = 25 − 4ρ + gᵀ (∂L/∂log ρ) f̃; ∂log α = −α²/4 + 1 + gᵀ (∂L/∂log α)
 * f̃, with ∂K_ij/∂log ρ = α² e^(−q_ij/2) q_ij, q_ij = (x_i − x_j)²/ρ², and ∂K_ij/∂log α =
 * 2α² e^(−q_ij/2). The derivative of the factor is forward-mode through the Cholesky recurrence
 * itself, for both directions at once: from L_jj² = K_jj − Σ_(m&lt;j) L_jm² and L_ij L_jj = K_ij −
 * Σ_(m&lt;j) L_im L_jm,
 *
 * <pre>
 *   dL_jj = (dK_jj − 2 Σ_(m&lt;j) L_jm dL_jm) / (2 L_jj),
 *   dL_ij = (dK_ij − Σ_(m&lt;j) (dL_im L_jm + L_im dL_jm) − L_ij dL_jj) / L_jj,
 * </pre>
 *
 * which is dL = L Φ(L⁻¹ dK L⁻ᵀ) (Φ: the lower triangle with its diagonal halved) evaluated without
 * forming L⁻¹: that matters here, because K is badly conditioned (neighbouring inputs are highly
 * correlated for ρ ≈ 5, so the jitter sets its smallest eigenvalues) and explicit solves with L
 * would amplify rounding by its condition number. The cost is O(N³) per evaluation.
 *
 * <p>Where K is not numerically positive definite (the Cholesky meets a non-positive pivot, e.g.
 * for α² beyond the double range or ρ so large that the jitter is lost against α²) or e^(f_i)
 * overflows, log p̃ is −∞, as Stan rejects such a point. Parameter names: log_rho, log_alpha,
 * f_tilde[1..N]. Immutable and thread-safe.
 */
public final class GpPoissonTarget implements Target {
  private static final long serialVersionUID = 1L;

  /** The diagonal jitter added to K, as in the posteriordb model. */
  public static final double JITTER = 1e-10;
  /** The Gamma prior of ρ: shape and rate. */
  private static final double RHO_SHAPE = 25;
  private static final double RHO_RATE = 4;
  /** 1/2² for α's half-normal prior. */
  private static final double ALPHA_PRECISION = 1.0 / 4;

  private final double[] x;
  private final int[] k;

  private GpPoissonTarget(double[] x, int[] k) {
    this.x = x;
    this.k = k;
  }

  /**
   * @param x the N ≥ 1 inputs, finite
   * @param k the N counts, each ≥ 0
   * @throws InvalidInputException naming the bad field and index (counted from 0)
   */
  public static GpPoissonTarget of(double[] x, int[] k) {
    if (x.length < 1) {
      throw new InvalidInputException("x must hold at least one input");
    }
    if (k.length != x.length) {
      throw new InvalidInputException("k has " + k.length + " values but x has " + x.length);
    }
    for (int i = 0; i < x.length; i++) {
      Checks.finite(x[i], "x[" + i + "]");
      if (k[i] < 0) {
        throw new InvalidInputException("k[" + i + "] must be a non-negative integer, got "
            + k[i]);
      }
    }
    return new GpPoissonTarget(x.clone(), k.clone());
  }

  /**
   * Reads posteriordb's gp_pois_regr {@code data.json}: N (≥ 1), x (N numbers) and k (N counts);
   * its field y is not used by the model and not read.
   *
   * @throws InvalidInputException naming the file and the field
   */
  public static GpPoissonTarget read(Path dataJson) {
    PosteriorDbData data = PosteriorDbData.read(dataJson, "gp-poisson");
    int n = data.integer("N", 1);
    double[] x = data.numbers("x", n, "N");
    int[] k = data.counts("k", n, "N");
    return data.build(() -> of(x, k));
  }

  @Override
  public int dim() {
    return x.length + 2;
  }

  @Override
  public String name() {
    return "gp-poisson";
  }

  @Override
  public List<String> parameterNames() {
    List<String> names = new ArrayList<>(dim());
    names.add("log_rho");
    names.add("log_alpha");
    for (int i = 1; i <= x.length; i++) {
      names.add("f_tilde[" + i + "]");
    }
    return names;
  }

  /** rho, alpha, f[1..N] = L(ρ, α)·f̃ with K = L Lᵀ (NaN when K cannot be factored). */
  @Override
  public List<String> constrainedNames() {
    List<String> names = new ArrayList<>(dim());
    names.add("rho");
    names.add("alpha");
    for (int i = 1; i <= x.length; i++) {
      names.add("f[" + i + "]");
    }
    return names;
  }

  @Override
  public void constrain(double[] z, double[] out) {
    int n = x.length;
    double rho = Math.exp(z[0]);
    double alpha2 = Math.exp(2 * z[1]);
    out[0] = rho;
    out[1] = Math.sqrt(alpha2);
    double[] l = new double[Cholesky.packedSize(n)];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double u = (x[i] - x[j]) / rho;
        l[Cholesky.packedIndex(i, j)] = alpha2 * Math.exp(-0.5 * u * u) + (i == j ? JITTER : 0);
      }
    }
    boolean factored = Cholesky.factor(l, 0, n);
    for (int i = 0; i < n; i++) {
      double f = 0;
      for (int j = 0; j <= i; j++) {
        f += l[Cholesky.packedIndex(i, j)] * z[2 + j];
      }
      out[2 + i] = factored ? f : Double.NaN;
    }
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    int n = x.length;
    double logRho = z[0];
    double logAlpha = z[1];
    double rho = Math.exp(logRho);
    double inverseRho = Math.exp(-logRho);
    double alpha2 = Math.exp(2 * logAlpha);
    if (alpha2 == Double.POSITIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    int size = Cholesky.packedSize(n);
    // The factor L and its derivatives along log ρ and log α, packed lower triangles; they
    // start as K, ∂K/∂log ρ and ∂K/∂log α and are overwritten row by row.
    double[] l = new double[size];
    double[] dRho = new double[size];
    double[] dAlpha = new double[size];
    kernelWithTangents(inverseRho, alpha2, l, dRho, dAlpha);
    if (!factorWithTangents(l, dRho, dAlpha)) {
      return Double.NEGATIVE_INFINITY;
    }
    return logPosterior(z, rho, alpha2, l, dRho, dAlpha, gradient);
  }

  /** K, ∂K/∂log ρ and ∂K/∂log α as packed lower triangles, into l, dRho and dAlpha. */
  private void kernelWithTangents(double inverseRho, double alpha2, double[] l, double[] dRho,
      double[] dAlpha) {
    int n = x.length;
    for (int i = 0; i < n; i++) {
      int row = Cholesky.packedIndex(i, 0);
      for (int j = 0; j < i; j++) {
        double u = PosteriorDbMath.times(x[i] - x[j], inverseRho);
        double q = u * u;
        double kij = alpha2 * Math.exp(-0.5 * q);
        l[row + j] = kij;
        dRho[row + j] = kij == 0 ? 0 : kij * q;
        dAlpha[row + j] = 2 * kij;
      }
      l[row + i] = alpha2 + JITTER;
      dRho[row + i] = 0;
      dAlpha[row + i] = 2 * alpha2;
    }
  }

  /**
   * Overwrites K with its Cholesky factor L and ∂K with ∂L along log ρ and log α (forward mode
   * through the recurrence); false when K is not numerically positive definite.
   */
  private boolean factorWithTangents(double[] l, double[] dRho, double[] dAlpha) {
    int n = x.length;
    for (int i = 0; i < n; i++) {
      int rowI = Cholesky.packedIndex(i, 0);
      for (int j = 0; j <= i; j++) {
        int rowJ = Cholesky.packedIndex(j, 0);
        double s = l[rowI + j];
        double sRho = dRho[rowI + j];
        double sAlpha = dAlpha[rowI + j];
        for (int m = 0; m < j; m++) {
          double lim = l[rowI + m];
          double ljm = l[rowJ + m];
          s -= lim * ljm;
          sRho -= dRho[rowI + m] * ljm + lim * dRho[rowJ + m];
          sAlpha -= dAlpha[rowI + m] * ljm + lim * dAlpha[rowJ + m];
        }
        if (i == j) {
          if (!(s > 0) || s == Double.POSITIVE_INFINITY) {
            return false;
          }
          double lii = Math.sqrt(s);
          l[rowI + i] = lii;
          dRho[rowI + i] = 0.5 * sRho / lii;
          dAlpha[rowI + i] = 0.5 * sAlpha / lii;
        } else {
          double ljj = l[rowJ + j];
          double lij = s / ljj;
          l[rowI + j] = lij;
          dRho[rowI + j] = (sRho - lij * dRho[rowJ + j]) / ljj;
          dAlpha[rowI + j] = (sAlpha - lij * dAlpha[rowJ + j]) / ljj;
        }
      }
    }
    return true;
  }

  /** log p̃ and its score from the factor L of K and its tangents, as in the class comment. */
  private double logPosterior(double[] z, double rho, double alpha2, double[] l, double[] dRho,
      double[] dAlpha, double[] gradient) {
    int n = x.length;
    double logRho = z[0];
    double logAlpha = z[1];
    double lp = RHO_SHAPE * logRho - RHO_RATE * rho - 0.5 * alpha2 * ALPHA_PRECISION + logAlpha;
    double gRho = RHO_SHAPE - RHO_RATE * rho;
    double gAlpha = -alpha2 * ALPHA_PRECISION + 1;
    for (int j = 0; j < n; j++) {
      double fTilde = z[2 + j];
      lp -= 0.5 * fTilde * fTilde;
      gradient[2 + j] = -fTilde;
    }
    for (int i = 0; i < n; i++) {
      int row = Cholesky.packedIndex(i, 0);
      double f = 0;
      double fRho = 0;
      double fAlpha = 0;
      for (int j = 0; j <= i; j++) {
        double fTilde = z[2 + j];
        f += l[row + j] * fTilde;
        fRho += dRho[row + j] * fTilde;
        fAlpha += dAlpha[row + j] * fTilde;
      }
      double rate = Math.exp(f);
      double g = k[i] - rate;
      lp += k[i] * f - rate;
      gRho += g * fRho;
      gAlpha += g * fAlpha;
      for (int j = 0; j <= i; j++) {
        gradient[2 + j] += l[row + j] * g;
      }
    }
    if (lp == Double.NEGATIVE_INFINITY) {
      return lp;
    }
    gradient[0] = gRho;
    gradient[1] = gAlpha;
    return PosteriorDbMath.checked(this, lp, z);
  }

  @Override
  public String toString() {
    return "gp-poisson(N=" + x.length + ")";
  }

  private Object readResolve() throws ObjectStreamException {
    return of(x, k);
  }
}
