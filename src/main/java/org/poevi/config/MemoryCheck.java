package org.poevi.config;

import com.typesafe.config.Config;
import java.util.Locale;
import org.poevi.InvalidInputException;

/**
 * Refuses, before a fit starts, a count whose arrays cannot exist in this JVM: more doubles than
 * Java's largest array, or more bytes than the whole heap. The error names the key, what it
 * would need at the target's dimension, and the heap, instead of an OutOfMemoryError minutes
 * later. The estimates are lower bounds of the largest arrays each count sizes (n×D draws and
 * their log densities, K experts of D×D, a batch's points and scores), so a fit that passes may
 * still need more; one that fails cannot run.
 */
public final class MemoryCheck {
  private static final long LARGEST_ARRAY = Integer.MAX_VALUE - 8L;

  private MemoryCheck() {}

  /** Checks the counts of {@code method}'s settings in {@code resolved} at dimension D. */
  static void check(Config resolved, FitMethod method, int dim) {
    long heap = Runtime.getRuntime().maxMemory();
    long d = dim;
    // draws.csv: n × (D + 2) values, made once and copied once (the table and its CSV).
    check("output.draws", resolved.getInt("output.draws"), d + 2, 2, true, heap, dim);
    switch (method) {
      case POE -> {
        long draws = org.poevi.fit.InitSettings.draws(FitConfig.gaussianDraws(resolved), dim);
        if (resolved.getBoolean("init.gaussian-reuse")) {
          // Every round's draws are kept: points, scores, log p and each proposal's density.
          int rounds = org.poevi.fit.InitSettings.rounds(FitConfig.gaussianRounds(resolved),
              dim);
          check("init.gaussian-rounds × init.gaussian-draws (init.gaussian-reuse = true)",
              rounds * draws, 2 * d + 2 + rounds, 1, true, heap, dim);
        } else {
          check("init.gaussian-draws", draws, d + 2, 2, true, heap, dim);
        }
        int widths = resolved.getDoubleList("experts.widths").size();
        int globals = resolved.getDoubleList("experts.global-widths").size();
        if (org.poevi.fit.ExpertPool.Structure.parse(resolved.getString("experts.structure"))
            .structured(dim)) {
          // Structured experts: a location and rank + 1 columns of D each, nothing D×D.
          check("experts.count", resolved.getInt("experts.count"),
              (long) (widths + globals) * d * (resolved.getInt("experts.rank") + 2), 2, false,
              heap, dim);
        } else {
          checkDense(resolved, widths, globals, heap, dim);
        }
        // A batch's points, scores and weights (its MALA population has at least 128·D chains).
        check("fit.batch-size", Math.max(resolved.getInt("fit.batch-size"), 128L * dim), 3 * d,
            1, true, heap, dim);
      }
      case ADVI_FULLRANK, ADVI_MEANFIELD -> {
        check("fit.advi.grad-samples", resolved.getInt("fit.advi.grad-samples"), 2 * d, 1,
            true, heap, dim);
        check("fit.advi.elbo-samples", resolved.getInt("fit.advi.elbo-samples"), 2 * d, 1,
            true, heap, dim);
      }
      case BAM -> check("fit.bam.batch-size", resolved.getInt("fit.bam.batch-size"), 2 * d, 1,
          true, heap, dim);
    }
  }

  /**
   * The dense pool's experts, each a D×D Λ: the bulk ones, and under experts.axes = auto or
   * always the coordinate experts, their priced grid and the priced bulk candidates (auto only).
   */
  private static void checkDense(Config resolved, int widths, int globals, long heap, int dim) {
    long d = dim;
    check("experts.count", resolved.getInt("experts.count"), (long) widths * d * d, 2, false,
        heap, dim);
    org.poevi.fit.AxisMode axes = org.poevi.fit.AxisMode.parse(resolved.getString(
        "experts.axes"));
    if (axes == org.poevi.fit.AxisMode.NEVER) {
      return;
    }
    // Coordinate experts: D per offset and width, each a D×D Λ.
    check("the coordinate experts (D × |experts.axis-offsets| × |experts.axis-widths|)",
        d * resolved.getDoubleList("experts.axis-offsets").size()
        * resolved.getDoubleList("experts.axis-widths").size(), d * d, 2, false, heap, dim);
    if (axes != org.poevi.fit.AxisMode.AUTO) {
      return;
    }
    // Coordinate experts priced instead (when more than the pool's others): the finer grid and
    // the default one's other pairs.
    check("the priced coordinate experts (when they are too many for the pool)",
        d * org.poevi.fit.RefineSettings.pricedCoordinatePairs(toArray(resolved.getDoubleList(
        "experts.axis-offsets")), toArray(resolved.getDoubleList("experts.axis-widths"))),
        d * d, 1, false, heap, dim);
    // Priced candidates: (|widths| + |global-widths|) per candidate centre.
    check("experts.refine-candidates × experts.count", (long) resolved.getInt(
        "experts.refine-candidates") * resolved.getInt("experts.count"),
        (widths + globals) * d * d, 1, false, heap, dim);
  }

  private static double[] toArray(java.util.List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * {@code count} units of {@code perUnit} doubles each ({@code copies} of them at once), in one
   * array when {@code oneArray}.
   */
  private static void check(String key, long count, long perUnit, int copies, boolean oneArray,
      long heap, int dim) {
    double doubles = (double) count * perUnit;
    double bytes = doubles * Double.BYTES * copies;
    if (oneArray && doubles > LARGEST_ARRAY) {
      throw new InvalidInputException(String.format(Locale.ROOT, "%s = %d is too large at D = %d:"
          + " it needs an array of %.3g numbers, more than Java's largest (%d)", key, count, dim,
          doubles, LARGEST_ARRAY));
    }
    if (bytes > heap) {
      throw new InvalidInputException(String.format(Locale.ROOT, "%s = %d needs at least %s at"
          + " D = %d, more than this JVM's heap of %s: lower it, or give the JVM more heap"
          + " (JAVA_OPTS=-Xmx..., spark.driver.memory)", key, count, size(bytes), dim,
          size(heap)));
    }
  }

  /** A byte count for messages: MiB, or GiB from 1 GiB. */
  public static String size(double bytes) {
    return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", bytes / (1L << 30))
        : String.format(Locale.ROOT, "%.0f MiB", bytes / (1L << 20));
  }
}
