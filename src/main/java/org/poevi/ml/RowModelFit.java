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
import org.poevi.fit.FitResult;
import org.poevi.fit.Progress;
import org.poevi.math.BlockParallel;
import org.poevi.results.FitOutcome;
import org.poevi.results.JsonOutput;
import org.poevi.spark.FrameRows;
import org.poevi.spark.SparkRowData;
import org.poevi.targets.TargetEvaluationException;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.RowData;

/**
 * One fit of a user's {@link RowModel} over a DataFrame: the model made from its Params, the
 * rows (label, features, weights, offsets) into blocks cached on the executors ({@link
 * FrameRows}, never row by row through the driver; a small frame's blocks are then collected),
 * the posterior fitted with every fit key of the {@code config} Param, and the outcome. The cached rows are released before it returns.
 */
final class RowModelFit {
  private RowModelFit() {}

  /** What a {@link PoeviEstimator} asks for (its Params' values; null: an unset column). */
  record Request(String modelClass, String modelOptions, String featuresCol, String labelCol,
      String weightCol, String offsetCol, long seed, String config) {}

  static RegressionFit.Fitted run(Request request, Dataset<?> dataset) {
    Dataset<Row> frame = dataset.toDF();
    // Checked before the rows are read: a bad class, option or key is a one-line error.
    RowModel model = RowModels.load(request.modelClass(), request.modelOptions());
    FitConfig config = config(request.seed(), request.config());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(frame.sparkSession()
        .sparkContext());
    // 0 (the default): the blocks stay where the DataFrame's rows are.
    int partitions = config.sparkPartitions();
    FrameRows.Spec spec = new FrameRows.Spec("the DataFrame", null,
        new FrameRows.Column(request.labelCol(), "labelCol"), List.of(),
        new FrameRows.Column(request.featuresCol(), "featuresCol"),
        column(request.weightCol(), "weightCol"), column(request.offsetCol(), "offsetCol"),
        false, DataFile.ResponseKind.REAL);
    try (SparkRowData rows = FrameRows.cache(sc, frame, spec, partitions)) {
      List<String> names = RowModels.names(model, features(frame, request.featuresCol(),
          rows.columns()));
      // A small frame is evaluated on the driver (the same bits; SparkRowData#forFit).
      return fit(config, model, rows.forFit(RegressionFit.driverValues(config,
          partitions), BlockParallel.defaultThreads()), names);
    }
  }

  private static FrameRows.Column column(String name, String param) {
    return name == null ? null : new FrameRows.Column(name, param);
  }

  /** The fit's settings: {@code hocon}'s keys and fit.seed = seed, checked. */
  static FitConfig config(long seed, String hocon) {
    FitConfig config = FitConfig.forCodeTarget(hocon, List.of("fit.seed=" + seed));
    config.fitter();
    return config;
  }

  /**
   * The fit of {@code model} over {@code rows} (on the executors or in memory: the same bits),
   * with the parameters {@code names}; the model's failures as one line naming modelClass.
   */
  static RegressionFit.Fitted fit(FitConfig config, RowModel model, RowData rows,
      List<String> names) {
    RowModelTarget target = new RowModelTarget(model, rows, names);
    try {
      FitResult result = config.fitter().fit(target, new LocalScoreEvaluator(target,
          BlockParallel.defaultThreads()), Progress.SILENT);
      FitOutcome outcome = FitOutcome.of(config, target, result);
      // Made while the rows are at hand: summary.json's lp__ may evaluate the target.
      return new RegressionFit.Fitted(outcome.fittedModel(), JsonOutput.text(
          outcome.summary()));
    } catch (TargetEvaluationException e) {
      throw new InvalidInputException(RowModels.CLASS + " " + model.getClass().getName() + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * One name per feature: the vector column's ML attribute names, else featuresCol[1..P] (also
   * for a name missing or given twice).
   */
  static List<String> features(Dataset<Row> frame, String featuresCol, int count) {
    AttributeGroup group = AttributeGroup.fromStructField(frame.schema().apply(featuresCol));
    Attribute[] attributes = group.attributes().isDefined() ? group.attributes().get() : null;
    List<String> names = new ArrayList<>(count);
    for (int j = 0; j < count; j++) {
      String name = attributes != null && j < attributes.length && attributes[j].name()
          .isDefined() ? attributes[j].name().get() : null;
      names.add(name == null || names.contains(name) ? featuresCol + "[" + (j + 1) + "]"
          : name);
    }
    return names;
  }
}
