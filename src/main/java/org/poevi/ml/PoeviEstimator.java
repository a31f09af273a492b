package org.poevi.ml;

import java.util.Arrays;
import org.apache.spark.ml.Estimator;
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
 * executors, never row by row through the driver (a small frame's blocks are then collected:
 * {@link org.poevi.spark.SparkRowData#forFit}); the result does not depend on the
 * partitioning.
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
    implements RowModelParams<PoeviEstimator>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final RowModelParams.Shared params;

  public PoeviEstimator(String uid) {
    this.uid = uid;
    params = new RowModelParams.Shared(this);
  }

  public PoeviEstimator() {
    this(Identifiable.randomUID("poevi"));
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public RowModelParams.Shared rowModelParams() {
    return params;
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
        isDefined(modelClass()) ? getModelClass() : null, getModelOptions(), getFeaturesCol(),
        getLabelCol(), getWeightColOrNull(),
        getOffsetColOrNull(), getSeed(), getConfig()), dataset);
    PoeviModel model = new PoeviModel(uid, fitted.fittedModel(), fitted.summaryJson());
    copyValues(model, ParamMap.empty());
    model.setParent(this);
    return model;
  }

  /** The schema as it is, once the columns named exist (their rows are checked in fit). */
  @Override
  public StructType transformSchema(StructType schema) {
    if (!isDefined(modelClass())) {
      throw new InvalidInputException("modelClass is not set: name a class implementing "
          + RowModel.class.getName() + ", e.g. com.example.RobustRowModel");
    }
    requireColumn(schema, featuresCol());
    requireColumn(schema, labelCol());
    for (Param<String> optional : Arrays.asList(weightCol(), offsetCol())) {
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

  public static MLReader<PoeviEstimator> read() {
    return new DefaultParamsReader<>();
  }

  public static PoeviEstimator load(String path) {
    return read().load(path);
  }
}
