package org.poevi.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;

/**
 * The Params of the Bayesian regressions and their models, made for an owner: MLlib's names
 * where MLlib has the Param (featuresCol, labelCol, weightCol, offsetCol, fitIntercept,
 * standardization, predictionCol, probabilityCol, seed), poevi's own otherwise. Shared by the
 * estimators and the models, which Java cannot give a common Params trait.
 */
final class RegressionParams {
  private RegressionParams() {}

  /**
   * The Params the estimators and their models share, made for one owner with MLlib's defaults
   * set: the features, the offset, the predictive's columns, level and draws, and the seed.
   */
  static final class Shared implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final Param<String> featuresCol;
    final Param<String> offsetCol;
    final Param<String> predictionCol;
    final Param<String> predictionSdCol;
    final Param<String> lowerCol;
    final Param<String> upperCol;
    final DoubleParam intervalLevel;
    final IntParam predictiveDraws;
    final LongParam seed;

    Shared(Identifiable owner) {
      featuresCol = featuresCol(owner);
      offsetCol = offsetCol(owner);
      predictionCol = predictionCol(owner);
      predictionSdCol = predictionSdCol(owner);
      lowerCol = lowerCol(owner);
      upperCol = upperCol(owner);
      intervalLevel = intervalLevel(owner);
      predictiveDraws = predictiveDraws(owner);
      seed = seed(owner);
    }

    /** MLlib's defaults (and poevi's for its own Params) on {@code owner}. */
    void setDefaults(org.apache.spark.ml.param.Params owner) {
      owner.setDefault(featuresCol, "features");
      owner.setDefault(predictionCol, "prediction");
      owner.setDefault(predictionSdCol, "prediction_sd");
      owner.setDefault(lowerCol, "prediction_lower");
      owner.setDefault(upperCol, "prediction_upper");
      owner.setDefault(intervalLevel, 0.9);
      owner.setDefault(predictiveDraws, 1000);
      owner.setDefault(seed, 1L);
    }
  }

  static Param<String> featuresCol(Identifiable owner) {
    return new Param<>(owner, "featuresCol", "features column name (an ML vector)");
  }

  static Param<String> labelCol(Identifiable owner) {
    return new Param<>(owner, "labelCol", "label column name");
  }

  static Param<String> weightCol(Identifiable owner) {
    return new Param<>(owner, "weightCol", "weight column name (row weights, finite and >= 0);"
        + " unset: every row has weight 1");
  }

  static Param<String> offsetCol(Identifiable owner) {
    return new Param<>(owner, "offsetCol", "offset column name (added to the linear"
        + " predictor); unset: no offset");
  }

  static BooleanParam fitIntercept(Identifiable owner) {
    return new BooleanParam(owner, "fitIntercept", "whether to fit an intercept term");
  }

  static BooleanParam standardization(Identifiable owner) {
    return new BooleanParam(owner, "standardization", "whether to fit on centred and scaled"
        + " features (the posterior is reported exactly on the original scale)");
  }

  static BooleanParam exactSums(Identifiable owner) {
    return new BooleanParam(owner, "exactSums", "whether the sums over rows are exact, rounded"
        + " once: then a row of weight 2 and the row twice give the same bits (slower; default"
        + " false)");
  }

  static Param<String> coefficientPrior(Identifiable owner) {
    return new Param<>(owner, "coefficientPrior", "prior of each coefficient on the original"
        + " scale: normal(m, s), student_t(df, m, s), cauchy(m, s), flat, or auto (data-scaled)");
  }

  static Param<String> interceptPrior(Identifiable owner) {
    return new Param<>(owner, "interceptPrior", "prior of the intercept on the original scale,"
        + " as coefficientPrior");
  }

  static Param<String> sigmaPrior(Identifiable owner) {
    return new Param<>(owner, "sigmaPrior", "prior of the noise scale: half_normal(s),"
        + " half_student_t(df, s), half_cauchy(s), exponential(rate), flat, or auto");
  }

  static LongParam seed(Identifiable owner) {
    return new LongParam(owner, "seed", "random seed: one seed fixes the whole fit");
  }

  static Param<String> config(Identifiable owner) {
    return new Param<>(owner, "config", "HOCON with any other fit key of conf/reference.conf,"
        + " e.g. fit.method = advi-fullrank (no target block)");
  }

  static Param<String> predictionCol(Identifiable owner) {
    return new Param<>(owner, "predictionCol", "prediction column name: the posterior"
        + " predictive mean of E[y | x]");
  }

  static Param<String> predictionSdCol(Identifiable owner) {
    return new Param<>(owner, "predictionSdCol", "column of the posterior sd of E[y | x]");
  }

  static Param<String> lowerCol(Identifiable owner) {
    return new Param<>(owner, "lowerCol", "column of the lower end of the central interval of"
        + " E[y | x]");
  }

  static Param<String> upperCol(Identifiable owner) {
    return new Param<>(owner, "upperCol", "column of the upper end of the central interval of"
        + " E[y | x]");
  }

  static DoubleParam intervalLevel(Identifiable owner) {
    return new DoubleParam(owner, "intervalLevel", "probability of the central interval, in"
        + " (0, 1)", ParamValidators.inRange(0, 1, false, false));
  }

  static IntParam predictiveDraws(Identifiable owner) {
    return new IntParam(owner, "predictiveDraws", "posterior draws that transform averages"
        + " over (broadcast once)", ParamValidators.gtEq(10));
  }

  static Param<String> modelClass(Identifiable owner) {
    return new Param<>(owner, "modelClass", "the user's model: a class implementing"
        + " org.poevi.ml.RowModel, with a public constructor taking a Config or none");
  }

  static Param<String> modelOptions(Identifiable owner) {
    return new Param<>(owner, "modelOptions", "HOCON handed to the model's constructor that"
        + " takes a com.typesafe.config.Config (empty: none)");
  }

  static Param<String> rowWeightCol(Identifiable owner) {
    return new Param<>(owner, "weightCol", "weight column name (finite, >= 0), handed to the"
        + " model with each block's rows; unset: none");
  }

  static Param<String> rowOffsetCol(Identifiable owner) {
    return new Param<>(owner, "offsetCol", "offset column name (finite), handed to the model"
        + " with each block's rows; unset: none");
  }

  static Param<String> probabilityCol(Identifiable owner) {
    return new Param<>(owner, "probabilityCol", "column of the class probabilities [1 - p, p],"
        + " p the posterior predictive probability of y = 1");
  }
}
