package org.poevi.benchmarks;

import dev.ludovic.netlib.blas.BLAS;
import java.util.SplittableRandom;
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

/**
 * The machine's dgemm rate through netlib's {@code BLAS.getInstance()}: square products, and the
 * sampler's own block product (P+D+1)×256×K (column-major, "N","N"; P = D(D+1)/2). Scores are
 * µs per call; GFLOP/s = 2·m·n·k / (1000 · µs).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DgemmBenchmark {
  /** Square n×n×n. */
  @State(Scope.Thread)
  public static class Square {
    @Param({"64", "256", "1024"})
    int n;

    Operands ops;

    @Setup(Level.Trial)
    public void setUp() {
      ops = new Operands(n, n, n);
    }
  }

  /** The sampler's block: m = P+D+1 rows, n = 256 draws, k = K experts. */
  @State(Scope.Thread)
  public static class SamplerShape {
    @Param({"2", "10", "50"})
    int dim;

    @Param({"10", "100"})
    int experts;

    Operands ops;

    @Setup(Level.Trial)
    public void setUp() {
      ops = new Operands(dim * (dim + 1) / 2 + dim + 1, 256, experts);
    }
  }

  /** A (m×k), B (k×n), C (m×n), column-major. */
  static final class Operands {
    final int m;
    final int n;
    final int k;
    final double[] a;
    final double[] b;
    final double[] c;

    Operands(int m, int n, int k) {
      this.m = m;
      this.n = n;
      this.k = k;
      SplittableRandom rng = new SplittableRandom(7);
      a = rng.doubles((long) m * k).toArray();
      b = rng.doubles((long) k * n).toArray();
      c = new double[m * n];
    }

    double[] run() {
      BLAS.getInstance().dgemm("N", "N", m, n, k, 1.0, a, 0, m, b, 0, k, 0.0, c, 0, m);
      return c;
    }
  }

  @Benchmark
  public double[] square(Square s) {
    return s.ops.run();
  }

  @Benchmark
  public double[] samplerShape(SamplerShape s) {
    return s.ops.run();
  }
}
