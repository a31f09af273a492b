package org.poevi.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.poevi.family.FeynmanSampler;
import org.poevi.math.RandomStreams;

/**
 * Weighted draws per second from {@link FeynmanSampler#weighted}: Dirichlet w, Λ(w) for a block of
 * 256 with one dgemm, one Cholesky per draw, z | w. One operation = one draw (n = {@value #N} per
 * invocation), so the score is draws/s and {@code -prof gc}'s gc.alloc.rate.norm is bytes/draw.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SamplerBenchmark {
  static final int N = 16384;

  @Param({"2", "10", "50"})
  int dim;

  @Param({"10", "100"})
  int experts;

  @Param({"1", "2"})
  int threads;

  private FeynmanSampler sampler;
  private RandomStreams streams;
  private long stage;

  @Setup(Level.Trial)
  public void setUp() {
    sampler = FeynmanSampler.of(RandomModels.model(dim, experts, 20261126L + 1000L * dim + experts));
    streams = RandomStreams.of(42);
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public FeynmanSampler.WeightedDraws weighted() {
    // A fresh stage per invocation: new streams, as successive iterations of a fit would use.
    return sampler.weighted(streams, stage++, N, threads);
  }
}
