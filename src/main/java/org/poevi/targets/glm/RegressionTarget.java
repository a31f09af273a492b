package org.poevi.targets.glm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.poevi.math.ExactSum;
import org.poevi.targets.BatchTarget;
import org.poevi.targets.TargetEvaluationException;

/**
 * A Bayesian regression with independent priors ({@link Prior}) on the intercept (the design's
 * first column, when it has one), on each coefficient and, for the linear model, on the noise
 * scale ({@link Family}):
 *
 * <ul>
 *   <li>linear, y_i ~ N(x_iᵀβ, σ²), with u = log σ a parameter: log lik = −e^{−2u}·Σ_i r_i²/2
 *       − N·u (r = y − Xβ; the constant −(N/2) log 2π is left out), whose gradient is
 *       e^{−2u}·Xᵀr in β and e^{−2u}·Σ r_i² − N in u;
 *   <li>logistic, y_i ~ Bernoulli(σ(x_iᵀβ));
 *   <li>Poisson, y_i ~ Poisson(exp(x_iᵀβ)) (without the constant −Σ log y_i!).
 * </ul>
 *
 * The likelihood is a sum over the rows of a {@link RowData}, which may live on Spark executors:
 * one batch of points is one pass over the data (SPEC §6, data-parallel), and the prior (and for
 * the linear model the scaling by σ) is applied here.
 *
 * <p>Parameters: {@code intercept} (if any), then {@code beta[1]}..{@code beta[P]}, then
 * {@code log_sigma} for the linear model.
 */
public final class RegressionTarget implements BatchTarget {
  private static final long serialVersionUID = 1L;

  /** The likelihood: its target type name, its kernel and the responses it accepts. */
  public enum Family {
    LINEAR("linear-regression", DataFile.ResponseKind.REAL),
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
      return switch (this) {
        case LINEAR -> new GaussianLikelihood(dim);
        case LOGISTIC -> new LogisticLikelihood(dim);
        case POISSON -> new PoissonLikelihood(dim);
      };
    }

