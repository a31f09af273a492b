package org.poevi.targets.glm;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.numbers.gamma.LogGamma;
import org.poevi.InvalidInputException;

/**
 * A prior on one parameter, written as a string in a configuration (SPEC §5), with its log density
 * and score on the unconstrained scale the fit works on:
 *
 * <ul>
 *   <li>coefficients and intercepts ({@link #coefficient}): {@code normal(m, s)},
 *       {@code student_t(df, m, s)}, {@code cauchy(m, s)}, {@code flat};
 *   <li>scales σ &gt; 0 ({@link #scale}), sampled as u = log σ with the Jacobian (log density
 *       log p(e^u) + u): {@code half_normal(s)}, {@code half_student_t(df, s)},
 *       {@code half_cauchy(s)}, {@code exponential(rate)}, {@code flat} (uniform on σ).
 * </ul>
 *
 * <p>Densities are normalised (flat ones are 1 on their scale). {@link #toString} gives the
 * canonical string, which summary.json echoes.
 */
public abstract class Prior implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double LOG_PI = Math.log(Math.PI);
  private static final double LOG_TWO = Math.log(2);
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
  private static final String NUMBER = "\\s*([+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)\\s*";
  private static final Pattern CALL = Pattern.compile("\\s*([a-z_]+)\\s*(?:\\((.*)\\))?\\s*");
  private static final Pattern ARGUMENT = Pattern.compile(NUMBER);

  private final String text;

  private Prior(String text) {
    this.text = text;
  }

  /** log p at the unconstrained value. */
  public abstract double logDensity(double x);

  /** d/dx log p at the unconstrained value. */
  public abstract double score(double x);

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prior p && p.getClass() == getClass() && p.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  // ------------------------------------------------------------------------------ coefficients

  public static Prior normal(double mean, double sd) {
    PriorChecks.positive("normal(m, s)", "s", sd);
    PriorChecks.finite("normal(m, s)", "m", mean);
    PriorChecks.near("normal(m, s)", mean, sd);
    double logNorm = -Math.log(sd) - HALF_LOG_TWO_PI;
    return new Prior("normal(" + format(mean) + ", " + format(sd) + ")") {
      @Override
      public double logDensity(double x) {
        double u = (x - mean) / sd;
        return logNorm - 0.5 * u * u;
      }

      @Override
      public double score(double x) {
        return -(x - mean) / (sd * sd);
      }
    };
  }

  public static Prior studentT(double df, double mean, double scale) {
    PriorChecks.positive("student_t(df, m, s)", "df", df);
    PriorChecks.finite("student_t(df, m, s)", "m", mean);
    PriorChecks.positive("student_t(df, m, s)", "s", scale);
    PriorChecks.near("student_t(df, m, s)", mean, scale);
    double logNorm = tLogNormalizer(df) - Math.log(scale);
    return new Prior("student_t(" + format(df) + ", " + format(mean) + ", " + format(scale)
        + ")") {
      @Override
      public double logDensity(double x) {
        double u = (x - mean) / scale;
        return logNorm - 0.5 * (df + 1) * Math.log1p(u * u / df);
      }

      @Override
      public double score(double x) {
        double d = x - mean;
        return -(df + 1) * d / (df * scale * scale + d * d);
      }
    };
  }

  public static Prior cauchy(double mean, double scale) {
    PriorChecks.finite("cauchy(m, s)", "m", mean);
    PriorChecks.positive("cauchy(m, s)", "s", scale);
    PriorChecks.near("cauchy(m, s)", mean, scale);
    double logNorm = -LOG_PI - Math.log(scale);
    return new Prior("cauchy(" + format(mean) + ", " + format(scale) + ")") {
      @Override
      public double logDensity(double x) {
        double u = (x - mean) / scale;
        return logNorm - Math.log1p(u * u);
      }

      @Override
      public double score(double x) {
        double d = x - mean;
        return -2 * d / (scale * scale + d * d);
      }
    };
  }

  /** The improper uniform prior on the real line (log density 0). */
  public static Prior flat() {
    return new Prior("flat") {
      @Override
      public double logDensity(double x) {
        return 0;
      }

      @Override
      public double score(double x) {
        return 0;
      }
    };
  }

  // ---------------------------------------------------------------------------------- scales

  /** A density p(σ) on σ &gt; 0 as a prior on u = log σ: log p(e^u) + u. */
  private abstract static class OnLogScale extends Prior {
    private static final long serialVersionUID = 1L;

    OnLogScale(String text) {
      super(text);
    }

    /** log p(σ). */
    abstract double logDensityOfScale(double sigma);

    /** d/dσ log p(σ). */
    abstract double scoreOfScale(double sigma);

    @Override
    public double logDensity(double u) {
      return logDensityOfScale(Math.exp(u)) + u;
    }

    @Override
    public double score(double u) {
      double sigma = Math.exp(u);
      return scoreOfScale(sigma) * sigma + 1;
    }
  }

  public static Prior halfNormal(double scale) {
    PriorChecks.positive("half_normal(s)", "s", scale);
    double logNorm = LOG_TWO - HALF_LOG_TWO_PI - Math.log(scale);
    return new OnLogScale("half_normal(" + format(scale) + ")") {
      @Override
      double logDensityOfScale(double sigma) {
        double u = sigma / scale;
        return logNorm - 0.5 * u * u;
      }

      @Override
      double scoreOfScale(double sigma) {
        return -sigma / (scale * scale);
      }
    };
  }

  public static Prior halfStudentT(double df, double scale) {
    PriorChecks.positive("half_student_t(df, s)", "df", df);
    PriorChecks.positive("half_student_t(df, s)", "s", scale);
    double logNorm = LOG_TWO + tLogNormalizer(df) - Math.log(scale);
    return new OnLogScale("half_student_t(" + format(df) + ", " + format(scale) + ")") {
      @Override
      double logDensityOfScale(double sigma) {
        double u = sigma / scale;
        return logNorm - 0.5 * (df + 1) * Math.log1p(u * u / df);
      }

      @Override
      double scoreOfScale(double sigma) {
        return -(df + 1) * sigma / (df * scale * scale + sigma * sigma);
      }
    };
  }

  public static Prior halfCauchy(double scale) {
    PriorChecks.positive("half_cauchy(s)", "s", scale);
    double logNorm = LOG_TWO - LOG_PI - Math.log(scale);
    return new OnLogScale("half_cauchy(" + format(scale) + ")") {
      @Override
      double logDensityOfScale(double sigma) {
        double u = sigma / scale;
        return logNorm - Math.log1p(u * u);
      }

      @Override
      double scoreOfScale(double sigma) {
        return -2 * sigma / (scale * scale + sigma * sigma);
      }
    };
  }

  public static Prior exponential(double rate) {
    PriorChecks.positive("exponential(rate)", "rate", rate);
    double logRate = Math.log(rate);
    return new OnLogScale("exponential(" + format(rate) + ")") {
      @Override
      double logDensityOfScale(double sigma) {
        return logRate - rate * sigma;
      }

      @Override
      double scoreOfScale(double sigma) {
        return -rate;
      }
    };
  }

  /** The improper uniform prior on σ &gt; 0, i.e. log density u on u = log σ. */
  public static Prior flatScale() {
    return new OnLogScale("flat") {
      @Override
      double logDensityOfScale(double sigma) {
        return 0;
      }

      @Override
      double scoreOfScale(double sigma) {
        return 0;
      }
    };
  }

  // --------------------------------------------------------------------------------- parsing

  /**
   * A coefficient or intercept prior from its string.
   *
   * @param key the configuration key, for messages
   * @throws InvalidInputException one line naming the key and the text
   */
  public static Prior coefficient(String key, String text) {
    Call c = parse(key, text, "normal(m, s), student_t(df, m, s), cauchy(m, s) or flat",
        "normal", "student_t", "cauchy", "flat");
    return build(key, text, () -> switch (c.name) {
      case "normal" -> {
        c.arity(2);
        yield normal(c.args[0], c.args[1]);
      }
      case "student_t" -> {
        c.arity(3);
        yield studentT(c.args[0], c.args[1], c.args[2]);
      }
      case "cauchy" -> {
        c.arity(2);
        yield cauchy(c.args[0], c.args[1]);
      }
      case "flat" -> {
        c.arity(0);
        yield flat();
      }
      default -> throw c.unknown();
    });
  }

  /**
   * A prior on a scale σ &gt; 0 (sampled as log σ) from its string.
   *
   * @param key the configuration key, for messages
   * @throws InvalidInputException one line naming the key and the text
   */
  public static Prior scale(String key, String text) {
    Call c = parse(key, text,
        "half_normal(s), half_student_t(df, s), half_cauchy(s), exponential(rate) or flat",
        "half_normal", "half_student_t", "half_cauchy", "exponential", "flat");
    return build(key, text, () -> switch (c.name) {
      case "half_normal" -> {
        c.arity(1);
        yield halfNormal(c.args[0]);
      }
      case "half_student_t" -> {
        c.arity(2);
        yield halfStudentT(c.args[0], c.args[1]);
      }
      case "half_cauchy" -> {
        c.arity(1);
        yield halfCauchy(c.args[0]);
      }
      case "exponential" -> {
        c.arity(1);
        yield exponential(c.args[0]);
      }
      case "flat" -> {
        c.arity(0);
        yield flatScale();
      }
      default -> throw c.unknown();
    });
  }

  /** A parsed {@code name(a, b, ...)}. */
  private static final class Call {
    final String name;
    final double[] args;
    final String allowed;

    Call(String name, double[] args, String allowed) {
      this.name = name;
      this.args = args;
      this.allowed = allowed;
    }

    void arity(int n) {
      if (args.length != n) {
        throw new InvalidInputException(name + " takes " + n + " argument" + (n == 1 ? "" : "s")
            + ", got " + args.length);
      }
    }

    IllegalStateException unknown() {
      return new IllegalStateException("unhandled prior " + name + " (allowed: " + allowed + ")");
    }
  }

  private static Call parse(String key, String text, String allowed, String... names) {
    Matcher m = CALL.matcher(text);
    if (!m.matches() || !java.util.List.of(names).contains(m.group(1))) {
      throw new InvalidInputException(key + " must be one of " + allowed + ", got \"" + text
          + "\"");
    }
    String inside = m.group(2);
    double[] args;
    if (inside == null || inside.isBlank()) {
      args = new double[0];
    } else {
      String[] parts = inside.split(",", -1);
      args = new double[parts.length];
      for (int i = 0; i < parts.length; i++) {
        Matcher a = ARGUMENT.matcher(parts[i]);
        if (!a.matches()) {
          throw new InvalidInputException(key + ": argument " + (i + 1) + " of \"" + text
              + "\" is not a number");
        }
        args[i] = Double.parseDouble(a.group(1));
      }
    }
    return new Call(m.group(1), args, allowed);
  }

  private static Prior build(String key, String text,
      java.util.function.Supplier<Prior> factory) {
    try {
      return factory.get();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(key + ": " + e.getMessage() + " (in \"" + text + "\")", e);
    }
  }

  /** lnΓ((ν+1)/2) − lnΓ(ν/2) − ½ log(νπ): the log normaliser of a standard t. */
  private static double tLogNormalizer(double df) {
    return LogGamma.value(0.5 * (df + 1)) - LogGamma.value(0.5 * df)
        - 0.5 * (Math.log(df) + LOG_PI);
  }

  static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
