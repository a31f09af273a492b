package org.poevi.math;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Independent random streams derived from one master seed and a path of integer keys.
 *
 * <p>A stream is keyed by, for example, (purpose, iteration, block index). The key path is folded
 * into a 128-bit state with the SplitMix64 finaliser (Steele, Lea and Flood 2014), and the stream is
 * a {@code XO_RO_SHI_RO_128_PP} generator seeded with that state. Streams therefore never depend on
 * thread scheduling, partition ids or how many blocks a worker happens to process, which is what
 * makes every result independent of the number of threads, partitions or executors.
 */
public final class RandomStreams {
  /** Purpose keys; each phase of an algorithm draws from its own family of streams. */
  public static final long DIRICHLET = 1;
  public static final long CONDITIONAL_T = 2;
  public static final long RESAMPLE = 3;
  public static final long Z_IMPORTANCE = 4;
  public static final long SHUFFLE = 5;
  public static final long MODE_STARTS = 6;
  public static final long GAUSSIAN = 7;
  public static final long POOL = 8;
  public static final long BATCH = 9;
  public static final long EVALUATE = 10;
  public static final long MOVE = 11;
  /** Synthetic data sets: one stream per row (keyed by the row's index), and one for the truth. */
  public static final long SYNTHETIC_ROW = 12;
  public static final long SYNTHETIC_TRUTH = 13;
  /** The Gaussian baselines (ADVI, BaM): their draws per iteration. */
  public static final long BASELINE = 14;
  /** The Feynman sampler's proposals for w built from draws of z: their resampling and z | w. */
  public static final long WEIGHT_PROPOSAL = 15;
  /** The tempered Gibbs particles of {@code TemperedGibbs}: resampling and moves. */
  public static final long GIBBS = 16;
  /** The MALA chains on q that check its draws (org.poevi.family.HiddenMassCheck). */
  public static final long HIDDEN_MASS = 17;

  private final long seed;

  private RandomStreams(long seed) {
    this.seed = seed;
  }

  public static RandomStreams of(long seed) {
    return new RandomStreams(seed);
  }

  public long seed() {
    return seed;
  }

  /** The generator for the given key path; the same path always gives the same sequence. */
  public UniformRandomProvider stream(long... keys) {
    long h0 = mix(seed ^ 0x9E3779B97F4A7C15L);
    long h1 = mix(~seed + 0x632BE59BD9B4E019L);
    for (long key : keys) {
      h0 = mix(h0 ^ mix(key + 0x9E3779B97F4A7C15L));
      h1 = mix(h1 + mix(key ^ 0xD1B54A32D192ED03L));
    }
    // The xoroshiro state must not be all zero; the mixed halves are, with overwhelming
    // probability, but guard it because the generator would then emit zeros forever.
    if (h0 == 0 && h1 == 0) {
      h1 = 1;
    }
    return RandomSource.XO_RO_SHI_RO_128_PP.create(new long[] {h0, h1});
  }

  /** SplitMix64 finaliser: a bijective avalanche mix of 64 bits. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform draw on (0, 1], so that its logarithm is finite. */
  public static double openClosedUniform(UniformRandomProvider rng) {
    return ((rng.nextLong() >>> 11) + 1L) * 0x1.0p-53;
  }
}
