package org.poevi.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The Params a Bayesian regression and its model share (the features, the offset, the seed and
 * the posterior predictive's columns, level and draws), with their getters and setters: what
 * MLlib's Scala traits (HasFeaturesCol, HasPredictionCol, ...) give its stages.
 *
 * @param <T> the stage itself (its setters return it)
 */
public interface PredictiveParams<T extends PredictiveParams<T>> extends Params {
  /** The Param objects, made once per stage (not for users). */
  RegressionParams.Shared sharedParams();

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  default Param<String> featuresCol() {
    return sharedParams().featuresCol;
  }

  default Param<String> offsetCol() {
    return sharedParams().offsetCol;
  }

  default Param<String> predictionCol() {
    return sharedParams().predictionCol;
  }

  default Param<String> predictionSdCol() {
    return sharedParams().predictionSdCol;
  }

  default Param<String> lowerCol() {
    return sharedParams().lowerCol;
  }

  default Param<String> upperCol() {
    return sharedParams().upperCol;
  }

  default DoubleParam intervalLevel() {
    return sharedParams().intervalLevel;
  }

  default IntParam predictiveDraws() {
    return sharedParams().predictiveDraws;
  }

  default LongParam seed() {
    return sharedParams().seed;
  }

  default String getFeaturesCol() {
    return getOrDefault(featuresCol());
  }

  default String getOffsetCol() {
    return getOrDefault(offsetCol());
  }

  /** The offset column, or null when none is set. */
  default String getOffsetColOrNull() {
    return isDefined(offsetCol()) ? getOrDefault(offsetCol()) : null;
  }

  default String getPredictionCol() {
    return getOrDefault(predictionCol());
  }

  default String getPredictionSdCol() {
    return getOrDefault(predictionSdCol());
  }

  default String getLowerCol() {
    return getOrDefault(lowerCol());
  }

  default String getUpperCol() {
    return getOrDefault(upperCol());
  }

  default double getIntervalLevel() {
    return (Double) getOrDefault(intervalLevel());
  }

  default int getPredictiveDraws() {
    return (Integer) getOrDefault(predictiveDraws());
  }

  default long getSeed() {
    return (Long) getOrDefault(seed());
  }

  default T setFeaturesCol(String v) {
    set(featuresCol(), v);
    return self();
  }

  default T setOffsetCol(String v) {
    set(offsetCol(), v);
    return self();
  }

  default T setPredictionCol(String v) {
    set(predictionCol(), v);
    return self();
  }

  default T setPredictionSdCol(String v) {
    set(predictionSdCol(), v);
    return self();
  }

  default T setLowerCol(String v) {
    set(lowerCol(), v);
    return self();
  }

  default T setUpperCol(String v) {
    set(upperCol(), v);
    return self();
  }

  default T setIntervalLevel(double v) {
    set(intervalLevel(), v);
    return self();
  }

  default T setPredictiveDraws(int v) {
    set(predictiveDraws(), v);
    return self();
  }

  default T setSeed(long v) {
    set(seed(), v);
    return self();
  }
}
