package org.poevi.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.poevi.InvalidInputException;

/**
 * JSON input files (model.json, posteriordb data): parsed strictly (a key twice, or anything after
 * the document, is an error), with a one-line error giving the line and column.
 */
public final class StrictJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private StrictJson() {}

  /**
   * The document {@code text}.
   *
   * @param prefix starts the error message (e.g. the file, then ": "), may be empty
   * @throws InvalidInputException {@code <prefix>malformed JSON at line L, column C: <reason>}
   */
  public static JsonNode parse(String text, String prefix) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String position = at == null ? "" : " at line " + at.getLineNr() + ", column "
          + at.getColumnNr();
      throw new InvalidInputException(prefix + "malformed JSON" + position + ": "
          + reason(e.getOriginalMessage()), e);
    }
  }

  /**
   * Jackson's reason in a user's words: its first line, without the advice to developers
   * ("enable `JsonReadFeature...` to allow") or the parser's source notes (found by the fuzz
   * harness in the one-line errors of NaN and truncated model files).
   */
  static String reason(String jackson) {
    String line = jackson.lines().findFirst().orElse("");
    line = line.replaceAll("\\s*\\(start marker at \\[Source:.*$", "");
    return line.replaceAll("^Non-standard token '([^']*)': enable .* to allow$",
        "'$1' is not a JSON number (write finite numbers)");
  }
}
