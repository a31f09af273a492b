package org.poevi.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.poevi.family.FittedModel;
import org.poevi.targets.glm.RegressionTarget;

/**
 * A fitted Bayesian regression: the posterior (the fitted family, on the original scale of the
 * features, as model.json holds it), its summary (summary.json's content), the posterior means
 * of the coefficients and the intercept, draws as a DataFrame, and {@link #transform}: the
 * posterior predictive of E[y | x] per row, computed on the executors from
 * {@code predictiveDraws} posterior draws broadcast once. Saved with Spark ML's metadata and
 * model.json ({@link RegressionModelFiles}).
 *
 * @param <M> the model itself
 */
public abstract class BayesianRegressionModel<M extends BayesianRegressionModel<M>>
    extends Model<M> implements PredictiveParams<M>, MLWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final FittedModel posterior;
  private final String summaryJson;
  private final RegressionParams.Shared shared;

  /**
   * @param posterior the fitted family on the original scale
   * @param summaryJson summary.json's text
   */
  protected BayesianRegressionModel(String uid, FittedModel posterior, String summaryJson) {
    this.uid = uid;
    this.posterior = posterior;
    this.summaryJson = summaryJson;
    shared = new RegressionParams.Shared(this);
    shared.setDefaults(this);
  }

  /** The regression's likelihood. */
  abstract RegressionTarget.Family family();

  /** A model of the same class with this one's posterior, named {@code uid}. */
  abstract M with(String uid, FittedModel posterior, String summaryJson);

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public RegressionParams.Shared sharedParams() {
    return shared;
  }

  /**
   * The posterior: the fitted family on the original scale (model.json's content), as {@code
   * PoeviFit.fittedModel()}.
   */
  public FittedModel fittedModel() {
    return posterior;
  }

  /** summary.json's content: per-parameter mean, sd, MCSE, quantiles; the fit's diagnostics. */
  public ObjectNode summary() {
    return Posteriors.summary(uid, summaryJson);
  }

  String summaryJson() {
    return summaryJson;
  }

  /** Whether the posterior has an intercept (its first parameter). */
  public boolean hasIntercept() {
    return posterior.parameters().get(0).equals("intercept");
  }

  /** The posterior mean of the intercept (0 without one). */
  public double intercept() {
    return hasIntercept() ? mean("intercept") : 0;
  }

  /** The posterior means of the coefficients, in the features' order. */
  public Vector coefficients() {
    List<String> names = posterior.parameters();
    int first = hasIntercept() ? 1 : 0;
    int last = names.size() - (family().hasScale() ? 1 : 0);
    double[] means = new double[last - first];
    for (int j = first; j < last; j++) {
      means[j - first] = mean(names.get(j));
    }
    return Vectors.dense(means);
  }

  private double mean(String parameter) {
    JsonNode node = summary().path("parameters").path(parameter).path("mean");
    if (!node.isNumber()) {
      throw new IllegalStateException("summary.json has no mean of " + parameter);
    }
    return node.asDouble();
  }

  /** As below, on the active SparkSession. */
  public Dataset<Row> draws(int n, long drawSeed) {
    return draws(n, drawSeed, org.apache.spark.sql.SparkSession.active());
  }

  /**
   * {@code n} draws of the posterior as a DataFrame with one column per parameter (the
   * unconstrained scale: log_sigma for the linear model) and lq__, on {@code dataset}'s session.
   */
  public Dataset<Row> draws(int n, long drawSeed, org.apache.spark.sql.SparkSession session) {
    return Posteriors.draws(posterior, n, drawSeed, session);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    return Predictive.of(this).transform(dataset.toDF(), this);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return Predictive.schema(this, schema);
  }

  @Override
  public M copy(ParamMap extra) {
    M copy = with(uid, posterior, summaryJson);
    copyValues(copy, extra);
    return copy.setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new RegressionModelFiles.Writer(this, posterior, summaryJson);
  }
}
