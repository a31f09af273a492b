package org.poevi.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.poevi.io.AtomicFiles;
import org.poevi.math.LogMeanEstimate;

/** JSON output helpers: strictly valid JSON (a non-finite number becomes null), atomic files. */
final class JsonOutput {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private JsonOutput() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Puts a number, or null when it is NaN or infinite (JSON has no such numbers). */
  static void putNumber(ObjectNode node, String key, double value) {
    if (Double.isFinite(value)) {
      node.put(key, value);
    } else {
      node.putNull(key);
    }
  }

  static ObjectNode estimate(LogMeanEstimate e) {
    ObjectNode n = object();
    putNumber(n, "estimate", e.estimate());
    putNumber(n, "standardError", e.standardError());
    n.put("draws", e.draws());
    putNumber(n, "khat", e.khat());
    putNumber(n, "ess", e.ess());
    n.put("reliable", e.isReliable());
    return n;
  }

  static void write(ObjectNode node, Path path) {
    AtomicFiles.write(path, content(node));
  }

  /** Pretty-printed JSON as content for {@link AtomicFiles}. */
  static AtomicFiles.Content content(ObjectNode node) {
    return out -> {
      MAPPER.writeValue(out, node);
      out.write(System.lineSeparator());
    };
  }
}
