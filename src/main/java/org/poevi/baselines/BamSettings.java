package org.poevi.baselines;

/**
 * The {@code fit.bam} block.
 *
 * @param iterations {@code fit.bam.iterations}
 * @param batchSize {@code fit.bam.batch-size}: draws per iteration; λ_t = B·D/(t + 1)
 */
public record BamSettings(int iterations, int batchSize) {
  public BamSettings {
    AdviSettings.atLeastOne(iterations, "fit.bam.iterations");
    AdviSettings.atMost(iterations, 1_000_000, "fit.bam.iterations");
    AdviSettings.atLeastOne(batchSize, "fit.bam.batch-size");
  }

  public static BamSettings defaults() {
    return new BamSettings(200, 32);
  }
}
