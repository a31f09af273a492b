package org.poevi.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.RobustRowModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.results.JsonOutput;

/**
 * {@link PoeviEstimator} with the worked example {@link RobustRowModel}: the DataFrame's fit is
 * the in-memory fit of the same rows, byte for byte, for 1 and 3 partitions and through a
 * Pipeline; the fit recovers the parameters of simulated Student-t data; the model saves and
 * loads, alone and in a Pipeline.
 */
class PoeviEstimatorTest {
  private static final String EXAMPLE = RobustRowModel.class.getName();
  private static final List<String> NAMES = List.of("intercept", "b[1]", "b[2]", "log_sigma");
  /** A short fit (fewer, smaller batches): the identity of the bits does not need a long one. */
  private static final String SHORT = "init { mode-starts = 4, gaussian-rounds = 3,"
      + " gaussian-draws = 1000 }\nfit { iterations = 3, batch-size = 256 }\n"
      + "output.draws = 1000";
  /**
   * 17,000 weighted rows with offsets fill three blocks (8192, 8192, 616 rows): over 3
   * partitions, one block each.
   */
  private static final double[][] ROWS = StudentTRows.rows(17_000, true, 17);
  private static final int RECOVERY_ROWS = 400;
  private static String reference;
  private static PipelineModel pipelineModel;

  @TempDir
  Path dir;

  private static RobustRowModel model() {
    return new RobustRowModel(ConfigFactory.parseString("dof = 4"));
  }

  private static PoeviEstimator estimator() {
    return new PoeviEstimator().setModelClass(EXAMPLE).setModelOptions("dof = 4")
        .setLabelCol("y").setWeightCol("w").setOffsetCol("o").setSeed(5).setConfig(SHORT);
  }

  /** model.json of the short fit of {@link #ROWS} in memory, in FrameRows' blocks (once). */
  private static synchronized String reference() {
    if (reference == null) {
      reference = JsonOutput.text(RowModelFit.fit(RowModelFit.config(5, SHORT), model(),
          StudentTRows.blocks(ROWS, true), NAMES).fittedModel().toJson());
    }
    return reference;
  }

  /** VectorAssembler and the estimator, fitted to {@link #ROWS} over 2 partitions (once). */
  private static synchronized PipelineModel pipelineModel() {
    if (pipelineModel == null) {
      pipelineModel = new Pipeline().setStages(new PipelineStage[] {new VectorAssembler()
          .setInputCols(new String[] {"x1", "x2"}).setOutputCol("features"), estimator()})
          .fit(StudentTRows.frame(ROWS, 2).drop("features"));
    }
    return pipelineModel;
  }

  /** The DataFrame's model.json is the in-memory fit's of the same rows, byte for byte. */
  @Test
  void modelJsonIsTheInMemoryFitsForOneAndThreePartitions() {
    for (int partitions : new int[] {1, 3}) {
      PoeviModel fitted = estimator().fit(StudentTRows.frame(ROWS, partitions));
      assertEquals(NAMES, fitted.parameterNames());
      assertEquals(reference(), JsonOutput.text(fitted.fittedModel().toJson()),
          partitions + " partitions");
    }
  }

