package org.poevi.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.poevi.targets.glm.ExactRowData;
import org.poevi.targets.glm.InMemoryRowData;
import org.poevi.targets.glm.LogisticLikelihood;
import org.poevi.targets.glm.RowBlock;
import org.poevi.targets.glm.RowData;
import org.poevi.targets.glm.RowLikelihood;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * One block of a data-parallel pass (SPEC §6) of the logistic likelihood, on one thread: 8192
 * rows, D = 20, at 512 points, with the gradient (the fit's batches) or without it (log p̃ at
 * the output draws). ns per row and point: divide the ms by 8192 · 512 / 10⁶ = 4.19. Each pass
 * is a {@link RowData#sums} over the one block, in floating point (BLAS) or exact
 * ({@link ExactRowData}: scalar products and an exact accumulator per output).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GlmPassBenchmark {
  static final int POINTS = 512;

  @Param({"true", "false"})
  boolean gradient;

  @Param({"false", "true"})
  boolean exact;

  private RowBlock block;
  private RowLikelihood likelihood;
  private RowData rows;
  private double[] points;

  @Setup(Level.Trial)
  public void setUp() {
    SyntheticLogisticData data = new SyntheticLogisticData(SyntheticLogisticData.BLOCK_ROWS, 19,
        true, 1);
    block = data.block(0);
    int dim = block.columns();
    LogisticLikelihood full = new LogisticLikelihood(dim);
    likelihood = gradient ? full : full.values();
    RowData plain = new InMemoryRowData(java.util.List.of(block), 1);
    rows = exact ? ExactRowData.over(plain) : plain;
    Random rng = new Random(1);
    points = new double[POINTS * dim];
    for (int i = 0; i < points.length; i++) {
      points[i] = 0.3 * rng.nextGaussian();
    }
  }

  @Benchmark
  public double[] pass() {
    return rows.sums(likelihood, points, POINTS, block.columns());
  }
}
