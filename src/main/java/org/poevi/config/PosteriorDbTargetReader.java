package org.poevi.config;

import static org.poevi.config.TargetReader.PARAMETERIZATIONS;
import static org.poevi.config.TargetReader.PREFIX;
import static org.poevi.config.TargetReader.prefixed;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.poevi.InvalidInputException;
import org.poevi.targets.Target;
import org.poevi.targets.posteriordb.ArTarget;
import org.poevi.targets.posteriordb.EightSchoolsTarget;
import org.poevi.targets.posteriordb.Garch11Target;
import org.poevi.targets.posteriordb.GpPoissonTarget;
import org.poevi.targets.posteriordb.NormalMixtureTarget;

/**
 * The classic posteriordb models ({@link TargetReader#MODEL_TYPES}): small data read from a
 * posteriordb JSON file ({@code target.data.path}), evaluated sample-parallel.
 */
final class PosteriorDbTargetReader {
  private PosteriorDbTargetReader() {}

  /** A classic posteriordb model: {@code data.path}, and eight-schools' parameterization. */
  static Target read(String type, Config target) {
    Set<String> keys = new TreeSet<>(List.of("type", "data.path"));
    if (type.equals("eight-schools")) {
      keys.add("parameterization");
    }
    Map<String, ConfigValue> flat = new java.util.HashMap<>();
    for (Map.Entry<String, ConfigValue> e : target.entrySet()) {
      if (!keys.contains(e.getKey())) {
        throw new InvalidInputException("unknown key " + PREFIX + e.getKey() + " for type "
            + type + " (allowed: " + String.join(", ", keys) + ")");
      }
      flat.put(e.getKey(), e.getValue());
    }
    if (!flat.containsKey("data.path")) {
      throw new InvalidInputException(PREFIX + "data.path is missing: " + type + " reads its"
          + " data from a posteriordb JSON file (e.g. conf/posteriordb/*/data.json)");
    }
    String text = BlockReader.string(flat.get("data.path"), "data.path");
    Path path;
    try {
      path = Path.of(text);
    } catch (InvalidPathException e) {
      throw new InvalidInputException(PREFIX + "data.path is not a valid path: \"" + text
          + "\"", e);
    }
    String p = flat.containsKey("parameterization")
        ? BlockReader.string(flat.get("parameterization"), "parameterization")
        : PARAMETERIZATIONS.get(0);
    if (!PARAMETERIZATIONS.contains(p)) {
      throw new InvalidInputException(PREFIX + "parameterization must be one of "
          + String.join(", ", PARAMETERIZATIONS) + ", got \"" + p + "\"");
    }
    boolean centered = p.equals("centered");
    return prefixed("data.path: ", () -> switch (type) {
      case "eight-schools" -> EightSchoolsTarget.read(path, centered);
      case "ar" -> ArTarget.read(path);
      case "garch11" -> Garch11Target.read(path);
      case "gp-poisson" -> GpPoissonTarget.read(path);
      case "normal-mixture" -> NormalMixtureTarget.read(path);
      default -> throw new IllegalStateException("unhandled model type " + type);
    });
  }
}