  /**
   * The posterior of 400 rows (the default fit settings; in memory, which the test above shows
   * is the DataFrame's fit) is near the parameters that generated them. By Bernstein–von Mises
   * the posterior mean misses the truth by a normal error of one posterior sd, and the Monte
   * Carlo error of the mean is its MCSE: |mean − truth| ≤ 4·(sd² + mcse²)^½ fails with
   * probability 6e-5 per parameter when the fit is right. The posterior sds are checked against
   * the asymptotic ones (the inverse Fisher information) within a factor of 1.5: their relative
   * error at n = 400 is O(n^-½), a few per cent, plus the MC error of an sd from ~8000 draws.
   */
  @Test
  void recoversTheParametersOfStudentTData() {
    RegressionFit.Fitted fit = RowModelFit.fit(RowModelFit.config(5, ""), model(),
        StudentTRows.blocks(StudentTRows.rows(RECOVERY_ROWS, false, 31), false), NAMES);
    PoeviModel model = new PoeviModel("recovery", fit.fittedModel(), fit.summaryJson());
    JsonNode parameters = model.summary().path("parameters");
    double[] truth = {StudentTRows.INTERCEPT, StudentTRows.B[0], StudentTRows.B[1],
        Math.log(StudentTRows.SIGMA)};
    // Fisher information per row of a t_ν location: (ν+1)/((ν+3)σ²) (x ~ N(0, 1) gives the
    // coefficients the same); of log σ: 2ν/(ν+3).
    double nu = StudentTRows.DOF;
    double locationSd = StudentTRows.SIGMA * Math.sqrt((nu + 3) / (nu + 1) / RECOVERY_ROWS);
    double[] asymptoticSd = {locationSd, locationSd, locationSd,
        Math.sqrt((nu + 3) / (2 * nu) / RECOVERY_ROWS)};
    assertEquals(NAMES, model.parameterNames());
    for (int d = 0; d < 4; d++) {
      String name = NAMES.get(d);
      JsonNode p = parameters.path(name);
      double mean = p.path("mean").asDouble();
      double sd = p.path("sd").asDouble();
      assertEquals(truth[d], mean, 4 * Math.hypot(sd, p.path("mcse").asDouble()), name);
      assertEquals(mean, model.posteriorMean(name), 0.0);
      assertTrue(sd > asymptoticSd[d] / 1.5 && sd < asymptoticSd[d] * 1.5, name + " sd " + sd
          + " against " + asymptoticSd[d]);
    }
    Dataset<Row> draws = model.draws(500, 3, MlTestData.session());
    assertEquals(List.of("intercept", "b[1]", "b[2]", "log_sigma", "lq__"),
        List.of(draws.columns()));
    assertEquals(500, draws.count());
  }

  /**
   * A Pipeline of VectorAssembler and the estimator fits the posterior of the rows (the same
   * bits as in memory). The Pipeline and the PipelineModel save and load through a file: URI;
   * the loaded stage holds the same model.json, and transform passes the rows on unchanged.
   */
  @Test
  void roundTripsInAPipeline() throws java.io.IOException {
    PipelineModel fitted = pipelineModel();
    PoeviModel model = assertInstanceOf(PoeviModel.class, fitted.stages()[1]);
    assertEquals(reference(), JsonOutput.text(model.fittedModel().toJson()));

    PoeviEstimator stage = estimator();
    String pipelinePath = dir.resolve("pipeline").toUri().toString();
    new Pipeline().setStages(new PipelineStage[] {new VectorAssembler(), stage}).write()
        .save(pipelinePath);
    PoeviEstimator loadedEstimator = assertInstanceOf(PoeviEstimator.class,
        Pipeline.load(pipelinePath).getStages()[1]);
    // The same uid and every Param's value (ParamMap's text lists them sorted by name).
    assertEquals(stage.extractParamMap().toString(), loadedEstimator.extractParamMap()
        .toString());

    String modelPath = dir.resolve("pipeline-model").toUri().toString();
    fitted.write().save(modelPath);
    PipelineModel loaded = PipelineModel.load(modelPath);
    PoeviModel loadedModel = assertInstanceOf(PoeviModel.class, loaded.stages()[1]);
    assertEquals(reference(), JsonOutput.text(loadedModel.fittedModel().toJson()));
    Dataset<Row> frame = StudentTRows.frame(StudentTRows.rows(20, true, 2), 1)
        .drop("features");
    Dataset<Row> out = loaded.transform(frame);
    assertEquals(List.of("y", "x1", "x2", "w", "o", "features"), List.of(out.columns()));
    assertEquals(fitted.transform(frame).collectAsList(), out.collectAsList());
  }

  /** The model alone saves and loads with its model.json, summary and Params. */
  @Test
  void savesAndLoads() throws java.io.IOException {
    PoeviModel model = (PoeviModel) pipelineModel().stages()[1];
    String path = dir.resolve("model").toUri().toString();
    model.write().save(path);
    PoeviModel loaded = PoeviModel.load(path);
    assertEquals(model.uid(), loaded.uid());
    assertEquals(JsonOutput.text(model.fittedModel().toJson()),
        JsonOutput.text(loaded.fittedModel().toJson()));
    assertEquals(model.summary(), loaded.summary());
    assertEquals(EXAMPLE, loaded.getModelClass());
    assertEquals("dof = 4", loaded.getModelOptions());
    assertEquals("w", loaded.getWeightColOrNull());
    assertEquals(5, loaded.getSeed());
    assertEquals(SHORT, loaded.getConfig());
    Dataset<Row> frame = StudentTRows.frame(StudentTRows.rows(5, false, 1), 1);
    assertEquals(frame.schema(), loaded.transformSchema(frame.schema()));
    assertEquals(frame.collectAsList(), loaded.transform(frame).collectAsList());
  }
}
