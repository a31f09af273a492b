package org.poevi.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.RobustRowModel;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;
import org.poevi.targets.glm.RowBlock;

/** {@link PoeviEstimator}'s user errors: each one line naming the Param and its value. */
class PoeviEstimatorErrorsTest {
  private static final String EXAMPLE = RobustRowModel.class.getName();
  private static final Dataset<Row> FRAME = StudentTRows.frame(StudentTRows.rows(50, false, 3),
      2);

  private static String error(PoeviEstimator estimator) {
    String message = assertThrows(InvalidInputException.class, () -> estimator.fit(FRAME))
        .getMessage();
    assertFalse(message.contains("\n"), message);
    return message;
  }

  private static PoeviEstimator estimator(String modelClass) {
    return new PoeviEstimator().setModelClass(modelClass).setLabelCol("y");
  }

  @Test
  void aClassThatCannotBeAModelIsNamed() {
    assertEquals("modelClass is not set: name a class implementing org.poevi.ml.RowModel, e.g."
        + " com.example.RobustRowModel", error(new PoeviEstimator().setLabelCol("y")));
    assertEquals("modelClass com.example.Nope was not found on the classpath (give its jar to"
        + " Spark: spark-submit --jars, or spark.jars)", error(estimator("com.example.Nope")));
    assertEquals("modelClass java.lang.String does not implement org.poevi.ml.RowModel",
        error(estimator("java.lang.String")));
    assertEquals("modelClass " + Unserializable.class.getName() + " is not serializable (Spark"
        + " sends it to the executors): java.io.NotSerializableException: java.lang.Object",
        error(estimator(Unserializable.class.getName())));
  }

  @Test
  void badOptionsAreNamed() {
    assertEquals("modelClass " + EXAMPLE + ": modelOptions.dof must be > 0, got -1.0",
        error(estimator(EXAMPLE).setModelOptions("dof = -1")));
    assertTrue(error(estimator(EXAMPLE).setModelOptions("dof = {")).startsWith(
        "modelOptions is not HOCON: "));
    assertEquals("modelOptions is set, but modelClass " + NanGradient.class.getName() + " has"
        + " no public constructor taking a com.typesafe.config.Config",
        error(estimator(NanGradient.class.getName()).setModelOptions("a = 1")));
    assertTrue(error(estimator(EXAMPLE).setConfig("fit.iterations = -3")).contains(
        "fit.iterations"));
  }

  @Test
  void badColumnsAreNamed() {
    assertEquals("labelCol: no column \"label\" in the DataFrame (columns: y, x1, x2, w, o,"
        + " features)", error(estimator(EXAMPLE).setLabelCol("label")));
    assertEquals("weightCol: no column \"weights\" in the DataFrame (columns: y, x1, x2, w, o,"
        + " features)", error(estimator(EXAMPLE).setWeightCol("weights")));
    assertEquals("featuresCol: column \"x1\" of the DataFrame is not an ML vector (double)",
        error(estimator(EXAMPLE).setFeaturesCol("x1")));
  }

  /** A NaN gradient stops the fit at its first evaluation, naming the parameter and the point. */
  @Test
  void aNonFiniteGradientOrAnExceptionIsNamed() {
    String nan = error(estimator(NanGradient.class.getName()));
    assertTrue(nan.startsWith("modelClass " + NanGradient.class.getName() + ": the gradient of"
        + " the log likelihood in b is NaN at (a="), nan);
    String thrown = error(estimator(Throwing.class.getName()));
    assertTrue(thrown.startsWith("modelClass " + Throwing.class.getName() + ": the log"
        + " likelihood failed on rows 1..50: java.lang.IllegalStateException: boom"), thrown);
  }

  /** A model of y ~ N(a, 1) whose gradient in its second parameter is NaN. */
  public static class NanGradient implements RowModel {
    private static final long serialVersionUID = 1L;

    @Override
    public List<String> parameterNames(List<String> features) {
      return List.of("a", "b");
    }

    @Override
    public double logPrior(double[] z, double[] gradient) {
      gradient[0] = -z[0];
      gradient[1] = -z[1];
      return -0.5 * (z[0] * z[0] + z[1] * z[1]);
    }

    @Override
    public void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace) {
      for (int b = 0; b < n; b++) {
        for (int i = 0; i < block.rows(); i++) {
          double r = block.y()[i] - points[2 * b];
          out[b] -= 0.5 * r * r;
          out[n + 2 * b] += r;
        }
        out[n + 2 * b + 1] = Double.NaN;
      }
    }
  }

  /** A model whose likelihood throws. */
  public static final class Throwing extends NanGradient {
    private static final long serialVersionUID = 1L;

    @Override
    public void add(RowBlock block, double[] points, int n, double[] out, Workspace workspace) {
      throw new IllegalStateException("boom");
    }
  }

  /** A model with a field that does not serialize. */
  public static final class Unserializable extends NanGradient {
    private static final long serialVersionUID = 1L;
    private final Object lock = new Object();

    @Override
    public String toString() {
      return lock.toString();
    }
  }
}
