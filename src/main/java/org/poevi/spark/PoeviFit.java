package org.poevi.spark;

import org.poevi.fit.FitResult;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.poevi.config.FitConfig;
import org.poevi.fit.TraceRow;
import org.poevi.results.FitOutcome;
import org.poevi.targets.Target;

/**
 * A finished fit ({@link FitOutcome}: model, trace, summary, draws, plots, {@code save}) with its
 * draws and trace as Spark DataFrames.
 */
public final class PoeviFit extends FitOutcome {
  private final transient Poevi poevi;

  PoeviFit(FitConfig config, Target target, FitResult fitted, Poevi poevi) {
    super(config, target, fitted);
    this.poevi = poevi;
  }

  /**
   * The output draws as a DataFrame with draws.csv's columns: one double column per parameter
   * (unconstrained scale), then {@code lp__} (log p̃) and {@code lq__} (log q), on the Poevi's
   * session.
   */
  public Dataset<Row> drawsDataFrame() {
    return drawsDataFrame(poevi.sparkSession());
  }

  /** As above, on the given session (e.g. for a fit made with {@link Poevi#local()}). */
  public Dataset<Row> drawsDataFrame(SparkSession session) {
    return frame(session, drawTable(), drawColumns());
  }

  /**
   * The trace as a DataFrame: one row per iteration with trace.csv's columns (empty for a
   * Gaussian baseline).
   */
  public Dataset<Row> traceDataFrame() {
    return traceDataFrame(poevi.sparkSession());
  }

  /** As above, on the given session. */
  public Dataset<Row> traceDataFrame(SparkSession session) {
    List<String> columns = List.of("iteration", "fisher", "ess_fraction", "active_experts",
        "log_normalizer", "score_evaluations", "seconds");
    List<TraceRow> trace = trace();
    double[] values = new double[trace.size() * columns.size()];
    int i = 0;
    for (TraceRow r : trace) {
      values[i++] = r.iteration();
      values[i++] = r.step().fisher();
      values[i++] = r.batch().essFraction();
      values[i++] = r.step().activeExperts();
      values[i++] = r.logNormalizer();
      values[i++] = r.scoreEvaluations();
      values[i++] = r.seconds();
    }
    return frame(session, values, columns);
  }

  /** n×names.size() row-major values as a DataFrame of double columns. */
  public static Dataset<Row> frame(SparkSession session, double[] values, List<String> names) {
    int dim = names.size();
    List<StructField> fields = new ArrayList<>(dim);
    for (String name : names) {
      fields.add(DataTypes.createStructField(name, DataTypes.DoubleType, false));
    }
    List<Row> rows = new ArrayList<>(values.length / dim);
    for (int r = 0; r < values.length / dim; r++) {
      Object[] row = new Object[dim];
      for (int d = 0; d < dim; d++) {
        row[d] = values[r * dim + d];
      }
      rows.add(RowFactory.create(row));
    }
    return session.createDataFrame(rows, DataTypes.createStructType(fields));
  }
}
