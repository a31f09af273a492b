package org.poevi.spark;

import java.awt.image.BufferedImage;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.poevi.InvalidInputException;
import org.poevi.family.FittedModel;
import org.poevi.family.SampleOptions;
import org.poevi.fit.TraceRow;
import org.poevi.results.FitOutcome;
import org.poevi.results.JsonOutput;
import org.poevi.results.SampleOutcome;

/**
 * What the Python package ({@code python/poevi}) calls through Py4J, where Java's varargs,
 * arrays and images do not cross well: numbers go over as little-endian bytes (one transfer,
 * not one call per element), pictures as PNG bytes, paths and overrides as strings and lists.
 * Not for Java callers: use {@link Poevi}.
 */
public final class PythonBridge {
  private PythonBridge() {}

  /** {@code values} as little-endian IEEE doubles, 8 bytes each (numpy's {@code <f8}). */
  public static byte[] doubles(double[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Double.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    buffer.asDoubleBuffer().put(values);
    return buffer.array();
  }

  /** The picture as PNG bytes. */
  public static byte[] png(BufferedImage image) {
    return org.poevi.plot.FitPlots.png(image);
  }

  /**
   * {@link Poevi#fit(String, String...)} for HOCON text, or {@link Poevi#fit(Path, String...)}
   * for a configuration file ({@code hocon} null), with the overrides as a list.
   */
  public static PoeviFit fit(Poevi poevi, String hocon, String configFile,
      List<String> overrides) {
    String[] extra = overrides.toArray(new String[0]);
    return hocon != null ? poevi.fit(hocon, extra) : poevi.fit(Path.of(configFile), extra);
  }

  /** {@link Poevi#sample(Path, int, long)} for a model.json's local path. */
  public static SampleOutcome sample(String modelJson, int draws, long seed) {
    return SampleOutcome.of(Path.of(modelJson), draws, seed);
  }

  /** Draws of a fitted model of either family (a fit's or a spark.ml model's). */
  public static SampleOutcome sample(FittedModel model, int draws, long seed) {
    if (draws < 1) {
      throw new InvalidInputException("draws must be >= 1, got " + draws);
    }
    return SampleOutcome.of(model, SampleOptions.builder().draws(draws).seed(seed).build(),
        null, System.nanoTime());
  }

  /** The names of the target's own (constrained) parameters: sigma for log_sigma, ... */
  public static List<String> constrainedNames(FitOutcome fit) {
    return fit.target().constrainedNames();
  }

  /** The fit's draws on the target's own (constrained) scale, n × constrainedNames(). */
  public static double[] constrainedDraws(FitOutcome fit) {
    return JsonOutput.constrain(fit.target(), fit.draws());
  }

  /** trace.csv's text: a header of {@link TraceRow#COLUMNS}, then one line per iteration. */
  public static String traceCsv(FitOutcome fit) {
    StringBuilder csv = new StringBuilder(String.join(",", TraceRow.COLUMNS)).append('\n');
    for (TraceRow row : fit.trace()) {
      csv.append(String.join(",", row.csvFields())).append('\n');
    }
    return csv.toString();
  }

  /** Writes the fit's files into the local directory {@code dir} ({@link FitOutcome#save}). */
  public static void save(FitOutcome fit, String dir) {
    fit.save(Path.of(dir));
  }

  /** Writes the sample's files into the local directory {@code dir}. */
  public static void save(SampleOutcome sample, String dir) {
    sample.save(Path.of(dir));
  }

  /** A progress sink whose text Python collects while a fit runs on another thread. */
  public static Lines lines() {
    return new Lines();
  }

  /** Text written by a fit's progress, taken out by {@link #drain()}. */
  public static final class Lines extends Writer {
    private final StringBuilder text = new StringBuilder();

    @Override
    public synchronized void write(char[] chars, int offset, int length) {
      text.append(chars, offset, length);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    /** What was written since the last call, and forgets it. */
    public synchronized String drain() {
      String out = text.toString();
      text.setLength(0);
      return out;
    }
  }
}
