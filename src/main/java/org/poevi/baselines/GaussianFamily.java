package org.poevi.baselines;

/**
 * ADVI's variational family: how N(μ, Σ) is parameterised by its scale part θ (after μ), drawn
 * by reparameterisation z = μ + T_θ(ε), and differentiated. Full rank: θ = L (row-major, lower
 * triangular), Σ = LLᵀ. Mean field: θ = ω, Σ = diag(e^{2ω}). ADVI is written once against this
 * (blackjax's meanfield_vi and fullrank_vi share one ELBO step the same way).
 */
sealed interface GaussianFamily permits GaussianFamily.FullRank, GaussianFamily.MeanField {
  /** Numbers in θ for dimension D. */
  int size(int dim);

  /** θ of N(0, I). */
  double[] identity(int dim);

  /** z = μ + T_θ(ε) for one draw: ε and z from offset {@code off}. */
  void place(double[] mu, double[] theta, double[] eps, double[] z, int off);

  /**
   * Adds the ELBO's gradient in θ from m draws into {@code grad[dim ...]}: the reparameterised
   * expectation term (scores over m) and the entropy's gradient.
   */
  void addGradient(double[] grad, double[] scores, double[] eps, double[] theta, int m);

  /** Whether entry p of θ is a free parameter (the upper triangle of L is not). */
  boolean isFree(int p, int dim);

  /** H(q) = D/2·(1 + log 2π) + Σ log|L_ii| (or + Σ ω_i), summed in that order. */
  double entropy(double[] theta, int dim);

  /** Σ, row-major D×D. */
  double[] covariance(double[] theta, int dim);

  /** Σ = LLᵀ with L lower triangular (Kucukelbir et al.'s full-rank ADVI). */
  record FullRank() implements GaussianFamily {
    @Override
    public int size(int dim) {
      return dim * dim;
    }

    @Override
    public double[] identity(int dim) {
      double[] l = new double[dim * dim];
      for (int d = 0; d < dim; d++) {
        l[d * dim + d] = 1;
      }
      return l;
    }

    @Override
    public void place(double[] mu, double[] theta, double[] eps, double[] z, int off) {
      int dim = mu.length;
      for (int i = 0; i < dim; i++) {
        double v = mu[i];
        for (int j = 0; j <= i; j++) {
          v += theta[i * dim + j] * eps[off + j];
        }
        z[off + i] = v;
      }
    }

    @Override
    public void addGradient(double[] grad, double[] scores, double[] eps, double[] theta,
        int m) {
      int dim = grad.length - theta.length;
      for (int b = 0; b < m; b++) {
        for (int i = 0; i < dim; i++) {
          double g = scores[b * dim + i] / m;
          for (int j = 0; j <= i; j++) {
            grad[dim + i * dim + j] += g * eps[b * dim + j];
          }
        }
      }
      for (int i = 0; i < dim; i++) {
        grad[dim + i * dim + i] += 1 / theta[i * dim + i];
      }
    }

    @Override
    public boolean isFree(int p, int dim) {
      return p % dim <= p / dim;
    }

    @Override
    public double entropy(double[] theta, int dim) {
      double entropy = 0.5 * dim * (1 + Math.log(2 * Math.PI));
      for (int i = 0; i < dim; i++) {
        entropy += Math.log(Math.abs(theta[i * dim + i]));
      }
      return entropy;
    }

    @Override
    public double[] covariance(double[] theta, int dim) {
      double[] s = new double[dim * dim];
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j <= i; j++) {
          double v = 0;
          for (int k = 0; k <= j; k++) {
            v += theta[i * dim + k] * theta[j * dim + k];
          }
          s[i * dim + j] = v;
          s[j * dim + i] = v;
        }
      }
      return s;
    }
  }

  /** Σ = diag(e^{2ω}) (mean-field ADVI). */
  record MeanField() implements GaussianFamily {
    @Override
    public int size(int dim) {
      return dim;
    }

    @Override
    public double[] identity(int dim) {
      return new double[dim];
    }

    @Override
    public void place(double[] mu, double[] theta, double[] eps, double[] z, int off) {
      for (int i = 0; i < mu.length; i++) {
        z[off + i] = mu[i] + Math.exp(theta[i]) * eps[off + i];
      }
    }

    @Override
    public void addGradient(double[] grad, double[] scores, double[] eps, double[] theta,
        int m) {
      int dim = theta.length;
      for (int b = 0; b < m; b++) {
        for (int i = 0; i < dim; i++) {
          double g = scores[b * dim + i] / m;
          grad[dim + i] += g * eps[b * dim + i] * Math.exp(theta[i]);
        }
      }
      for (int i = 0; i < dim; i++) {
        grad[dim + i] += 1;
      }
    }

    @Override
    public boolean isFree(int p, int dim) {
      return true;
    }

    @Override
    public double entropy(double[] theta, int dim) {
      double entropy = 0.5 * dim * (1 + Math.log(2 * Math.PI));
      for (int i = 0; i < dim; i++) {
        entropy += theta[i];
      }
      return entropy;
    }

    @Override
    public double[] covariance(double[] theta, int dim) {
      double[] s = new double[dim * dim];
      for (int i = 0; i < dim; i++) {
        s[i * dim + i] = Math.exp(2 * theta[i]);
      }
      return s;
    }
  }
}