    /** Whether the model has a noise scale σ (the parameter log_sigma, last). */
    public boolean hasScale() {
      return this == LINEAR;
    }
  }

  public static final Prior DEFAULT_PRIOR = Prior.normal(0, 2.5);

  private final transient RowData data;
  private final boolean intercept;
  private final Prior[] priors;
  private final Family family;
  private final GlmLikelihood likelihood;
  /** Columns of the design matrix. */
  private final int columns;
  private final int dim;
  private final double[] truth;
  /** The parameters' names, or null for intercept, beta[j], log_sigma. */
  private final List<String> names;

  /** A logistic or Poisson regression with one prior for every coefficient. */
  public RegressionTarget(Family family, RowData data, boolean intercept, Prior interceptPrior,
      Prior coefficientPrior) {
    this(family, data, intercept, interceptPrior, coefficientPrior, null);
  }

  /** @param truth the coefficients that generated synthetic data (null when unknown) */
  public RegressionTarget(Family family, RowData data, boolean intercept, Prior interceptPrior,
      Prior coefficientPrior, double[] truth) {
    this(family, data, intercept, uniform(data.columns(), intercept, interceptPrior,
        coefficientPrior), truth);
  }

  /**
   * @param priors one per parameter, in parameter order (the intercept's first if there is one,
   *     and for the linear model the scale prior on log σ last)
   * @param truth the coefficients that generated synthetic data (null when unknown)
   */
  public RegressionTarget(Family family, RowData data, boolean intercept, Prior[] priors,
      double[] truth) {
    this(family, data, intercept, priors, truth, null);
  }

  /**
   * As above, with the parameters named {@code names} (e.g. after a DataFrame's features), or
   * null for the default names: intercept, beta[1..P], log_sigma.
   */
  public RegressionTarget(Family family, RowData data, boolean intercept, Prior[] priors,
      double[] truth, List<String> names) {
    this.names = names == null ? null : List.copyOf(names);
    this.family = family;
    this.truth = truth == null ? null : truth.clone();
    this.data = data;
    this.intercept = intercept;
    this.columns = data.columns();
    this.dim = columns + (family.hasScale() ? 1 : 0);
    if (priors.length != dim) {
      throw new IllegalArgumentException(priors.length + " priors for " + dim + " parameters");
    }
    this.priors = priors.clone();
    this.likelihood = family.likelihood(columns);
    if (this.names != null && this.names.size() != dim) {
      throw new IllegalArgumentException(this.names.size() + " names for " + dim
          + " parameters");
    }
  }

  private static Prior[] uniform(int columns, boolean intercept, Prior interceptPrior,
      Prior coefficientPrior) {
    Prior[] priors = new Prior[columns];
    Arrays.fill(priors, coefficientPrior);
    if (intercept) {
      priors[0] = interceptPrior;
    }
    return priors;
  }

  /** The coefficients that generated the data, for synthetic data; empty otherwise. */
  public java.util.Optional<double[]> truth() {
    return java.util.Optional.ofNullable(truth).map(double[]::clone);
  }

  /** The likelihood's slow path on this JVM, if it takes one ({@link GlmLikelihood#slowPath}). */
  @Override
  public List<String> warnings() {
    return likelihood.slowPath().stream().toList();
  }

  public RowData data() {
    return data;
  }

  /** The prior of every parameter, in parameter order. */
  public List<Prior> priors() {
    return List.of(priors);
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

  /**
   * This posterior (the same rows and priors) with its parameters named {@code names}, e.g.
   * after its data file's predictor columns: intercept, the columns, log_sigma.
   */
  public RegressionTarget named(List<String> names) {
    return new RegressionTarget(family, data, intercept, priors, truth, names);
  }

  @Override
  public List<String> parameterNames() {
    if (this.names != null) {
      return this.names;
    }
    List<String> names = new ArrayList<>(dim);
    if (intercept) {
      names.add("intercept");
    }
    for (int j = 1; names.size() < columns; j++) {
      names.add("beta[" + j + "]");
    }
    if (family.hasScale()) {
      names.add("log_sigma");
    }
    return names;
  }

  @Override
  public List<String> constrainedNames() {
    List<String> names = new ArrayList<>(parameterNames());
    if (family.hasScale()) {
      names.set(columns, "sigma");
    }
    return names;
  }

  @Override
  public void constrain(double[] z, double[] out) {
    System.arraycopy(z, 0, out, 0, dim);
    if (family.hasScale()) {
      out[columns] = Math.exp(z[columns]);
    }
  }

  /**
   * Points per pass over the data (a multiple of the kernel's tile, so the bits do not depend on
   * the split): bounds each block's result to MAX_PASS·(D + 1) numbers. With exact sums (whose
   * bits never depend on the split), as many as keep each block's accumulators to about 2²⁰.
   */
  static final int MAX_PASS = 8 * GlmLikelihood.TILE;

  private int pass() {
    return data.exact() ? Math.max(1, (1 << 20) / ((columns + 1) * ExactSum.CHUNKS)) : MAX_PASS;
  }

  @Override
  public void logDensities(double[] points, int n, double[] logDensity, double[] scores) {
    int pass = pass();
    for (int from = 0; from < n; from += pass) {
      int m = Math.min(pass, n - from);
      double[] part = part(points, n, from, m);
      double[] sums = data.sums(likelihood, coefficients(part, m), m);
      if (family.hasScale()) {
        sums = NoiseScale.apply(part, m, sums, columns, data.weightSum());
      }
      addPrior(part, m, sums, from, logDensity, scores);
    }
  }

  /**
   * The values alone: a pass of {@link GlmLikelihood#values} (no Xᵀr), then the noise scale and
   * the prior as in {@link #logDensities}: the same values, bit for bit.
   */
  @Override
  public void logDensityValues(double[] points, int n, double[] logDensity) {
    double weights = data.weightSum();
    int pass = pass();
    for (int from = 0; from < n; from += pass) {
      int m = Math.min(pass, n - from);
      double[] part = part(points, n, from, m);
      double[] sums = data.sums(likelihood.values(), coefficients(part, m), m, columns);
      for (int b = 0; b < m; b++) {
        double lp = sums[b];
        if (family.hasScale()) {
          double u = part[b * dim + columns];
          lp = Math.exp(-2 * u) * lp - weights * u;
        }
        for (int d = 0; d < dim; d++) {
          lp += priors[d].logDensity(part[b * dim + d]);
        }
        if (!Double.isFinite(lp)) {
          throw notFinite(from + b, part, b, lp);
        }
        logDensity[from + b] = lp;
      }
    }
  }

  /**
   * Points per pass of {@link #hessians}: bounds each block's result to about 2²⁰ numbers
   * (n·D² of them).
   */
  private int hessianPass() {
    return Math.max(1, (1 << 20) / (columns * columns * (data.exact() ? ExactSum.CHUNKS : 1)));
  }

  /**
   * The likelihood's Hessian from one pass over the rows for all points ({@link GlmHessian}:
   * Xᵀ diag(w ⊙ ℓ''(η)) X), plus the priors' second derivatives. For the linear model, with
   * log lik = e^{−2u}·S(β) − N·u: ∂²/∂β² = −e^{−2u}·XᵀWX (one pass, the same at every point),
   * ∂²/∂β∂u = −2e^{−2u}·Xᵀr and ∂²/∂u² = 4e^{−2u}·S (a pass of the value and gradient sums).
   */
  @Override
  public boolean hessians(double[] points, int n, double[] out) {
    int pass = hessianPass();
    GlmHessian kernel = new GlmHessian(family, columns);
    double[] gram = family.hasScale() ? data.sums(kernel, new double[columns], 1, columns) : null;
    for (int from = 0; from < n; from += pass) {
      int m = Math.min(pass, n - from);
      double[] part = Arrays.copyOfRange(points, from * dim, (from + m) * dim);
      if (family.hasScale()) {
        double[] sums = data.sums(likelihood, coefficients(part, m), m);
        NoiseScale.hessians(part, m, sums, gram, out, from, columns);
      } else {
        double[] h = data.sums(kernel, part, m, columns);
        System.arraycopy(h, 0, out, from * dim * dim, m * dim * dim);
      }
    }
    for (int b = 0; b < n; b++) {
      for (int d = 0; d < dim; d++) {
        out[(b * dim + d) * dim + d] += priorCurvature(priors[d], points[b * dim + d]);
      }
    }
    return true;
  }

  /**
   * d²/dx² log prior, by a central difference of its score (step 1e-5·max(1, |x|): error about
   * 1e-10 relative for these smooth one-dimensional densities; no data involved).
   */
  static double priorCurvature(Prior prior, double x) {
    double h = 1e-5 * Math.max(1, Math.abs(x));
    return (prior.score(x + h) - prior.score(x - h)) / (2 * h);
  }

  /** The coefficient part of m points: the points themselves unless there is a scale. */
  private double[] coefficients(double[] points, int m) {
    if (!family.hasScale()) {
      return points;
    }
    double[] beta = new double[m * columns];
    for (int b = 0; b < m; b++) {
      System.arraycopy(points, b * dim, beta, b * columns, columns);
    }
    return beta;
  }

  /** Points from..from+m of a batch of n (the batch itself when that is all of it). */
  private double[] part(double[] points, int n, int from, int m) {
    return from == 0 && m == n ? points : Arrays.copyOfRange(points, from * dim, (from + m) * dim);
  }

  /** log p̃ and its score at points from..from+m: the likelihood sums plus the prior. */
  private void addPrior(double[] points, int n, double[] sums, int from, double[] logDensity,
      double[] scores) {
    for (int b = 0; b < n; b++) {
      double lp = sums[b];
      for (int d = 0; d < dim; d++) {
        double z = points[b * dim + d];
        Prior prior = priors[d];
        lp += prior.logDensity(z);
        scores[(from + b) * dim + d] = sums[n + b * dim + d] + prior.score(z);
      }
      logDensity[from + b] = lp;
      boolean finite = Double.isFinite(lp);
      for (int d = 0; d < dim && finite; d++) {
        finite = Double.isFinite(scores[(from + b) * dim + d]);
      }
      if (!finite) {
        throw notFinite(from + b, points, b, lp);
      }
    }
  }

  /** The error for sample {@code sample}, point b of {@code points}, where p̃ is not finite. */
  private TargetEvaluationException notFinite(int sample, double[] points, int b, double lp) {
    return new TargetEvaluationException("target " + name() + " is not finite at sample "
        + sample + " " + Arrays.toString(Arrays.copyOfRange(points, b * dim, (b + 1) * dim))
        + " (log density " + lp + ")");
  }

  @Override
  public void stage(String description) {
    data.stage(description);
  }
}
