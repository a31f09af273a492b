package org.poevi.target;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.poevi.InvalidInputException;

/**
 * A normal prior N(m, s²) on a coefficient, written {@code normal(m, s)} in a configuration. The
 * other prior families of SPEC §5 (student_t, cauchy, flat) come with issue #5.
 */
public record NormalPrior(double mean, double sd) implements Serializable {
  private static final String NUM = "\\s*([+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)\\s*";
  private static final Pattern NORMAL = Pattern.compile("\\s*normal\\s*\\(" + NUM + "," + NUM
      + "\\)\\s*");
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

  public NormalPrior {
    if (!Double.isFinite(mean) || !(sd > 0) || !Double.isFinite(sd)) {
      throw new InvalidInputException("normal(m, s) needs a finite m and a finite s > 0, got"
          + " normal(" + mean + ", " + sd + ")");
    }
  }

  /**
   * @param key the configuration key, for the message
   * @throws InvalidInputException one line naming the key and the text
   */
  public static NormalPrior parse(String key, String text) {
    Matcher m = NORMAL.matcher(text);
    if (!m.matches()) {
      throw new InvalidInputException(key + " must be a prior of the form normal(m, s), got \""
          + text + "\" (student_t, cauchy and flat priors come with issue #5)");
    }
    try {
      return new NormalPrior(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(key + ": " + e.getMessage(), e);
    }
  }

  /** log N(z; m, s²), normalised. */
  public double logDensity(double z) {
    double u = (z - mean) / sd;
    return -0.5 * u * u - Math.log(sd) - HALF_LOG_TWO_PI;
  }

  /** d/dz log N(z; m, s²). */
  public double score(double z) {
    return -(z - mean) / (sd * sd);
  }

  @Override
  public String toString() {
    return "normal(" + format(mean) + ", " + format(sd) + ")";
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
