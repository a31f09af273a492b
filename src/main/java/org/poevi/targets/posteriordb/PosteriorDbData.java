package org.poevi.targets.posteriordb;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.poevi.InvalidInputException;
import org.poevi.io.StrictJson;

/**
 * A posteriordb dataset, {@code data.json}: one JSON object whose fields are integers (sizes such
 * as {@code T}) and arrays of numbers (series such as {@code y}), as written by posteriordb.
 *
 * <p>Reading is strict where the models need it and lenient elsewhere: fields a model does not
 * use (gp_pois_regr's {@code y}) are ignored, but a missing field, a wrong type, a non-finite
 * number, an array whose length disagrees with its size field, or a value outside its range is
 * reported in one line that starts with the model and the path and names the field, e.g.
 * {@code garch11 data conf/posteriordb/garch-garch11/data.json: missing field "sigma1"} or
 * {@code ... : y has 199 values but T = 200}. Array indices in messages count from 0 (the position
 * in the JSON array), as {@code model.json} messages do. Integers may be written as {@code 200} or
 * {@code 200.0}; duplicate fields and trailing content are malformed JSON.
 */
final class PosteriorDbData {
  private final String where;
  private final JsonNode root;

  private PosteriorDbData(String where, JsonNode root) {
    this.where = where;
    this.root = root;
  }

  /**
   * Reads and parses a data file.
   *
   * @param model the model's short name, for messages (e.g. "garch11")
   * @throws InvalidInputException when the file is missing, unreadable, not JSON or not an object
   */
  static PosteriorDbData read(Path path, String model) {
    String where = model + " data " + path;
    String text;
    try {
      text = Files.readString(path);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(where + " does not exist");
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + where + ": " + e.getMessage());
    }
    JsonNode root = StrictJson.parse(text, where + ": ");
    if (root == null || !root.isObject()) {
      throw new InvalidInputException(where + ": expected a JSON object at the top level");
    }
    return new PosteriorDbData(where, root);
  }

  /** A one-line error about this file. */
  InvalidInputException error(String message) {
    return new InvalidInputException(where + ": " + message);
  }

  /**
   * Runs a factory (a target's {@code of}) on the values read, so that its argument errors also
   * name this file.
   */
  <T> T build(Supplier<T> factory) {
    try {
      return factory.get();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(where + ": " + e.getMessage(), e);
    }
  }

  private JsonNode field(String name) {
    JsonNode v = root.get(name);
    if (v == null) {
      throw error("missing field \"" + name + "\"");
    }
    return v;
  }

  /** An integer field, at least {@code min}. */
  int integer(String name, int min) {
    JsonNode v = field(name);
    double d = v.isNumber() ? v.asDouble() : Double.NaN;
    if (!(d == Math.rint(d)) || Math.abs(d) > Integer.MAX_VALUE) {
      throw error(name + " must be an integer, got " + v);
    }
    if (d < min) {
      throw error(name + " must be at least " + min + ", got " + (long) d);
    }
    return (int) d;
  }

  /** A finite number. */
  double number(String name) {
    return finite(field(name), name);
  }

  /**
   * An array of finite numbers whose length is the integer field {@code lengthField}, already
   * read as {@code length}.
   */
  double[] numbers(String name, int length, String lengthField) {
    JsonNode v = field(name);
    if (!v.isArray()) {
      throw error(name + " must be an array of numbers, got " + abbreviate(v));
    }
    if (v.size() != length) {
      throw error(name + " has " + v.size() + " values but " + lengthField + " = " + length);
    }
    double[] out = new double[length];
    for (int i = 0; i < length; i++) {
      out[i] = finite(v.get(i), name + "[" + i + "]");
    }
    return out;
  }

  /** As {@link #numbers}, each value a count: a non-negative integer below 2^31. */
  int[] counts(String name, int length, String lengthField) {
    double[] values = numbers(name, length, lengthField);
    int[] out = new int[length];
    for (int i = 0; i < length; i++) {
      double d = values[i];
      if (!(d >= 0 && d == Math.rint(d) && d <= Integer.MAX_VALUE)) {
        throw error(name + "[" + i + "] must be a non-negative integer (a count), got " + d);
      }
      out[i] = (int) d;
    }
    return out;
  }

  private double finite(JsonNode v, String name) {
    if (!v.isNumber()) {
      throw error(name + " must be a number, got " + abbreviate(v));
    }
    double d = v.asDouble();
    if (!Double.isFinite(d)) {
      throw error(name + " must be finite, got " + v);
    }
    return d;
  }

  /** A JSON value for a message: at most 40 characters. */
  private static String abbreviate(JsonNode v) {
    String s = v.toString();
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
