package org.poevi.family;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.poevi.InvalidInputException;

/**
 * The structured form of experts in {@code model.json} (issue #20), next to the dense one:
 *
 * <pre>
 * {..., "metric": [[D×D]],
 *  "experts": [{"location": [D], "scale": c, "lowRank": [[D], ...], "alpha": a},   // c·M + Σ u uᵀ
 *              {"location": [D], "lambda": [[D×D]], "alpha": a}, ...]}                // dense
 * </pre>
 *
 * {@code lowRank} lists the r columns u_1..u_r of U (r ≥ 0, each D numbers), so that
 * lambda = scale·metric + Σ_j u_j u_jᵀ. The top-level {@code metric} is symmetric positive
 * definite and is required exactly when some expert is structured; a file of dense experts only is
 * read as before. Writing puts every expert that shares the first structured expert's metric in
 * this form and the others densely.
 */
final class StructuredJson {
  private StructuredJson() {}

  /** The top-level metric, or null when the file has none. */
  static SharedMetric readMetric(JsonNode root, int dim) {
    JsonNode node = root.get("metric");
    if (node == null) {
      return null;
    }
    double[] matrix = ModelJson.readMatrix(node, dim, "metric");
    return SharedMetric.of(matrix, dim);
  }

  /** True when expert node {@code e} is in the structured form. */
  static boolean isStructured(JsonNode e, String at) {
    boolean structured = e.has("scale") || e.has("lowRank");
    if (structured && e.has("lambda")) {
      throw new InvalidInputException(at + " has both lambda and scale/lowRank: give one form");
    }
    return structured;
  }

  /** A structured expert from its node (its location already read). */
  static Expert readExpert(JsonNode e, String at, double[] location, SharedMetric metric) {
    if (metric == null) {
      throw new InvalidInputException(at + " is structured (scale, lowRank) but the model has no"
          + " top-level metric");
    }
    JsonNode scaleNode = e.get("scale");
    if (scaleNode == null) {
      throw new InvalidInputException(at + ".scale is missing");
    }
    double scale = ModelJson.readNumber(scaleNode, at + ".scale");
    int dim = location.length;
    JsonNode columns = e.get("lowRank");
    double[] u;
    if (columns == null) {
      u = new double[0];
    } else {
      if (!columns.isArray()) {
        throw new InvalidInputException(at + ".lowRank must be an array of columns of " + dim
            + " numbers");
      }
      u = new double[columns.size() * dim];
      for (int j = 0; j < columns.size(); j++) {
        double[] col = ModelJson.readVector(columns.get(j), dim, at + ".lowRank[" + j + "]");
        System.arraycopy(col, 0, u, j * dim, dim);
      }
    }
    try {
      return Expert.structured(location, metric, scale, u);
    } catch (InvalidInputException ex) {
      throw new InvalidInputException(at + "." + ex.getMessage(), ex);
    }
  }

  /** The metric the writer uses: the first structured expert's, or null. */
  static SharedMetric metricOf(ProductOfExperts family) {
    for (Expert e : family.experts) {
      if (e.metric != null) {
        return e.metric;
      }
    }
    return null;
  }

  static void writeMetric(ObjectNode root, SharedMetric metric) {
    ArrayNode rows = root.putArray("metric");
    int dim = metric.dim;
    for (int i = 0; i < dim; i++) {
      ArrayNode row = rows.addArray();
      for (int j = 0; j < dim; j++) {
        row.add(metric.matrix[i * dim + j]);
      }
    }
  }

  /** Writes scale and lowRank of a structured expert into its node. */
  static void writeExpert(ObjectNode node, Expert e) {
    node.put("scale", e.metricScale);
    ArrayNode columns = node.putArray("lowRank");
    for (int j = 0; j < e.lowRankCount; j++) {
      ArrayNode col = columns.addArray();
      for (int d = 0; d < e.dim; d++) {
        col.add(e.lowRank[j * e.dim + d]);
      }
    }
  }
}
