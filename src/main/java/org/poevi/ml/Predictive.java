package org.poevi.ml;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.poevi.InvalidInputException;
import org.poevi.family.SampleOptions;
import org.poevi.results.SampleOutcome;
import org.poevi.targets.glm.RegressionTarget;

/**
 * The posterior predictive of E[y | x] for every row, on the executors: S posterior draws of
 * (intercept, coefficients), broadcast once; for draw s, η_s = α_s + xᵀβ_s (+ the row's offset)
 * and m_s = E[y | x, θ_s] = η_s (linear), 1/(1 + e^{−η_s}) (logistic), e^{η_s} (Poisson). The
 * prediction is the mean of the m_s, with their sd and the central interval of the given level
 * (the sample quantiles at (1 − level)/2 and (1 + level)/2, linear interpolation). These are the
 * posterior's uncertainty about E[y | x], without the observation noise around it.
 */
final class Predictive implements Serializable {
  private static final long serialVersionUID = 1L;
  private final RegressionTarget.Family family;
  /** S draws of (intercept or 0, β_1..β_P), row-major. */
  private final double[] draws;
  private final int width;
  private final int features;
  private final double level;
  private final boolean probability;

  private Predictive(RegressionTarget.Family family, double[] draws, int width, int features,
      double level, boolean probability) {
    this.family = family;
    this.draws = draws;
    this.width = width;
    this.features = features;
    this.level = level;
    this.probability = probability;
  }

  /** The predictive of {@code model}: its posterior's draws (the model's seed). */
  static Predictive of(BayesianRegressionModel<?> model) {
    int s = model.getPredictiveDraws();
    SampleOutcome sample = SampleOutcome.of(model.fittedModel(), SampleOptions.builder()
        .draws(s).seed(model.getSeed()).build(), null, System.nanoTime());
    List<String> names = model.fittedModel().parameters();
    int dim = names.size();
    int first = model.hasIntercept() ? 1 : 0;
    int features = dim - first - (model.family().hasScale() ? 1 : 0);
    double[] all = sample.draws();
    double[] draws = new double[s * (features + 1)];
    for (int i = 0; i < s; i++) {
      draws[i * (features + 1)] = first == 1 ? all[i * dim] : 0;
      System.arraycopy(all, i * dim + first, draws, i * (features + 1) + 1, features);
    }
    return new Predictive(model.family(), draws, features + 1, features,
        model.getIntervalLevel(), model instanceof BayesianLogisticRegressionModel);
  }

  /** The frame with the prediction columns added. */
  Dataset<Row> transform(Dataset<Row> frame, BayesianRegressionModel<?> model) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(frame.sparkSession().sparkContext());
    Broadcast<Predictive> shared = sc.broadcast(this);
    UDF2<Vector, Double, Row> predict = (x, offset) -> shared.value().row(x, offset);
    String offsetCol = model.getOffsetColOrNull();
    Column offset = offsetCol == null ? functions.lit(0.0)
        : functions.col(offsetCol).cast(DataTypes.DoubleType);
    String struct = "poevi_predictive_" + model.uid();
    Dataset<Row> out = frame.withColumn(struct, functions.udf(predict, resultType())
        .apply(functions.col(model.getFeaturesCol()), offset))
        .withColumn(model.getPredictionCol(), functions.col(struct + ".mean"))
        .withColumn(model.getPredictionSdCol(), functions.col(struct + ".sd"))
        .withColumn(model.getLowerCol(), functions.col(struct + ".lower"))
        .withColumn(model.getUpperCol(), functions.col(struct + ".upper"));
    if (probability) {
      out = out.withColumn(((BayesianLogisticRegressionModel) model).getProbabilityCol(),
          functions.col(struct + ".probability"));
    }
    return out.drop(struct);
  }

  private StructType resultType() {
    StructType type = new StructType().add("mean", DataTypes.DoubleType)
        .add("sd", DataTypes.DoubleType).add("lower", DataTypes.DoubleType)
        .add("upper", DataTypes.DoubleType);
    return probability ? type.add("probability", SQLDataTypes.VectorType()) : type;
  }

  /** One row's predictive: mean, sd, interval (and [1 − p, p]). */
  Row row(Vector x, Double offset) {
    if (x == null) {
      throw new InvalidInputException("featuresCol: a row has no features (null)");
    }
    if (x.size() != features) {
      throw new InvalidInputException("featuresCol: a row has " + x.size() + " features, the"
          + " model " + features);
    }
    int s = draws.length / width;
    double[] m = new double[s];
    double o = offset == null ? 0 : offset;
    double sum = 0;
    for (int i = 0; i < s; i++) {
      double eta = draws[i * width] + o;
      for (int j = 0; j < features; j++) {
        eta += draws[i * width + 1 + j] * x.apply(j);
      }
      m[i] = mean(eta);
      sum += m[i];
    }
    double mean = sum / s;
    double squares = 0;
    for (double v : m) {
      squares += (v - mean) * (v - mean);
    }
    Arrays.sort(m);
    double sd = Math.sqrt(squares / (s - 1));
    double lower = quantile(m, (1 - level) / 2);
    double upper = quantile(m, (1 + level) / 2);
    return probability ? RowFactory.create(mean, sd, lower, upper, Vectors.dense(1 - mean, mean))
        : RowFactory.create(mean, sd, lower, upper);
  }

  /** E[y | x, θ] from the linear predictor. */
  private double mean(double eta) {
    return switch (family) {
      case LINEAR -> eta;
      case LOGISTIC -> 1 / (1 + Math.exp(-eta));
      case POISSON -> Math.exp(eta);
    };
  }

  /** The p-quantile of sorted values, linear interpolation between order statistics. */
  static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** The output schema: the input with the prediction columns (which must be new). */
  static StructType schema(BayesianRegressionModel<?> model, StructType schema) {
    List<String> columns = Arrays.asList(schema.fieldNames());
    if (!columns.contains(model.getFeaturesCol())) {
      throw new InvalidInputException("featuresCol: no column \"" + model.getFeaturesCol()
          + "\" in the DataFrame");
    }
    if (!schema.apply(model.getFeaturesCol()).dataType().equals(SQLDataTypes.VectorType())) {
      throw new InvalidInputException("featuresCol: column \"" + model.getFeaturesCol()
          + "\" is not an ML vector");
    }
    StructType out = schema;
    for (String name : List.of(model.getPredictionCol(), model.getPredictionSdCol(),
        model.getLowerCol(), model.getUpperCol())) {
      out = added(out, DataTypes.createStructField(name, DataTypes.DoubleType, true));
    }
    if (model instanceof BayesianLogisticRegressionModel logistic) {
      out = added(out, DataTypes.createStructField(logistic.getProbabilityCol(),
          SQLDataTypes.VectorType(), true));
    }
    return out;
  }

  private static StructType added(StructType schema, StructField field) {
    if (Arrays.asList(schema.fieldNames()).contains(field.name())) {
      throw new InvalidInputException("column \"" + field.name() + "\" exists already: set"
          + " another output column name");
    }
    return schema.add(field);
  }
}
