package org.poevi.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.feature.RFormula;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poevi.cli.Main;
import org.poevi.family.FittedModel;
import org.poevi.family.ModelJson;
import org.poevi.results.JsonOutput;

/**
 * A Pipeline of RFormula (with a categorical column) and the Estimator: the parameters are named
 * after RFormula's feature attributes; the PipelineModel saved to a {@code file:} URI and loaded
 * again transforms to the same rows; the saved model.json is the fitted one, byte for byte, and
 * {@code poevi sample} reads it; the unfitted Pipeline round-trips too.
 */
class PipelineTest {
  @TempDir
  Path dir;

  /** y ~ x + group (a string column with levels a, b, c). */
  private static Dataset<Row> frame() {
    StructType schema = new StructType().add("y", DataTypes.DoubleType)
        .add("x", DataTypes.DoubleType).add("group", DataTypes.StringType);
    Random rng = new Random(17);
    List<Row> rows = new ArrayList<>();
    String[] groups = {"a", "b", "c"};
    double[] effects = {0, 0.8, -0.6};
    for (int i = 0; i < 500; i++) {
      int g = rng.nextInt(3);
      double x = 10 + 3 * rng.nextGaussian();
      double eta = -2 + 0.2 * x + effects[g];
      rows.add(RowFactory.create(rng.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1.0 : 0.0, x,
          groups[g]));
    }
    return MlTestData.session().createDataFrame(rows, schema);
  }

  @Test
  void aPipelineModelRoundTripsThroughAFileUri() throws Exception {
    Dataset<Row> frame = frame();
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new RFormula().setFormula("y ~ x + group"),
        new BayesianLogisticRegression().setSeed(3).setConfig(MlTestData.QUICK)
            .setPredictiveDraws(300)});
    PipelineModel fitted = pipeline.fit(frame);
    BayesianLogisticRegressionModel model = (BayesianLogisticRegressionModel) fitted.stages()[1];
    List<String> names = new ArrayList<>(List.of("intercept"));
    AttributeGroup features = AttributeGroup.fromStructField(fitted.stages()[0]
        .transform(frame).schema().apply("features"));
    for (Attribute a : features.attributes().get()) {
      names.add(a.name().get());
    }
    assertEquals(4, names.size());
    assertEquals("x", names.get(1));
    assertEquals(names, model.fittedModel().parameters(),
        "RFormula's attributes name the coefficients");

    String uri = dir.resolve("pipeline").toUri().toString();
    assertTrue(uri.startsWith("file:"), uri);
    fitted.write().save(uri);
    PipelineModel loaded = PipelineModel.load(uri);
    BayesianLogisticRegressionModel back = (BayesianLogisticRegressionModel) loaded.stages()[1];
    assertEquals(model.uid(), back.uid());
    assertEquals(300, back.getPredictiveDraws(), "Params are saved");
    assertEquals(model.summary(), back.summary());
    assertEquals(JsonOutput.text(model.fittedModel().toJson()),
        JsonOutput.text(back.fittedModel().toJson()));
    assertEquals(fitted.transform(frame).collectAsList(), loaded.transform(frame)
        .collectAsList(), "the loaded PipelineModel transforms to the same rows");

    // <stage dir>/model.json: the SPEC file, read by the model reader and by poevi sample.
    Path stageDir;
    try (var stages = Files.list(dir.resolve("pipeline").resolve("stages"))) {
      stageDir = stages.filter(p -> p.getFileName().toString().contains(model.uid()))
          .findFirst().orElseThrow();
    }
    Path modelJson = stageDir.resolve("model.json");
    assertEquals(JsonOutput.text(model.fittedModel().toJson()), Files.readString(modelJson));
    FittedModel read = ModelJson.readAny(modelJson);
    assertEquals(model.fittedModel().parameters(), read.parameters());
    Path out = dir.resolve("sampled");
    assertEquals(Main.EXIT_OK, Main.run("sample", "--model", modelJson.toString(), "--out",
        out.toString(), "--draws", "100"));
    assertTrue(Files.readString(out.resolve("draws.csv")).startsWith(String.join(",", names)
        + ","));
  }

  @Test
  void anUnfittedPipelineRoundTrips() throws Exception {
    MlTestData.session();
    String uri = dir.resolve("unfitted").toUri().toString();
    BayesianLinearRegression estimator = new BayesianLinearRegression()
        .setSigmaPrior("exponential(2)").setFitIntercept(false).setWeightCol("w").setSeed(9);
    new Pipeline().setStages(new PipelineStage[] {estimator}).write().save(uri);
    BayesianLinearRegression back = (BayesianLinearRegression) Pipeline.load(uri)
        .getStages()[0];
    assertEquals(estimator.uid(), back.uid());
    assertEquals("exponential(2)", back.getSigmaPrior());
    assertEquals(false, back.getFitIntercept());
    assertEquals("w", back.getWeightCol());
    assertEquals(9L, back.getSeed());
    assertEquals(estimator.extractParamMap().toString(), back.extractParamMap().toString());
  }
}
