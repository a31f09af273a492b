package org.poevi.ml;

import java.util.Arrays;
import java.util.List;
import org.poevi.targets.BatchTarget;
import org.poevi.targets.TargetEvaluationException;
import org.poevi.targets.glm.RowBlock;
import org.poevi.targets.glm.RowData;
import org.poevi.targets.glm.RowLikelihood;

/**
 * A user's {@link RowModel} over rows (cached on Spark executors or in memory) as the posterior
 * the fit works on: log p̃(z) = log prior(z) + Σ_rows log lik(row | z), the likelihood summed
 * over the rows' blocks in the fixed order of {@link RowData#sums} (one pass per batch of
 * points), the prior added on the driver. A value of −∞ is kept (its gradient set to 0); NaN,
 * +∞ or a non-finite gradient at a finite value is a {@link TargetEvaluationException} naming
 * the parameter and the point, and an exception of the model names its rows.
 */
final class RowModelTarget implements BatchTarget {
  private static final long serialVersionUID = 1L;
  /** Points per pass over the rows: bounds each block's result to MAX_PASS·(D + 1) numbers. */
  static final int MAX_PASS = 4096;

  private final RowModel model;
  private final transient RowData data;
  private final List<String> names;
  private final int dim;
  private final RowLikelihood likelihood;

  /** @param names the model's parameter names for these rows' features */
  RowModelTarget(RowModel model, RowData data, List<String> names) {
    this.model = model;
    this.data = data;
    this.names = List.copyOf(names);
    this.dim = names.size();
    this.likelihood = new Guarded(model);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public String name() {
    return model.getClass().getSimpleName();
  }

  @Override
  public List<String> parameterNames() {
    return names;
  }

  @Override
  public void logDensities(double[] points, int n, double[] logDensity, double[] scores) {
    for (int from = 0; from < n; from += MAX_PASS) {
      int m = Math.min(MAX_PASS, n - from);
      double[] part = from == 0 && m * dim == points.length ? points
          : Arrays.copyOfRange(points, from * dim, (from + m) * dim);
      double[] sums = data.sums(likelihood, part, m, dim);
      double[] z = new double[dim];
      double[] prior = new double[dim];
      for (int b = 0; b < m; b++) {
        System.arraycopy(part, b * dim, z, 0, dim);
        Arrays.fill(prior, 0);
        double logPrior = logPrior(z, prior);
        double lp = sums[b] + logPrior;
        int at = (from + b) * dim;
        for (int d = 0; d < dim; d++) {
          scores[at + d] = sums[m + b * dim + d] + prior[d];
        }
        logDensity[from + b] = lp;
        check(lp, sums[b], logPrior, sums, m + b * dim, prior, z);
        if (lp == Double.NEGATIVE_INFINITY) {
          Arrays.fill(scores, at, at + dim, 0);
        }
      }
    }
  }

  private double logPrior(double[] z, double[] gradient) {
    try {
      return model.logPrior(z, gradient);
    } catch (RuntimeException e) {
      throw new TargetEvaluationException("logPrior failed at " + point(names, z, 0) + ": "
          + e, e);
    }
  }

  /** Throws unless lp is finite with a finite gradient, or −∞. */
  private void check(double lp, double logLik, double logPrior, double[] sums, int at,
      double[] prior, double[] z) {
    if (Double.isNaN(lp) || lp == Double.POSITIVE_INFINITY) {
      throw new TargetEvaluationException("the log density is " + lp + " (log prior "
          + logPrior + ", log likelihood " + logLik + ") at " + point(names, z, 0));
    }
    if (lp == Double.NEGATIVE_INFINITY) {
      return;
    }
    for (int d = 0; d < dim; d++) {
      boolean likelihoodBad = !Double.isFinite(sums[at + d]);
      if (likelihoodBad || !Double.isFinite(prior[d])) {
        throw new TargetEvaluationException("the gradient of the log "
            + (likelihoodBad ? "likelihood" : "prior") + " in " + names.get(d) + " is "
            + (likelihoodBad ? sums[at + d] : prior[d]) + " at " + point(names, z, 0));
      }
    }
  }

  /** (name=value, ...) of the point at {@code offset} of {@code points}. */
  static String point(List<String> names, double[] points, int offset) {
    StringBuilder s = new StringBuilder("(");
    for (int d = 0; d < names.size(); d++) {
      s.append(d == 0 ? "" : ", ").append(names.get(d)).append('=').append(points[offset + d]);
    }
    return s.append(')').toString();
  }

  /** The model's likelihood, whose exceptions on an executor name the block's rows. */
  private static final class Guarded implements RowLikelihood {
    private static final long serialVersionUID = 1L;
    private final RowModel model;

    Guarded(RowModel model) {
      this.model = model;
    }

    @Override
    public Workspace workspace() {
      return model.workspace();
    }

    @Override
    public void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace) {
      try {
        model.add(block, points, n, out, workspace);
      } catch (RuntimeException e) {
        throw new TargetEvaluationException("the log likelihood failed on rows "
            + (block.firstRow() + 1) + ".." + (block.firstRow() + block.rows()) + ": " + e, e);
      }
    }
  }
}
