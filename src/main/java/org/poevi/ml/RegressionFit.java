package org.poevi.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.poevi.InvalidInputException;
import org.poevi.config.FitConfig;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.AffineMap;
import org.poevi.family.FittedModel;
import org.poevi.fit.FitResult;
import org.poevi.fit.Progress;
import org.poevi.math.BlockParallel;
import org.poevi.results.FitOutcome;
import org.poevi.results.JsonOutput;
import org.poevi.spark.FrameRows;
import org.poevi.spark.SparkRowData;
import org.poevi.targets.AffineTarget;
import org.poevi.targets.BatchTarget;
import org.poevi.targets.glm.ColumnMoments;
import org.poevi.targets.glm.Prior;
import org.poevi.targets.glm.RegressionPriors;
import org.poevi.targets.glm.RegressionTarget;
import org.poevi.targets.glm.ExactRowData;
import org.poevi.targets.glm.RowData;

/**
 * One fit of a Bayesian regression over a DataFrame: its rows into blocks cached on the
 * executors ({@link FrameRows}), the priors, the posterior fitted on centred and scaled features
 * when {@code standardization} asks (an {@link AffineTarget}; the result carried back exactly),
 * with every fit key of the {@code config} Param, and the outcome on the original scale. The
 * cached rows are released before it returns.
 */
final class RegressionFit {
  private RegressionFit() {}

  /** What an estimator asks for (its Params' values). */
  record Request(RegressionTarget.Family family, String featuresCol, String labelCol,
      String weightCol, String offsetCol, boolean intercept, boolean standardization,
      boolean exactSums, RegressionPriors priors, long seed, String config) {}

  /** The keys prior errors name: the estimators' Params. */
  private static final RegressionPriors.Keys KEYS = new RegressionPriors.Keys("interceptPrior",
      "coefficientPrior", "sigmaPrior", "labelCol");

  /** The posterior on the original scale and summary.json's text. */
  record Fitted(FittedModel fittedModel, String summaryJson) {}

  /**
   * spark.driver-values of {@code config}, or 0 (on the executors) when spark.partitions names
   * a partitioning: then the rows stay spread as asked.
   */
  static long driverValues(FitConfig config, int partitions) {
    return partitions != 0 ? 0 : config.sparkDriverValues();
  }

  static Fitted run(Request request, Dataset<?> dataset) {
    Dataset<Row> frame = dataset.toDF();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(frame.sparkSession()
        .sparkContext());
    FrameRows.Spec spec = new FrameRows.Spec("the DataFrame", null,
        new FrameRows.Column(request.labelCol(), "labelCol"), List.of(),
        new FrameRows.Column(request.featuresCol(), "featuresCol"),
        request.weightCol() == null ? null : new FrameRows.Column(request.weightCol(),
            "weightCol"),
        request.offsetCol() == null ? null : new FrameRows.Column(request.offsetCol(),
            "offsetCol"), request.intercept(), request.family().response());
    // Checked before the rows are read: a bad key or prior string is a one-line error.
    FitConfig config = config(request.config(), request.seed());
    config.fitter();
    // 0 (the default): the blocks stay where the DataFrame's rows are.
    int partitions = config.sparkPartitions();
    int threads = BlockParallel.defaultThreads();
    try (SparkRowData cached = FrameRows.cache(sc, frame, spec, partitions)) {
      // A small frame is evaluated on the driver (the same bits; SparkRowData#forFit).
      RowData forFit = cached.forFit(driverValues(config, partitions), threads);
      RowData rows = request.exactSums() ? ExactRowData.over(forFit) : forFit;
      Prior[] priors = request.priors().resolve(request.family(), rows, request.intercept(),
          KEYS, true);
      List<String> names = parameterNames(frame, request, rows.columns());
      RegressionTarget target = new RegressionTarget(request.family(), rows,
          request.intercept(), priors, null, names);
      BatchTarget fitted = target;
      AffineMap map = null;
      if (request.standardization()) {
        map = standardisation(rows, request.intercept(), target.dim());
        fitted = new AffineTarget(target, map, names);
      }
      FitResult result = config.fitter().fit(fitted, new LocalScoreEvaluator(fitted, threads),
          Progress.SILENT);
      FitOutcome outcome = FitOutcome.of(config, target, map == null ? result
          : result.mapped(map, names));
      // Made while the rows are cached: summary.json's draws need only the model, but its lp__
      // column evaluates the target.
      return new Fitted(outcome.fittedModel(), JsonOutput.text(outcome.summary()));
    }
  }

  /**
   * The fit's settings: the {@code config} Param's HOCON and the seed Param. The keys the
   * Params and the DataFrame own (the seed, the target) are refused in {@code config}, so a
   * value there never silently loses to a Param.
   */
  static FitConfig config(String hocon, long seed) {
    FitConfig config = FitConfig.forCodeTarget(hocon, List.of());
    com.typesafe.config.Config user = com.typesafe.config.ConfigFactory.parseString(hocon);
    if (user.hasPath("fit.seed")) {
      throw new InvalidInputException("config: fit.seed is the seed Param here; use setSeed");
    }
    if (user.hasPath("target")) {
      throw new InvalidInputException("config: the target is the DataFrame and the Params"
          + " here; remove the target block");
    }
    return FitConfig.forCodeTarget(hocon, List.of("fit.seed=" + seed));
  }

  /**
   * The map from the fit's coordinates (intercept and coefficients of the centred, scaled
   * features; log σ as it is) to the original ones: β_j = β̃_j/s_j and, with an intercept,
   * α = α̃ − Σ_j β̃_j·m_j/s_j (m_j, s_j the feature's mean and sd over the rows; s_j = 1 for a
   * constant feature, and no centring without an intercept to absorb it).
   */
  static AffineMap standardisation(RowData rows, boolean intercept, int dim) {
    ColumnMoments.Summary moments = ColumnMoments.of(rows);
    int columns = rows.columns();
    int first = intercept ? 1 : 0;
    double[] a = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      a[i * dim + i] = 1;
    }
    for (int d = first; d < columns; d++) {
      double s = moments.sdX()[d] > 0 ? moments.sdX()[d] : 1;
      a[d * dim + d] = 1 / s;
      if (intercept) {
        a[d] = -moments.meanX()[d] / s;
      }
    }
    return new AffineMap(a, new double[dim]);
  }

  /**
   * intercept, then the features' names from the vector column's ML attributes (else
   * beta[1..P]), then log_sigma for the linear model.
   */
  static List<String> parameterNames(Dataset<Row> frame, Request request, int columns) {
    List<String> names = new ArrayList<>();
    if (request.intercept()) {
      names.add("intercept");
    }
    int features = columns - names.size();
    AttributeGroup group = AttributeGroup.fromStructField(frame.schema().apply(
        request.featuresCol()));
    Attribute[] attributes = group.attributes().isDefined() ? group.attributes().get() : null;
    for (int j = 0; j < features; j++) {
      String name = attributes != null && j < attributes.length && attributes[j].name()
          .isDefined() ? attributes[j].name().get() : "beta[" + (j + 1) + "]";
      names.add(names.contains(name) ? "beta[" + (j + 1) + "]" : name);
    }
    if (request.family().hasScale()) {
      names.add("log_sigma");
    }
    return names;
  }
}
