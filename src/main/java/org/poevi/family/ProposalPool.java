package org.poevi.family;

import static org.poevi.family.FeynmanSampler.BLOCK_SIZE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.poevi.math.BlockParallel;
import org.poevi.math.LogSpace;
import org.poevi.math.RandomStreams;

/**
 * The proposals of one round of {@link FeynmanSampler#sample}: per proposal its log importance
 * weight log C(w) + log(Dir(w | α)/r(w)) and, for the prior proposal, whether its accept uniform
 * fell under C(w)/sup C. Optionally the weighted moments of w that adapt the next proposal.
 * Proposals come in blocks of {@value FeynmanSampler#BLOCK_SIZE}, block b drawing w from stream
 * (DIRICHLET, stage, round, b) and z from (CONDITIONAL_T, stage, round, b).
 */
final class ProposalPool {
  private final FeynmanSampler sampler;
  /** The number of active experts (entries of w). */
  private final int count;
  final WeightProposal proposal;
  private final long round;
  /** True while the pool is a pilot whose weighted moments may adapt the next proposal. */
  boolean collectMoments;
  double[] logWeight = new double[0];
  boolean[] accepted = new boolean[0];
  long size;
  long degenerate;
  /** Per block: its max log weight, then Σ e^{lw − max}·(1, w_k, w_k², log w_k). */
  private final List<double[]> blockMoments = new ArrayList<>();

  ProposalPool(FeynmanSampler sampler, WeightProposal proposal, long round,
      boolean collectMoments) {
    this.sampler = sampler;
    this.count = sampler.count;
    this.proposal = proposal;
    this.round = round;
    this.collectMoments = collectMoments;
  }

  /** The number of blocks the pool holds. */
  int numBlocks() {
    return (int) ((size + BLOCK_SIZE - 1) / BLOCK_SIZE);
  }

  /** The stream of block {@code block}'s w proposals. */
  UniformRandomProvider wStream(RandomStreams streams, long stage, int block) {
    return streams.stream(RandomStreams.DIRICHLET, stage, round, block);
  }

  /** The stream of block {@code block}'s z draws. */
  UniformRandomProvider zStream(RandomStreams streams, long stage, int block) {
    return streams.stream(RandomStreams.CONDITIONAL_T, stage, round, block);
  }

  /** Grows the pool to {@code newSize} proposals (rounded up to whole blocks). */
  void extend(long newSize, RandomStreams streams, long stage, int threads) {
    int oldBlocks = numBlocks();
    int newBlocks = (int) ((newSize + BLOCK_SIZE - 1) / BLOCK_SIZE);
    if (newBlocks <= oldBlocks) {
      return;
    }
    long total = (long) newBlocks * BLOCK_SIZE;
    logWeight = Arrays.copyOf(logWeight, (int) total);
    accepted = Arrays.copyOf(accepted, (int) total);
    long[] degenerateByBlock = new long[newBlocks - oldBlocks];
    double[][] moments = new double[newBlocks - oldBlocks][];
    double[] lw = logWeight;
    boolean[] acc = accepted;
    double logBound = sampler.logBound();
    BlockParallel.forEach(newBlocks - oldBlocks, threads, sampler::scratch, (j, s) -> {
      int block = oldBlocks + j;
      sampler.drawAndForm(proposal, wStream(streams, stage, block), BLOCK_SIZE, s, collectMoments);
      int base = block * BLOCK_SIZE;
      for (int i = 0; i < BLOCK_SIZE; i++) {
        double v = s.conditional(i);
        if (Double.isNaN(v)) {
          degenerateByBlock[j]++;
          v = Double.NEGATIVE_INFINITY;
        }
        acc[base + i] = s.logU[i] < v - logBound;
        lw[base + i] = v + s.logCorrection[i];
      }
      if (collectMoments) {
        moments[j] = momentsOf(lw, base, s);
      }
    });
    for (long d : degenerateByBlock) {
      degenerate += d;
    }
    if (collectMoments) {
      blockMoments.addAll(Arrays.asList(moments));
    }
    size = total;
  }

  /** How many of the pool's proposals passed the accept step. */
  long countAccepted() {
    long n = 0;
    for (int m = 0; m < size; m++) {
      if (accepted[m]) {
        n++;
      }
    }
    return n;
  }

  /** The effective sample size of the pool's weights. */
  double ess() {
    return LogSpace.effectiveSampleSize(logWeight, 0, (int) size);
  }

  /** Dir(β) fitted to the pool's weighted w draws, or null when no fit exists. */
  double[] fitBeta() {
    double max = Double.NEGATIVE_INFINITY;
    for (double[] m : blockMoments) {
      max = Math.max(max, m[0]);
    }
    double[] total = new double[1 + 3 * count];
    for (double[] m : blockMoments) {
      if (m[0] == Double.NEGATIVE_INFINITY) {
        continue;
      }
      double scale = Math.exp(m[0] - max);
      for (int i = 1; i < m.length; i++) {
        total[i - 1] += scale * m[i];
      }
    }
    double[] meanW = new double[count];
    double[] meanW2 = new double[count];
    double[] meanLogW = new double[count];
    for (int k = 0; k < count; k++) {
      meanW[k] = total[1 + k] / total[0];
      meanW2[k] = total[1 + count + k] / total[0];
      meanLogW[k] = total[1 + 2 * count + k] / total[0];
    }
    return DirichletFit.fit(meanW, meanW2, meanLogW);
  }

  /** A block's weighted sums of w, w² and log w, shifted by the block's largest log weight. */
  private double[] momentsOf(double[] lw, int base, FeynmanSampler.Scratch s) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < BLOCK_SIZE; i++) {
      max = Math.max(max, lw[base + i]);
    }
    double[] m = new double[2 + 3 * count];
    m[0] = max;
    if (max == Double.NEGATIVE_INFINITY) {
      return m;
    }
    for (int i = 0; i < BLOCK_SIZE; i++) {
      double weight = Math.exp(lw[base + i] - max);
      if (weight == 0) {
        continue;
      }
      m[1] += weight;
      for (int k = 0; k < count; k++) {
        double w = s.w[i * count + k];
        m[2 + k] += weight * w;
        m[2 + count + k] += weight * w * w;
        m[2 + 2 * count + k] += weight * s.logW[i * count + k];
      }
    }
    return m;
  }
}
