package org.poevi.config;

import static org.poevi.config.TargetReader.PREFIX;
import static org.poevi.config.TargetReader.describe;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.Map;
import java.util.regex.Pattern;
import org.poevi.InvalidInputException;

/** Typed reads of the block's values, each error naming the key (and index) in one line. */
final class BlockReader {
  /** Decimal numbers, and NaN/Infinity so that those get the "must be finite" message. */
  private static final Pattern NUMBER = Pattern.compile(
      "[+-]?(NaN|Infinity|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)");

  final Map<String, ConfigValue> values;

  BlockReader(Map<String, ConfigValue> values) {
    this.values = values;
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  double number(String key, double fallback) {
    ConfigValue v = values.get(key);
    return v == null ? fallback : number(v, key);
  }

  int integer(String key, int fallback) {
    ConfigValue v = values.get(key);
    if (v == null) {
      return fallback;
    }
    return (int) whole(v, key, Integer.MAX_VALUE);
  }

  long whole(String key, long fallback) {
    ConfigValue v = values.get(key);
    if (v == null) {
      return fallback;
    }
    return whole(v, key, 1L << 53);
  }

  /** An integer of magnitude at most {@code limit}, each failure named. */
  static long whole(ConfigValue v, String key, long limit) {
    double x = number(v, key);
    if (x != Math.rint(x)) {
      throw new InvalidInputException(PREFIX + key + " must be an integer, got " + describe(v));
    }
    if (Math.abs(x) > limit) {
      throw new InvalidInputException(PREFIX + key + " must be at most " + limit
          + " in magnitude, got " + describe(v));
    }
    return (long) x;
  }

  static double number(ConfigValue v, String name) {
    switch (v.valueType()) {
      case NUMBER:
        return ((Number) v.unwrapped()).doubleValue();
      case STRING:
        String text = ((String) v.unwrapped()).trim();
        if (NUMBER.matcher(text).matches()) {
          return Double.parseDouble(text);
        }
        throw new InvalidInputException(PREFIX + name + " must be a number, got " + describe(v));
      default:
        throw new InvalidInputException(PREFIX + name + " must be a number, got " + describe(v));
    }
  }

  static ConfigList list(ConfigValue v, String name, String what) {
    if (v.valueType() != ConfigValueType.LIST) {
      throw new InvalidInputException(PREFIX + name + " must be a list of " + what + ", got "
          + describe(v));
    }
    return (ConfigList) v;
  }

  static double[] vector(ConfigValue v, String name) {
    ConfigList list = list(v, name, "numbers");
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = number(list.get(i), name + "[" + i + "]");
    }
    return out;
  }

  static double[][] matrix(ConfigValue v, String name) {
    ConfigList list = list(v, name, "lists of numbers");
    double[][] out = new double[list.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = vector(list.get(i), name + "[" + i + "]");
    }
    return out;
  }

  double[] vector(String key) {
    return vector(values.get(key), key);
  }

  double[][] matrix(String key) {
    return matrix(values.get(key), key);
  }

  double[][][] matrices(String key) {
    ConfigList list = list(values.get(key), key, "matrices (lists of rows)");
    double[][][] out = new double[list.size()][][];
    for (int i = 0; i < out.length; i++) {
      out[i] = matrix(list.get(i), key + "[" + i + "]");
    }
    return out;
  }

  /** A string value, or an error naming the key. */
  static String string(ConfigValue v, String key) {
    if (v.valueType() != ConfigValueType.STRING) {
      throw new InvalidInputException(PREFIX + key + " must be a string, got " + describe(v));
    }
    return (String) v.unwrapped();
  }
}
