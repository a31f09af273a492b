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
        long perCount = (long) widths * d * d;
        check("experts.count", resolved.getInt("experts.count"), perCount, 2, false, heap, dim);
        // Coordinate experts: D per offset and width, each a D×D Λ.
        check("the coordinate experts (D × |experts.axis-offsets| × |experts.axis-widths|)",
            (long) dim * resolved.getDoubleList("experts.axis-offsets").size()
            * resolved.getDoubleList("experts.axis-widths").size(), (long) d * d, 2, false, heap,
            dim);
        // Priced candidates: (|widths| + |global-widths|) per candidate centre, each a D×D Λ.
        check("experts.refine-candidates × experts.count", (long) resolved.getInt(
            "experts.refine-candidates") * resolved.getInt("experts.count"),
            (widths + resolved.getDoubleList("experts.global-widths").size()) * d * d, 1, false,
            heap, dim);
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
