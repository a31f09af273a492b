package org.poevi.ml;

import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The Params of {@link PoeviEstimator}, which its {@link PoeviModel} keeps as a record of the
 * fit: the user's model class and options, the columns, the seed and the fit's config, with
 * their getters and setters.
 *
 * @param <T> the stage itself (its setters return it)
 */
public interface RowModelParams<T extends RowModelParams<T>> extends Params {
  /** The Param objects, made once per stage (not for users). */
  Shared rowModelParams();

  /** The Param objects of one stage, with their defaults set on it. */
  final class Shared implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final Param<String> modelClass;
    final Param<String> modelOptions;
    final Param<String> featuresCol;
    final Param<String> labelCol;
    final Param<String> weightCol;
    final Param<String> offsetCol;
    final LongParam seed;
    final Param<String> config;

    Shared(Params owner) {
      modelClass = RegressionParams.modelClass(owner);
      modelOptions = RegressionParams.modelOptions(owner);
      featuresCol = RegressionParams.featuresCol(owner);
      labelCol = RegressionParams.labelCol(owner);
      weightCol = RegressionParams.rowWeightCol(owner);
      offsetCol = RegressionParams.rowOffsetCol(owner);
      seed = RegressionParams.seed(owner);
      config = RegressionParams.config(owner);
      owner.setDefault(modelOptions, "");
      owner.setDefault(featuresCol, "features");
      owner.setDefault(labelCol, "label");
      owner.setDefault(seed, 1L);
      owner.setDefault(config, "");
    }
  }

  @SuppressWarnings("unchecked")
  private T with(Param<?> param, Object value) {
    set((Param<Object>) param, value);
    return (T) this;
  }

  default Param<String> modelClass() {
    return rowModelParams().modelClass;
  }

  default Param<String> modelOptions() {
    return rowModelParams().modelOptions;
  }

  default Param<String> featuresCol() {
    return rowModelParams().featuresCol;
  }

  default Param<String> labelCol() {
    return rowModelParams().labelCol;
  }

  default Param<String> weightCol() {
    return rowModelParams().weightCol;
  }

  default Param<String> offsetCol() {
    return rowModelParams().offsetCol;
  }

  default LongParam seed() {
    return rowModelParams().seed;
  }

  default Param<String> config() {
    return rowModelParams().config;
  }

  /** The model's class (a {@link RowModel}, by its binary name). */
  default String getModelClass() {
    return getOrDefault(modelClass());
  }

  default String getModelOptions() {
    return getOrDefault(modelOptions());
  }

  default String getFeaturesCol() {
    return getOrDefault(featuresCol());
  }

  default String getLabelCol() {
    return getOrDefault(labelCol());
  }

  default String getWeightCol() {
    return getOrDefault(weightCol());
  }

  default String getOffsetCol() {
    return getOrDefault(offsetCol());
  }

  /** The weight column, or null when none is set. */
  default String getWeightColOrNull() {
    return isDefined(weightCol()) ? getOrDefault(weightCol()) : null;
  }

  /** The offset column, or null when none is set. */
  default String getOffsetColOrNull() {
    return isDefined(offsetCol()) ? getOrDefault(offsetCol()) : null;
  }

  default long getSeed() {
    return (Long) getOrDefault(seed());
  }

  default String getConfig() {
    return getOrDefault(config());
  }

  /** The model: a class implementing {@link RowModel}, by its binary name. */
  default T setModelClass(String v) {
    return with(modelClass(), v);
  }

  /** HOCON for the model's constructor taking a {@code com.typesafe.config.Config}. */
  default T setModelOptions(String v) {
    return with(modelOptions(), v);
  }

  default T setFeaturesCol(String v) {
    return with(featuresCol(), v);
  }

  default T setLabelCol(String v) {
    return with(labelCol(), v);
  }

  default T setWeightCol(String v) {
    return with(weightCol(), v);
  }

  default T setOffsetCol(String v) {
    return with(offsetCol(), v);
  }

  default T setSeed(long v) {
    return with(seed(), v);
  }

  /** HOCON with any other fit key of conf/reference.conf, e.g. fit.method = advi-fullrank. */
  default T setConfig(String v) {
    return with(config(), v);
  }
}
