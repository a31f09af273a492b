package org.poevi.config;

import static org.poevi.config.TargetReader.DATA_FILE_KEYS;
import static org.poevi.config.TargetReader.DATA_OPTIONS;
import static org.poevi.config.TargetReader.PREFIX;
import static org.poevi.config.TargetReader.describe;
import static org.poevi.config.TargetReader.prefixed;
import static org.poevi.config.TargetReader.regressionDefaults;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.poevi.InvalidInputException;
import org.poevi.config.TargetReader.DataBackend;
import org.poevi.config.TargetReader.Unloaded;
import org.poevi.targets.glm.DataFile;
import org.poevi.targets.glm.ExactRowData;
import org.poevi.targets.glm.RegressionPriors;
import org.poevi.targets.glm.RegressionTarget;
import org.poevi.targets.glm.RowData;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * The posteriors over data rows ({@link TargetReader#DATA_TYPES}, SPEC §6): a regression's keys,
 * its rows (synthetic, or a data source: a file or a catalog table) from a {@link DataBackend},
 * and its priors.
 */
final class RegressionTargetReader {
  private RegressionTargetReader() {}

  /**
   * The regression a data-parallel {@code target} block names, over the rows the backend holds.
   *
   * @throws InvalidInputException one line naming the offending key
   */
  /** The keys prior errors name. */
  private static final RegressionPriors.Keys KEYS = new RegressionPriors.Keys(PREFIX
      + "prior.intercept", PREFIX + "prior.coefficients", PREFIX + "prior.sigma", PREFIX
      + "data.response");

  static RegressionTarget read(Config target, DataBackend backend) {
    RegressionTarget.Family family = family(target.getString("type"));
    String typeName = family.type();
    Map<String, Object> defaults = regressionDefaults(family);
    BlockReader r = new BlockReader(knownKeys(target, defaults, typeName));
    boolean intercept = intercept(r);
    if (!intercept && r.has("prior.intercept")) {
      throw new InvalidInputException(PREFIX + "prior.intercept is set, but " + PREFIX
          + "intercept = false: the model has no intercept");
    }
    RegressionPriors priors = new RegressionPriors(
        priorText(r, defaults, "prior.intercept"), priorText(r, defaults, "prior.coefficients"),
        family.hasScale() ? priorText(r, defaults, "prior.sigma") : null);
    RowData rows;
    double[] truth = null;
    if (hasSourceKeys(r)) {
      rows = backend.rows(dataFile(r, family, intercept));
    } else if (family != RegressionTarget.Family.LOGISTIC) {
      throw new InvalidInputException(PREFIX + "data.path (or " + PREFIX + "data.table) is"
          + " missing: " + typeName + " reads its data from a file or a table (synthetic data is"
          + " for logistic-regression)");
    } else {
      SyntheticLogisticData data = syntheticData(r, intercept);
      rows = backend.rows(data);
      truth = data.trueCoefficients();
    }
    boolean loaded = !(rows instanceof Unloaded);
    if (loaded && flag(r, "exact-sums", false)) {
      rows = ExactRowData.over(rows);
    }
    return new RegressionTarget(family, rows, intercept, priors.resolve(family, rows, intercept,
        KEYS, loaded), truth);
  }

  /** The block's values by key, each key checked against the type's keys and the data keys. */
  private static Map<String, ConfigValue> knownKeys(Config target, Map<String, Object> defaults,
      String typeName) {
    Map<String, ConfigValue> flat = new java.util.HashMap<>();
    for (Map.Entry<String, ConfigValue> e : target.entrySet()) {
      String key = e.getKey();
      if (!key.equals("type") && !defaults.containsKey(key) && !DATA_FILE_KEYS.contains(key)
          && !isOption(key)) {
        Set<String> allowed = new TreeSet<>(defaults.keySet());
        allowed.addAll(DATA_FILE_KEYS);
        allowed.add(DATA_OPTIONS + ".<name>");
        throw new InvalidInputException("unknown key " + PREFIX + key + " for type "
            + typeName + " (allowed: " + String.join(", ", allowed) + ", type)");
      }
      flat.put(key, e.getValue());
    }
    return flat;
  }

  /** Whether a key is (or sets) the block of reader options. */
  private static boolean isOption(String key) {
    return key.equals(DATA_OPTIONS) || key.startsWith(DATA_OPTIONS + ".");
  }

  /** Whether any key names a data source (the keys below data, other than synthetic data's). */
  private static boolean hasSourceKeys(BlockReader r) {
    for (String key : r.values.keySet()) {
      if (key.startsWith("data.") && !key.startsWith("data.synthetic.")) {
        return true;
      }
    }
    return false;
  }

  /** {@code target.intercept}: a boolean or the string true or false; true when absent. */
  private static boolean intercept(BlockReader r) {
    return flag(r, "intercept", true);
  }

  /** A boolean key of the block (true, false, or those words as strings), else its default. */
  private static boolean flag(BlockReader r, String key, boolean fallback) {
    if (!r.has(key)) {
      return fallback;
    }
    ConfigValue v = r.values.get(key);
    if (v.valueType() == ConfigValueType.BOOLEAN) {
      return (Boolean) v.unwrapped();
    } else if (v.valueType() == ConfigValueType.STRING
        && ("true".equals(v.unwrapped()) || "false".equals(v.unwrapped()))) {
      return Boolean.parseBoolean((String) v.unwrapped());
    }
    throw new InvalidInputException(PREFIX + key + " must be true or false, got " + describe(v));
  }

  /**
   * The data source the {@code data.*} keys name: a path (with its format, inferred from the
   * extension when not given) or a table, never both, never together with synthetic data.
   */
  private static DataFile dataFile(BlockReader r, RegressionTarget.Family family,
      boolean intercept) {
    boolean table = r.has("data.table");
    if (table && r.has("data.path")) {
      throw new InvalidInputException(PREFIX + "data.path and " + PREFIX + "data.table are"
          + " exclusive: the data is read from a file or from a catalog table, not both");
    }
    String sourceKey = table ? "data.table" : "data.path";
    for (String key : r.values.keySet()) {
      if (key.startsWith("data.synthetic.")) {
        throw new InvalidInputException(PREFIX + key + " and " + PREFIX + sourceKey + " are"
            + " exclusive: the data is either synthetic or read from a "
            + (table ? "table" : "file"));
      }
    }
    if (table && r.has("data.format")) {
      throw new InvalidInputException(PREFIX + "data.format applies to a file (" + PREFIX
          + "data.path), not to " + PREFIX + "data.table: the catalog knows the table's format");
    }
    String source = requiredString(r, sourceKey);
    String format = r.has("data.format") ? requiredString(r, "data.format") : null;
    return new DataFile(table ? null : source, table ? source : null, format, readerOptions(r),
        requiredString(r, "data.response"), stringList(r, "data.predictors"), intercept,
        family.response());
  }

  /**
   * {@code data.options}: Spark reader options, e.g. {@code { sep = ";" }}; a nested key is a
   * dotted option name. Each value is a string, number or boolean; {@code path} is
   * {@code data.path}'s, and Spark's option names ignore case, so no name may come twice.
   */
  private static Map<String, String> readerOptions(BlockReader r) {
    Map<String, String> options = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String key : new TreeSet<>(r.values.keySet())) {
      if (key.equals(DATA_OPTIONS)) {
        throw new InvalidInputException(PREFIX + key + " must be an object of Spark reader"
            + " options, e.g. { sep = \";\" }, got " + describe(r.values.get(key)));
      }
      if (!key.startsWith(DATA_OPTIONS + ".")) {
        continue;
      }
      List<String> path = ConfigUtil.splitPath(key);
      String name = String.join(".", path.subList(2, path.size()));
      ConfigValue v = r.values.get(key);
      String value = switch (v.valueType()) {
        case STRING -> (String) v.unwrapped();
        case NUMBER, BOOLEAN -> v.render(ConfigRenderOptions.concise());
        default -> throw new InvalidInputException(PREFIX + key + " must be a string, number or"
            + " boolean (a Spark reader option), got " + describe(v));
      };
      if (name.equalsIgnoreCase("path") || name.equalsIgnoreCase("paths")) {
        throw new InvalidInputException(PREFIX + key + " is not an option here: the data's"
            + " location is " + PREFIX + "data.path");
      }
      if (options.containsKey(name)) {
        throw new InvalidInputException(PREFIX + DATA_OPTIONS + " sets the option \"" + name
            + "\" twice (Spark's option names ignore case)");
      }
      options.put(name, value);
    }
    return options;
  }

  /** logistic-regression's synthetic data, from the {@code data.synthetic.*} keys. */
  private static SyntheticLogisticData syntheticData(BlockReader r, boolean intercept) {
    long count = r.whole("data.synthetic.rows", 100000);
    int predictors = r.integer("data.synthetic.predictors", 20);
    long seed = r.whole("data.synthetic.seed", 1);
    return prefixed("data.synthetic.", () -> new SyntheticLogisticData(
        count, predictors, intercept, seed));
  }

  /** The regression family of a data-parallel type name. */
  private static RegressionTarget.Family family(String type) {
    for (RegressionTarget.Family f : RegressionTarget.Family.values()) {
      if (f.type().equals(type)) {
        return f;
      }
    }
    throw new IllegalArgumentException(type);
  }

  /** A prior's text: the key's string, or its default. */
  private static String priorText(BlockReader r, Map<String, Object> defaults, String key) {
    return r.has(key) ? BlockReader.string(r.values.get(key), key) : (String) defaults.get(key);
  }

  /** A data source key's string, required and not blank. */
  private static String requiredString(BlockReader r, String key) {
    if (!r.has(key)) {
      throw new InvalidInputException(PREFIX + key + " is missing (the data needs " + PREFIX
          + "data.path or " + PREFIX + "data.table, " + PREFIX + "data.response and " + PREFIX
          + "data.predictors)");
    }
    String text = BlockReader.string(r.values.get(key), key);
    if (text.isBlank()) {
      throw new InvalidInputException(PREFIX + key + " must not be empty");
    }
    return text;
  }

  /** A data source key's list of column names: required, not empty, no name twice. */
  private static List<String> stringList(BlockReader r, String key) {
    if (!r.has(key)) {
      requiredString(r, key);
    }
    ConfigList list = BlockReader.list(r.values.get(key), key, "column names");
    if (list.isEmpty()) {
      throw new InvalidInputException(PREFIX + key + " must name at least one column");
    }
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String name = BlockReader.string(list.get(i), key + "[" + i + "]");
      if (names.contains(name)) {
        throw new InvalidInputException(PREFIX + key + " names column \"" + name + "\" twice");
      }
      names.add(name);
    }
    return names;
  }
}
