package org.poevi.config;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.poevi.InvalidInputException;

/**
 * The rules on a user's configuration keys, beyond their values: keys that moved when the
 * settings took the shape of the fit's phases (each fails naming its new key), keys nobody reads
 * (unknown), and keys of a method or objective other than the chosen one. Every violation is one
 * line naming the key.
 */
final class ConfigKeys {
  private ConfigKeys() {}

  /** Old key → new key, for keys that moved (whole-block prefixes end with a dot). */
  private static final Map<String, String> MOVED = Map.ofEntries(
      Map.entry("experts.mode-starts", "init.mode-starts"),
      Map.entry("experts.start-scale", "init.start-scale"),
      Map.entry("experts.gaussian-rounds", "init.gaussian-rounds"),
      Map.entry("experts.gaussian-draws", "init.gaussian-draws"),
      Map.entry("fit.proposal-dof", "fit.under-p.proposal-dof"),
      Map.entry("fit.proposal-scale", "fit.under-p.proposal-scale"),
      Map.entry("fit.min-ess-fraction", "fit.under-p.min-ess-fraction"),
      Map.entry("fit.population", "fit.under-p.population"),
      Map.entry("fit.move-steps", "fit.under-p.move-steps"),
      Map.entry("fit.move-burn-in", "fit.under-p.move-burn-in"),
      Map.entry("fit.growth-cap", "fit.under-q.growth-cap"),
      Map.entry("fit.ess-floor", "fit.under-q.ess-floor"),
      Map.entry("fit.q-temper", "fit.under-q.q-temper"),
      Map.entry("advi.", "fit.advi."),
      Map.entry("bam.", "fit.bam."));

  /** Blocks and keys of a product-of-experts fit only. */
  private static final List<String> POE_ONLY = List.of("init.", "experts.", "fit.objective",
      "fit.iterations", "fit.batch-size", "fit.eta", "fit.sum-slack", "fit.tolerance",
      "fit.metric", "fit.under-p.", "fit.under-q.");

  /**
   * Fails on the first key (in sorted order) that moved, then on the first unknown key outside
   * {@code target}.
   */
  static void checkKnown(Config user, Config reference) {
    TreeSet<String> unknown = new TreeSet<>();
    for (Map.Entry<String, ?> e : user.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith("target.") && !reference.hasPath(key)) {
        unknown.add(key);
      }
    }
    for (String key : unknown) {
      String moved = movedTo(key);
      if (moved != null) {
        throw new InvalidInputException("configuration key " + key + " has moved to " + moved
            + " (conf/reference.conf)");
      }
    }
    if (!unknown.isEmpty()) {
      throw new InvalidInputException("unknown configuration key " + unknown.first()
          + (unknown.size() > 1 ? " (and " + (unknown.size() - 1) + " more)" : "")
          + "; the keys are documented in conf/reference.conf");
    }
  }

  /** The new place of an old key, or null. */
  static String movedTo(String key) {
    for (Map.Entry<String, String> e : MOVED.entrySet()) {
      String from = e.getKey();
      if (from.endsWith(".") ? key.startsWith(from) : key.equals(from)) {
        return from.endsWith(".") ? e.getValue() + key.substring(from.length()) : e.getValue();
      }
    }
    return null;
  }

  /**
   * Fails on a user key that the chosen method (and, for poe, objective) does not read, e.g.
   * {@code fit.under-q.growth-cap} under p, or {@code init.mode-starts} with ADVI; and on pool
   * keys given with {@code experts.from}. A key set to its default is not an error: it changes
   * nothing either way.
   */
  static void checkApplicable(Config user, Config reference, FitMethod method, String objective,
      boolean expertsGiven) {
    List<String> keys = new ArrayList<>(new TreeSet<>(user.entrySet().stream()
        .map(Map.Entry::getKey).toList()));
    for (String key : keys) {
      if (isDefault(user, reference, key)) {
        // A copy of conf/reference.conf, or a resolved configuration echoed by summary.json,
        // names every key with its default: harmless, as nothing it sets is ignored.
        continue;
      }
      String owner = ownerOf(key, method, objective);
      if (owner != null) {
        throw new InvalidInputException(key + " applies to " + owner + ", not to the chosen "
            + (owner.startsWith("fit.objective") ? "fit.objective = " + objective
            : "fit.method = " + method.label()));
      }
      if (expertsGiven && key.startsWith("experts.") && !key.equals("experts.from")) {
        throw new InvalidInputException(key + " does not apply with experts.from: the pool is"
            + " the given model's experts");
      }
    }
  }

  /** Whether the user's value of {@code key} is its documented default. */
  private static boolean isDefault(Config user, Config reference, String key) {
    return reference.hasPath(key)
        && reference.getValue(key).unwrapped().equals(user.getValue(key).unwrapped());
  }

  /** The method or objective a key belongs to when it is not the chosen one, else null. */
  private static String ownerOf(String key, FitMethod method, String objective) {
    if (key.startsWith("fit.advi.") && method != FitMethod.ADVI_FULLRANK
        && method != FitMethod.ADVI_MEANFIELD) {
      return "fit.method = advi-fullrank or advi-meanfield";
    }
    if (key.startsWith("fit.bam.") && method != FitMethod.BAM) {
      return "fit.method = bam";
    }
    if (method != FitMethod.POE) {
      for (String prefix : POE_ONLY) {
        if (prefix.endsWith(".") ? key.startsWith(prefix) : key.equals(prefix)) {
          return "fit.method = poe";
        }
      }
      return null;
    }
    if (key.startsWith("fit.under-q.") && !"under-q".equals(objective)) {
      return "fit.objective = under-q";
    }
    if (key.startsWith("fit.under-p.") && !"under-p".equals(objective)) {
      return "fit.objective = under-p";
    }
    return null;
  }
}
