package org.poevi.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import org.poevi.InvalidInputException;
import org.poevi.targets.Checks;
import org.poevi.targets.Target;

/**
 * {@code target.type = class}: a user's {@link Target} loaded by name from the classpath (a jar
 * given to {@code jobs/poevi --jars} or to spark-submit). Keys:
 *
 * <pre>
 *   target.class   = "com.example.MyTarget"   # required
 *   target.options { ... }                    # optional: any keys, handed to the constructor
 * </pre>
 *
 * <p>The class must be public, implement {@link Target} and have a public constructor taking a
 * {@link Config} (the {@code target.options} block, empty when absent) or, when no options are
 * given, a public no-argument constructor. A constructor that throws
 * {@link InvalidInputException} reports a user error; its message is passed on after the class
 * name. The resulting target is checked: dimension at least 1, as many parameter names as
 * dimensions, no name twice. See {@code docs/user-targets.md}.
 */
final class UserTargets {
  private static final String PREFIX = "target.";

  private UserTargets() {}

  static Target load(Config target) {
    Config options = ConfigFactory.empty();
    boolean hasOptions = false;
    String className = null;
    for (Map.Entry<String, ConfigValue> e : target.root().entrySet()) {
      switch (e.getKey()) {
        case "type" -> { }
        case "class" -> {
          if (e.getValue().valueType() != ConfigValueType.STRING) {
            throw new InvalidInputException(PREFIX + "class must be a string (a class name),"
                + " got " + TargetReader.describe(e.getValue()));
          }
          className = ((String) e.getValue().unwrapped()).trim();
        }
        case "options" -> {
          if (e.getValue().valueType() != ConfigValueType.OBJECT) {
            throw new InvalidInputException(PREFIX + "options must be an object { ... }, got "
                + TargetReader.describe(e.getValue()));
          }
          options = target.getConfig("options");
          hasOptions = true;
        }
        default -> throw new InvalidInputException("unknown key " + PREFIX + e.getKey()
            + " for type class (allowed: class, options, type)");
      }
    }
    if (className == null || className.isEmpty()) {
      throw new InvalidInputException(PREFIX + "class is missing: target.type = class needs the"
          + " name of a class implementing org.poevi.targets.Target, e.g. com.example.MyTarget");
    }
    Class<?> type;
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      type = Class.forName(className, true, loader != null ? loader
          : UserTargets.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new InvalidInputException(PREFIX + "class " + className + " was not found on the"
          + " classpath (give its jar with jobs/poevi --jars or spark-submit --jars)", e);
    }
    if (!Target.class.isAssignableFrom(type)) {
      throw new InvalidInputException(PREFIX + "class " + className + " does not implement "
          + Target.class.getName());
    }
    if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
      throw new InvalidInputException(PREFIX + "class " + className + " must be a public,"
          + " non-abstract class");
    }
    Target t = construct(type.asSubclass(Target.class), className, options, hasOptions);
    check(t, className);
    return t;
  }

  private static Target construct(Class<? extends Target> type, String className,
      Config options, boolean hasOptions) {
    Constructor<? extends Target> withConfig = constructor(type, Config.class);
    Constructor<? extends Target> plain = constructor(type);
    try {
      if (withConfig != null) {
        return withConfig.newInstance(options);
      }
      if (plain == null) {
        throw new InvalidInputException(PREFIX + "class " + className + " needs a public"
            + " constructor taking a com.typesafe.config.Config (target.options) or none");
      }
      if (hasOptions) {
        throw new InvalidInputException(PREFIX + "options is set, but " + className + " has no"
            + " public constructor taking a com.typesafe.config.Config");
      }
      return plain.newInstance();
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InvalidInputException) {
        throw new InvalidInputException(PREFIX + "class " + className + ": "
            + cause.getMessage(), cause);
      }
      throw new InvalidInputException(PREFIX + "class " + className + " failed to construct: "
          + cause, cause);
    } catch (ReflectiveOperationException e) {
      throw new InvalidInputException(PREFIX + "class " + className + " could not be"
          + " constructed: " + e, e);
    }
  }

  private static Constructor<? extends Target> constructor(Class<? extends Target> type,
      Class<?>... parameters) {
    try {
      return type.getConstructor(parameters);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static void check(Target t, String className) {
    int dim = t.dim();
    if (dim < 1 || dim > Checks.MAX_DIMENSION) {
      throw new InvalidInputException(PREFIX + "class " + className + " has dimension " + dim
          + " (must be between 1 and " + Checks.MAX_DIMENSION + ")");
    }
    List<String> names = t.parameterNames();
    if (names == null || names.size() != dim) {
      throw new InvalidInputException(PREFIX + "class " + className + " has dimension " + dim
          + " but " + (names == null ? "no" : names.size()) + " parameter names");
    }
    if (new java.util.HashSet<>(names).size() != dim) {
      throw new InvalidInputException(PREFIX + "class " + className + " names a parameter"
          + " twice: " + names);
    }
  }
}
