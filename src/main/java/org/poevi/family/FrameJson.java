package org.poevi.family;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.poevi.InvalidInputException;

/**
 * model.json's optional {@code "frame": {"a": rows, "b": vector}}: the experts are given in
 * coordinates z̃ and the parameters are z = a·z̃ + b ({@link PoeModel#frame}).
 */
final class FrameJson {
  private static final Set<String> FIELDS = Set.of("a", "b");

  private FrameJson() {}

  /**
   * The optional frame z = A z̃ + b in which the experts are given: A upper triangular with a
   * non-zero diagonal (rows), b a vector; null without one.
   */
  static AffineMap read(JsonNode root, int dim) {
    JsonNode node = root.get("frame");
    if (node == null) {
      return null;
    }
    if (!node.isObject()) {
      throw new InvalidInputException("frame must be an object with fields a and b");
    }
    ModelJson.checkFields(node, FIELDS, "frame.");
    double[] a = ModelJson.readMatrix(ModelJson.required(node, "a", "frame"), dim, "frame.a");
    double[] b = ModelJson.readVector(ModelJson.required(node, "b", "frame"), dim, "frame.b");
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < i; j++) {
        if (a[i * dim + j] != 0) {
          throw new InvalidInputException("frame.a[" + i + "][" + j + "] = " + a[i * dim + j]
              + ": frame.a must be upper triangular");
        }
      }
      if (!(a[i * dim + i] != 0)) {
        throw new InvalidInputException("frame.a[" + i + "][" + i + "] is 0: the frame must be"
            + " invertible");
      }
    }
    return new AffineMap(a, b);
  }

  /** Writes {@code frame} under "frame" of {@code root}. */
  static void write(ObjectNode root, AffineMap frame) {
    ObjectNode node = root.putObject("frame");
    ArrayNode a = node.putArray("a");
    int dim = frame.dim();
    for (int i = 0; i < dim; i++) {
      ArrayNode row = a.addArray();
      for (int j = 0; j < dim; j++) {
        row.add(frame.a()[i * dim + j]);
      }
    }
    ArrayNode b = node.putArray("b");
    for (double v : frame.b()) {
      b.add(v);
    }
  }
}
