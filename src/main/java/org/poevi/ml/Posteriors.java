package org.poevi.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.poevi.InvalidInputException;
import org.poevi.family.FittedModel;
import org.poevi.family.SampleOptions;
import org.poevi.io.DrawsCsv;
import org.poevi.results.JsonOutput;
import org.poevi.results.SampleOutcome;
import org.poevi.spark.PoeviFit;

/** What every fitted poevi model of this package gives: its summary and draws as a DataFrame. */
final class Posteriors {
  private Posteriors() {}

  /** summary.json's text as JSON (a copy the caller may change). */
  static ObjectNode summary(String uid, String summaryJson) {
    try {
      return (ObjectNode) JsonOutput.MAPPER.readTree(summaryJson);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("summary.json of " + uid + " is not JSON", e);
    }
  }

  /**
   * {@code n} draws of {@code posterior} as a DataFrame on {@code session}: one column per
   * parameter (the unconstrained scale), then lq__.
   */
  static Dataset<Row> draws(FittedModel posterior, int n, long seed, SparkSession session) {
    if (n < 1) {
      throw new InvalidInputException("draws: n must be >= 1, got " + n);
    }
    SampleOutcome sample = SampleOutcome.of(posterior, SampleOptions.builder().draws(n)
        .seed(seed).build(), null, System.nanoTime());
    return PoeviFit.frame(session, DrawsCsv.withColumns(sample.draws(), posterior.dim(),
        sample.logQ()), sample.drawColumns());
  }
}
