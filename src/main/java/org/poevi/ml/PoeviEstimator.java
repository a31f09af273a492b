package org.poevi.ml;

import java.util.Arrays;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.poevi.InvalidInputException;

/**
 * The posterior of a user's own model over any DataFrame, as a spark.ml Estimator: the class
 * named by {@code modelClass} (a {@link RowModel}: its parameter names, log prior and blocked
 * log likelihood, docs/user-targets.md), made with {@code modelOptions}, fitted by poevi (the
 * product of experts by default, or any {@code fit.method} through the {@code config} Param)
 * over every row's label ({@code labelCol}, any finite number), features ({@code featuresCol},
 * an ML vector) and, when set, weight and offset. The rows go into blocks cached on the
 * executors, never through the driver; the result does not depend on the partitioning.
 *
 * <pre>
 *   PoeviModel model = new PoeviEstimator()
 *       .setModelClass("com.example.RobustRowModel").setModelOptions("dof = 4")
 *       .setFeaturesCol("features").setLabelCol("y").setSeed(7).fit(frame);
 *   model.summary();            // summary.json: per-parameter mean, sd, MCSE, quantiles
 *   model.draws(1000, 1);       // a DataFrame of posterior draws
 *   model.write().save(dir);    // metadata + model.json + summary.json
 * </pre>
 *
 * <p>The model's class (and its jar) must be on the classpath of the driver and the executors
 * (spark-submit --jars). Every user error is one line naming the Param and its value.
 */
public final class PoeviEstimator extends Estimator<PoeviModel>
    implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final Param<String> modelClass;
  private final Param<String> modelOptions;
  private final Param<String> featuresCol;
  private final Param<String> labelCol;
  private final Param<String> weightCol;
  private final Param<String> offsetCol;
  private final LongParam seed;
  private final Param<String> config;

  public PoeviEstimator(String uid) {
    // The uid first: each Param records its owner's.
    this.uid = uid;
    modelClass = RegressionParams.modelClass(this);
    modelOptions = RegressionParams.modelOptions(this);
    featuresCol = RegressionParams.featuresCol(this);
    labelCol = RegressionParams.labelCol(this);
    weightCol = RegressionParams.rowWeightCol(this);
    offsetCol = RegressionParams.rowOffsetCol(this);
    seed = RegressionParams.seed(this);
    config = RegressionParams.config(this);
    setDefault(modelOptions, "");
    setDefault(featuresCol, "features");
    setDefault(labelCol, "label");
    setDefault(seed, 1L);
    setDefault(config, "");
  }

  public PoeviEstimator() {
    this(Identifiable.randomUID("poevi"));
  }

  @Override
  public String uid() {
    return uid;
  }

  /**
   * Fits the model's posterior over every row of {@code dataset}.
   *
   * @throws InvalidInputException one line naming the Param and its value: an unknown class or
   *     one that is not a {@link RowModel}, bad options or config, a missing column or a bad
   *     row, a log density or gradient that is not finite
   */
  @Override
  public PoeviModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    RegressionFit.Fitted fitted = RowModelFit.run(new RowModelFit.Request(
        isDefined(modelClass) ? getModelClass() : null, getModelOptions(), getFeaturesCol(),
        getLabelCol(), isDefined(weightCol) ? getWeightCol() : null,
        isDefined(offsetCol) ? getOffsetCol() : null, getSeed(), getConfig()), dataset);
    PoeviModel model = new PoeviModel(uid, fitted.fittedModel(), fitted.summaryJson());
    copyValues(model, ParamMap.empty());
    model.setParent(this);
    return model;
  }

  /** The schema as it is, once the columns named exist (their rows are checked in fit). */
  @Override
  public StructType transformSchema(StructType schema) {
    if (!isDefined(modelClass)) {
      throw new InvalidInputException("modelClass is not set: name a class implementing "
          + RowModel.class.getName() + ", e.g. com.example.RobustRowModel");
    }
    requireColumn(schema, featuresCol);
    requireColumn(schema, labelCol);
    for (Param<String> optional : Arrays.asList(weightCol, offsetCol)) {
      if (isDefined(optional)) {
        requireColumn(schema, optional);
      }
    }
    return schema;
  }

  private void requireColumn(StructType schema, Param<String> param) {
    String column = getOrDefault(param);
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new InvalidInputException(param.name() + ": no column \"" + column + "\" in the"
          + " DataFrame (columns: " + String.join(", ", schema.fieldNames()) + ")");
    }
  }

  @Override
  public PoeviEstimator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public Param<String> modelClass() {
    return modelClass;
  }

  public Param<String> modelOptions() {
    return modelOptions;
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> weightCol() {
    return weightCol;
  }

  public Param<String> offsetCol() {
    return offsetCol;
  }

  public LongParam seed() {
    return seed;
  }

  public Param<String> config() {
    return config;
  }

  public String getModelClass() {
    return getOrDefault(modelClass);
  }

  public String getModelOptions() {
    return getOrDefault(modelOptions);
  }

  public String getFeaturesCol() {
    return getOrDefault(featuresCol);
  }

  public String getLabelCol() {
    return getOrDefault(labelCol);
  }

  public String getWeightCol() {
    return getOrDefault(weightCol);
  }

  public String getOffsetCol() {
    return getOrDefault(offsetCol);
  }

  public long getSeed() {
    return (Long) getOrDefault(seed);
  }

  public String getConfig() {
    return getOrDefault(config);
  }

  /** The model: a class implementing {@link RowModel}, by its binary name. */
  public PoeviEstimator setModelClass(String v) {
    set(modelClass, v);
    return this;
  }

  /** HOCON for the model's constructor taking a {@code com.typesafe.config.Config}. */
  public PoeviEstimator setModelOptions(String v) {
    set(modelOptions, v);
    return this;
  }

  public PoeviEstimator setFeaturesCol(String v) {
    set(featuresCol, v);
    return this;
  }

  public PoeviEstimator setLabelCol(String v) {
    set(labelCol, v);
    return this;
  }

  public PoeviEstimator setWeightCol(String v) {
    set(weightCol, v);
    return this;
  }

  public PoeviEstimator setOffsetCol(String v) {
    set(offsetCol, v);
    return this;
  }

  public PoeviEstimator setSeed(long v) {
    set(seed, v);
    return this;
  }

  /** HOCON with any other fit key of conf/reference.conf, e.g. fit.method = advi-fullrank. */
  public PoeviEstimator setConfig(String v) {
    set(config, v);
    return this;
  }

  public static MLReader<PoeviEstimator> read() {
    return new DefaultParamsReader<>();
  }

  public static PoeviEstimator load(String path) {
    return read().load(path);
  }
}
