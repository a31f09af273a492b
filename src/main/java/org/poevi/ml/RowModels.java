package org.poevi.ml;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import org.poevi.InvalidInputException;
import org.poevi.targets.Checks;

/**
 * A user's {@link RowModel} from the {@code modelClass} and {@code modelOptions} Params: the
 * class loaded by name (from the jars given to Spark), made with its public constructor taking
 * a {@link Config} (the options, empty when unset) or, without options, its public no-argument
 * constructor. Every problem is one line naming the Param and its value.
 */
final class RowModels {
  static final String CLASS = "modelClass";
  static final String OPTIONS = "modelOptions";

  private RowModels() {}

  /** The model named {@code className}, made with {@code options} (HOCON, may be blank). */
  static RowModel load(String className, String options) {
    if (className == null || className.isBlank()) {
      throw new InvalidInputException(CLASS + " is not set: name a class implementing "
          + RowModel.class.getName() + ", e.g. com.example.RobustRowModel");
    }
    String name = className.trim();
    Config config = parse(options);
    Class<?> type;
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      type = Class.forName(name, true, loader != null ? loader
          : RowModels.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new InvalidInputException(CLASS + " " + name + " was not found on the classpath"
          + " (give its jar to Spark: spark-submit --jars, or spark.jars)");
    }
    if (!RowModel.class.isAssignableFrom(type)) {
      throw new InvalidInputException(CLASS + " " + name + " does not implement "
          + RowModel.class.getName());
    }
    if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
      throw new InvalidInputException(CLASS + " " + name + " must be a public, non-abstract"
          + " class");
    }
    RowModel model = construct(type.asSubclass(RowModel.class), name, config,
        options != null && !options.isBlank());
    requireSerializable(model, name);
    return model;
  }

  /** Throws unless the model serializes (the executors get a copy). */
  private static void requireSerializable(RowModel model, String name) {
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(
        java.io.OutputStream.nullOutputStream())) {
      out.writeObject(model);
    } catch (java.io.IOException e) {
      throw new InvalidInputException(CLASS + " " + name + " is not serializable (Spark sends"
          + " it to the executors): " + e);
    }
  }

  private static Config parse(String options) {
    if (options == null || options.isBlank()) {
      return ConfigFactory.empty();
    }
    try {
      return ConfigFactory.parseString(options, ConfigParseOptions.defaults()
          .setSyntax(ConfigSyntax.CONF)).resolve();
    } catch (ConfigException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      throw new InvalidInputException(OPTIONS + " is not HOCON: " + message.lines().findFirst()
          .orElse(message));
    }
  }

  private static RowModel construct(Class<? extends RowModel> type, String name, Config options,
      boolean hasOptions) {
    Constructor<? extends RowModel> withConfig = constructor(type, Config.class);
    Constructor<? extends RowModel> plain = constructor(type);
    try {
      if (withConfig != null) {
        return withConfig.newInstance(options);
      }
      if (plain == null) {
        throw new InvalidInputException(CLASS + " " + name + " needs a public constructor"
            + " taking a com.typesafe.config.Config (" + OPTIONS + ") or none");
      }
      if (hasOptions) {
        throw new InvalidInputException(OPTIONS + " is set, but " + CLASS + " " + name
            + " has no public constructor taking a com.typesafe.config.Config");
      }
      return plain.newInstance();
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InvalidInputException) {
        throw new InvalidInputException(CLASS + " " + name + ": " + cause.getMessage(), cause);
      }
      throw new InvalidInputException(CLASS + " " + name + " failed to construct: " + cause,
          cause);
    } catch (ReflectiveOperationException e) {
      throw new InvalidInputException(CLASS + " " + name + " could not be constructed: " + e,
          e);
    }
  }

  private static Constructor<? extends RowModel> constructor(Class<? extends RowModel> type,
      Class<?>... parameters) {
    try {
      return type.getConstructor(parameters);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** The model's parameter names for {@code features}, checked: 1..MAX_DIMENSION, distinct. */
  static List<String> names(RowModel model, List<String> features) {
    String name = model.getClass().getName();
    List<String> names;
    try {
      names = model.parameterNames(List.copyOf(features));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(CLASS + " " + name + ": " + e.getMessage(), e);
    }
    if (names == null || names.isEmpty() || names.size() > Checks.MAX_DIMENSION) {
      throw new InvalidInputException(CLASS + " " + name + " names " + (names == null ? 0
          : names.size()) + " parameters for " + features.size() + " features (must be"
          + " between 1 and " + Checks.MAX_DIMENSION + ")");
    }
    if (names.stream().anyMatch(java.util.Objects::isNull)
        || new HashSet<>(names).size() != names.size()) {
      throw new InvalidInputException(CLASS + " " + name + " names a parameter twice (or"
          + " null): " + names);
    }
    return List.copyOf(names);
  }
}
