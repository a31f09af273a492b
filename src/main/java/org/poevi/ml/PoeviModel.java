package org.poevi.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.poevi.InvalidInputException;
import org.poevi.family.FittedModel;

/**
 * A fitted {@link PoeviEstimator}: the posterior of the user's model (the fitted family,
 * model.json's content, readable by {@code poevi sample} and {@code poevi evaluate}), its
 * summary (summary.json's content) and draws as a DataFrame. It keeps the estimator's Params
 * (modelClass, modelOptions, the columns, seed, config) as a record of the fit.
 *
 * <p>{@link #transform} returns the DataFrame unchanged: poevi does not know what the user's
 * model predicts, so in a Pipeline the stage passes the rows on (as a Pipeline's last stage it
 * fits the posterior, which {@code pipelineModel.stages()} gives). Predictions are the model's
 * own business, from {@link #draws} (e.g. joined to the rows, or broadcast to a UDF).
 *
 * <p>Saved with Spark ML's metadata, model.json and summary.json ({@link RegressionModelFiles});
 * {@link #load} reads it back, and so do {@code Pipeline} and {@code PipelineModel}.
 */
public final class PoeviModel extends Model<PoeviModel>
    implements RowModelParams<PoeviModel>, MLWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final RowModelParams.Shared params;
  private final FittedModel posterior;
  private final String summaryJson;

  /**
   * @param posterior the fitted family
   * @param summaryJson summary.json's text
   */
  PoeviModel(String uid, FittedModel posterior, String summaryJson) {
    this.uid = uid;
    params = new RowModelParams.Shared(this);
    this.posterior = posterior;
    this.summaryJson = summaryJson;
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public RowModelParams.Shared rowModelParams() {
    return params;
  }

  /** The posterior: the fitted family (model.json's content), as {@code PoeviFit.fittedModel()}. */
  public FittedModel fittedModel() {
    return posterior;
  }

  /** The parameters' names (the unconstrained scale), as the model named them. */
  public List<String> parameterNames() {
    return posterior.parameters();
  }

  /** summary.json's content: per-parameter mean, sd, MCSE, quantiles; the fit's diagnostics. */
  public ObjectNode summary() {
    return Posteriors.summary(uid, summaryJson);
  }

  /** The posterior mean of one parameter (summary.json's). */
  public double posteriorMean(String parameter) {
    JsonNode node = summary().path("parameters").path(parameter).path("mean");
    if (!node.isNumber()) {
      throw new InvalidInputException("posteriorMean: no parameter \"" + parameter + "\" (the"
          + " parameters: " + String.join(", ", parameterNames()) + ")");
    }
    return node.asDouble();
  }

  /** As below, on the active SparkSession. */
  public Dataset<Row> draws(int n, long drawSeed) {
    return draws(n, drawSeed, SparkSession.active());
  }

  /**
   * {@code n} draws of the posterior as a DataFrame: one column per parameter (the
   * unconstrained scale), then lq__ (log q at the draw).
   */
  public Dataset<Row> draws(int n, long drawSeed, SparkSession session) {
    return Posteriors.draws(posterior, n, drawSeed, session);
  }

  /** The rows as they are (no predictive: see the class comment). */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    return dataset.toDF();
  }

  /** The schema as it is: transform adds no column. */
  @Override
  public StructType transformSchema(StructType schema) {
    return schema;
  }

  @Override
  public PoeviModel copy(ParamMap extra) {
    PoeviModel copy = new PoeviModel(uid, posterior, summaryJson);
    copyValues(copy, extra);
    return copy.setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new RegressionModelFiles.Writer(this, posterior, summaryJson);
  }

  public static MLReader<PoeviModel> read() {
    return new RegressionModelFiles.Reader<>(PoeviModel.class, PoeviModel::new);
  }

  public static PoeviModel load(String path) {
    return read().load(path);
  }
}
