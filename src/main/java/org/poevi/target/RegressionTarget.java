package org.poevi.target;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Bayesian regression with independent priors ({@link Prior}) on the intercept (the design's
 * first column, when it has one) and on the coefficients: logistic, y_i ~ Bernoulli(σ(x_iᵀβ)), or
 * Poisson, y_i ~ Poisson(exp(x_iᵀβ)) ({@link Family}). The likelihood
 * is a sum over the rows of a {@link RowData}, which may live on Spark executors: one batch of
 * points is one pass over the data (SPEC §6, data-parallel), and the prior is added here.
 *
 * <p>Parameters: {@code intercept} (if any), then {@code beta[1]}..{@code beta[P]}.
 */
public final class RegressionTarget implements BatchTarget {
  private static final long serialVersionUID = 1L;

  /** The likelihood: its target type name, its kernel and the responses it accepts. */
  public enum Family {
    LOGISTIC("logistic-regression", DataFile.ResponseKind.BINARY),
    POISSON("poisson-regression", DataFile.ResponseKind.COUNT);

    private final String type;
    private final DataFile.ResponseKind response;

    Family(String type, DataFile.ResponseKind response) {
      this.type = type;
      this.response = response;
    }

    /** target.type. */
    public String type() {
      return type;
    }

    public DataFile.ResponseKind response() {
      return response;
    }

    GlmLikelihood likelihood(int dim) {
      return this == LOGISTIC ? new LogisticLikelihood(dim) : new PoissonLikelihood(dim);
    }
  }

  public static final Prior DEFAULT_PRIOR = Prior.normal(0, 2.5);

  private final transient RowData data;
  private final boolean intercept;
  private final Prior interceptPrior;
  private final Prior coefficientPrior;
  private final Family family;
  private final GlmLikelihood likelihood;
  private final int dim;
  private final double[] truth;

  public RegressionTarget(Family family, RowData data, boolean intercept, Prior interceptPrior,
      Prior coefficientPrior) {
    this(family, data, intercept, interceptPrior, coefficientPrior, null);
  }

  /** @param truth the coefficients that generated synthetic data (null when unknown) */
  public RegressionTarget(Family family, RowData data, boolean intercept, Prior interceptPrior,
      Prior coefficientPrior, double[] truth) {
    this.family = family;
    this.truth = truth == null ? null : truth.clone();
    this.data = data;
    this.intercept = intercept;
    this.interceptPrior = interceptPrior;
    this.coefficientPrior = coefficientPrior;
    this.dim = data.columns();
    this.likelihood = family.likelihood(dim);
  }

  /** The coefficients that generated the data, for synthetic data; empty otherwise. */
  public java.util.Optional<double[]> truth() {
    return java.util.Optional.ofNullable(truth).map(double[]::clone);
  }

  public RowData data() {
    return data;
  }

  public Prior interceptPrior() {
    return interceptPrior;
  }

  public Prior coefficientPrior() {
    return coefficientPrior;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public String name() {
    return family.type();
  }

  public Family family() {
    return family;
  }

  @Override
  public List<String> parameterNames() {
    List<String> names = new ArrayList<>(dim);
    if (intercept) {
      names.add("intercept");
    }
    for (int j = 1; names.size() < dim; j++) {
      names.add("beta[" + j + "]");
    }
    return names;
  }

  private Prior prior(int d) {
    return intercept && d == 0 ? interceptPrior : coefficientPrior;
  }

  /**
   * Points per pass over the data (a multiple of the kernel's tile, so the bits do not depend on
   * the split): bounds each block's result to MAX_PASS·(D + 1) numbers.
   */
  static final int MAX_PASS = 8 * GlmLikelihood.TILE;

  @Override
  public void logDensities(double[] points, int n, double[] logDensity, double[] scores) {
    for (int from = 0; from < n; from += MAX_PASS) {
      int m = Math.min(MAX_PASS, n - from);
      double[] part = from == 0 && m == n ? points
          : java.util.Arrays.copyOfRange(points, from * dim, (from + m) * dim);
      double[] sums = data.sums(likelihood, part, m);
      addPrior(part, m, sums, from, logDensity, scores);
    }
  }

  /** log p̃ and its score at points from..from+m: the likelihood sums plus the prior. */
  private void addPrior(double[] points, int n, double[] sums, int from, double[] logDensity,
      double[] scores) {
    for (int b = 0; b < n; b++) {
      double lp = sums[b];
      for (int d = 0; d < dim; d++) {
        double z = points[b * dim + d];
        Prior prior = prior(d);
        lp += prior.logDensity(z);
        scores[(from + b) * dim + d] = sums[n + b * dim + d] + prior.score(z);
      }
      logDensity[from + b] = lp;
      boolean finite = Double.isFinite(lp);
      for (int d = 0; d < dim && finite; d++) {
        finite = Double.isFinite(scores[(from + b) * dim + d]);
      }
      if (!finite) {
        throw new TargetEvaluationException("target " + name() + " is not finite at sample "
            + (from + b)
            + " " + Arrays.toString(Arrays.copyOfRange(points, b * dim, (b + 1) * dim))
            + " (log density " + lp + ")");
      }
    }
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    double[] lp = new double[1];
    logDensities(z, 1, lp, gradient);
    return lp[0];
  }

  @Override
  public void stage(String description) {
    data.stage(description);
  }
}
