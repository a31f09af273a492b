package org.poevi.ml;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.poevi.family.FittedModel;
import org.poevi.targets.glm.RegressionPriors;
import org.poevi.targets.glm.RegressionTarget;

/**
 * A Bayesian generalised linear regression as a spark.ml Estimator over any DataFrame: a
 * features vector column (e.g. from VectorAssembler or RFormula), a label column, optional
 * weight and offset columns. The posterior is fitted by poevi (the product of experts by
 * default, or any {@code fit.method} through the {@code config} Param), on centred and scaled
 * features when {@code standardization} is true, and reported on the original scale.
 *
 * @param <M> the model it fits
 * @param <E> the estimator itself (for its setters)
 */
public abstract class BayesianRegression<M extends BayesianRegressionModel<M>,
    E extends BayesianRegression<M, E>> extends Estimator<M>
    implements PredictiveParams<E>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final RegressionParams.Shared shared;
  private final Param<String> labelCol;
  private final Param<String> weightCol;
  private final BooleanParam fitIntercept;
  private final BooleanParam standardization;
  private final BooleanParam exactSums;
  private final Param<String> coefficientPrior;
  private final Param<String> interceptPrior;
  private final Param<String> config;

  protected BayesianRegression(String uid) {
    this.uid = uid;
    shared = new RegressionParams.Shared(this);
    shared.setDefaults(this);
    labelCol = RegressionParams.labelCol(this);
    weightCol = RegressionParams.weightCol(this);
    fitIntercept = RegressionParams.fitIntercept(this);
    standardization = RegressionParams.standardization(this);
    exactSums = RegressionParams.exactSums(this);
    coefficientPrior = RegressionParams.coefficientPrior(this);
    interceptPrior = RegressionParams.interceptPrior(this);
    config = RegressionParams.config(this);
    setDefault(labelCol, "label");
    setDefault(fitIntercept, true);
    setDefault(standardization, true);
    setDefault(exactSums, false);
    setDefault(coefficientPrior, RegressionPriors.AUTO);
    setDefault(interceptPrior, RegressionPriors.AUTO);
    setDefault(config, "");
  }

  /** The regression's likelihood. */
  abstract RegressionTarget.Family family();

  /** The sigma prior's string (the linear model's; null for the others). */
  String sigmaPriorText() {
    return null;
  }

  /** The fitted model, named {@code uid}: the posterior and summary.json's text. */
  abstract M model(String uid, FittedModel posterior, String summaryJson);

  @SuppressWarnings("unchecked")
  final E self() {
    return (E) this;
  }

  @Override
  public RegressionParams.Shared sharedParams() {
    return shared;
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public M fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    RegressionFit.Fitted fitted = RegressionFit.run(new RegressionFit.Request(family(),
        getFeaturesCol(), getLabelCol(), isDefined(weightCol) ? getWeightCol() : null,
        getOffsetColOrNull(), getFitIntercept(), getStandardization(), getExactSums(),
        new RegressionPriors(getInterceptPrior(), getCoefficientPrior(), sigmaPriorText()),
        getSeed(), getConfig()), dataset);
    M model = model(uid, fitted.fittedModel(), fitted.summaryJson());
    copyValues(model, ParamMap.empty());
    model.setParent(this);
    return model;
  }

  /** The schema as it is: the columns are checked when the rows are read. */
  @Override
  public StructType transformSchema(StructType schema) {
    for (String column : new String[] {getFeaturesCol(), getLabelCol()}) {
      if (!java.util.Arrays.asList(schema.fieldNames()).contains(column)) {
        throw new org.poevi.InvalidInputException((column.equals(getFeaturesCol())
            ? "featuresCol" : "labelCol") + ": no column \"" + column + "\" in the DataFrame");
      }
    }
    return schema;
  }

  @Override
  public E copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> weightCol() {
    return weightCol;
  }

  public BooleanParam fitIntercept() {
    return fitIntercept;
  }

  public BooleanParam standardization() {
    return standardization;
  }

  /**
   * Whether the sums over the rows are exact, rounded once ({@code ExactRowData}): a row of
   * weight 2 then gives the same bits as the row twice, in any order, for the whole fit. Slower:
   * the rows' products run without BLAS (docs/benchmarks.md).
   */
  public BooleanParam exactSums() {
    return exactSums;
  }

  public Param<String> coefficientPrior() {
    return coefficientPrior;
  }

  public Param<String> interceptPrior() {
    return interceptPrior;
  }

  public Param<String> config() {
    return config;
  }

  public String getLabelCol() {
    return getOrDefault(labelCol);
  }

  public String getWeightCol() {
    return getOrDefault(weightCol);
  }

  public boolean getFitIntercept() {
    return (Boolean) getOrDefault(fitIntercept);
  }

  public boolean getStandardization() {
    return (Boolean) getOrDefault(standardization);
  }

  public boolean getExactSums() {
    return (Boolean) getOrDefault(exactSums);
  }

  public String getCoefficientPrior() {
    return getOrDefault(coefficientPrior);
  }

  public String getInterceptPrior() {
    return getOrDefault(interceptPrior);
  }

  public String getConfig() {
    return getOrDefault(config);
  }

  public E setLabelCol(String v) {
    set(labelCol, v);
    return self();
  }

  public E setWeightCol(String v) {
    set(weightCol, v);
    return self();
  }

  public E setFitIntercept(boolean v) {
    set(fitIntercept, v);
    return self();
  }

  public E setStandardization(boolean v) {
    set(standardization, v);
    return self();
  }

  public E setExactSums(boolean v) {
    set(exactSums, v);
    return self();
  }

  public E setCoefficientPrior(String v) {
    set(coefficientPrior, v);
    return self();
  }

  public E setInterceptPrior(String v) {
    set(interceptPrior, v);
    return self();
  }

  public E setConfig(String v) {
    set(config, v);
    return self();
  }

}
