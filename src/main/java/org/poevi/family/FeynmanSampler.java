package org.poevi.family;

import java.util.Arrays;
import org.apache.commons.numbers.gamma.LogBeta;
import org.apache.commons.numbers.gamma.LogGamma;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.poevi.math.BlockParallel;
import org.poevi.math.LogChiSquareSampler;
import org.poevi.math.RandomStreams;

/**
 * Draws from q_α through the Feynman identity (SPEC §2).
 *
 * <p>For α₀ = Σα_k and w on the simplex, Π_k A_k^(−α_k) = E_{w ~ Dir(α)}[(Σ_k w_k A_k)^(−α₀)], and
 * completing the square, with Λ(w) = Σ w_k Λ_k, μ(w) = Λ(w)⁻¹ Σ w_k Λ_k μ_k,
 * σ²(w) = Σ w_k (μ_k − μ(w))ᵀ Λ_k (μ_k − μ(w)) and ν = 2α₀ − D, makes q_α a continuous mixture:
 *
 * <pre>
 *   z | w ~ t_ν(μ(w), Ω(w)⁻¹),   Ω(w) = ν Λ(w) / (1 + σ²(w)),     q(w) ∝ Dir(w | α) · C(w),
 *   log C(w) = (D/2) log π + lnΓ(ν/2) − lnΓ((ν+D)/2) − ½ log|Λ(w)| − (ν/2) log(1 + σ²(w)),
 *   C_α = E_{w ~ Dir(α)}[C(w)].
 * </pre>
 *
 * z is drawn as μ(w) + L⁻ᵀ y √((1 + σ²)/u) with Λ(w) = L Lᵀ, y ~ N(0, I), u ~ χ²_ν.
 *
 * <p><b>Two ways to unweighted draws.</b> When every active Λ_k is positive definite, log-det
 * concavity gives log|Λ(w)| ≥ min_k log|Λ_k| and σ² ≥ 0, so C(w) ≤ sup C := e^{(D/2) log π +
 * lnΓ(ν/2) − lnΓ((ν+D)/2)} · max_k |Λ_k|^(−1/2); accepting w ~ Dir(α) with probability C(w)/sup C
 * gives exact draws, at acceptance rate C_α / sup C. Otherwise (or when that rate is impractical)
 * the C(w)-weighted Dirichlet draws are resampled (SIR) and z | w is drawn afresh for each copy.
 *
 * <p><b>Better proposals for w.</b> In SIR mode, when the C(w) weights of Dir(α) proposals keep
 * few effective draws, a Dirichlet fitted to the weighted draws, in a defensive mixture with
 * Dir(α) ({@link WeightProposal}), replaces Dir(α) if a trial shows it keeps a larger effective
 * fraction; the weights become C(w)·Dir(w | α)/r(w), and C_α is still their mean.
 *
 * <p><b>Blocks and streams.</b> Proposals come in blocks of {@value #BLOCK_SIZE}; block b of a
 * stage and proposal round draws w from stream (DIRICHLET, stage, round, b) and z from
 * (CONDITIONAL_T, stage, round, b). A block is
 * formed with one {@code dgemm} ({@link ExpertStack}) and then one Cholesky per draw, about
 * K·D² + D³/3 flops. Output depends only on the seed, never on the number of threads. The first
 * pass keeps only log C(w) per proposal; the second regenerates the blocks that hold selected
 * draws, so memory stays at a few bytes per proposal.
 *
 * <p>This class holds the conditional given w and the block machinery both passes share; the
 * rounds of {@link #sample} run in {@code UnweightedSampler}, over {@code ProposalPool}s.
 */
public final class FeynmanSampler {
  /** Proposals per block: fixed, because block boundaries define the random streams. */
  public static final int BLOCK_SIZE = 256;

  private final ProductOfExperts family;
  final ConditionalForm stack;
  final WeightProposal prior;
  final int dim;
  final int count;
  final double dof;
  /** (D/2) log π + lnΓ(ν/2) − lnΓ((ν+D)/2). */
  private final double logConstant;
  /** log sup C(w), or NaN when some active Λ_k is singular (no exact mode). */
  private final double logBound;

  private FeynmanSampler(ProductOfExperts family) {
    this.family = family;
    this.stack = ConditionalForm.of(family);
    this.prior = WeightProposal.prior(stack.alpha());
    this.dim = family.dim;
    this.count = stack.count();
    this.dof = family.dof();
    // lnΓ(ν/2) − lnΓ((ν+D)/2) = ln B(ν/2, D/2) − lnΓ(D/2): the difference form cancels
    // catastrophically for large ν (2.7e-3 nats at ν/2 = 1e12).
    this.logConstant = 0.5 * dim * Math.log(Math.PI) + LogBeta.value(dof / 2, dim / 2.0)
        - LogGamma.value(dim / 2.0);
    this.logBound = family.isEveryActiveFullRank()
        ? logConstant - 0.5 * stack.minLogDeterminant() : Double.NaN;
  }

  public static FeynmanSampler of(ProductOfExperts family) {
    return new FeynmanSampler(family);
  }

  public ProductOfExperts family() {
    return family;
  }

  /** True when exact rejection sampling is possible (every active Λ_k positive definite). */
  public boolean hasExactMode() {
    return !Double.isNaN(logBound);
  }

  /** log sup_w C(w), or NaN without an exact mode. */
  public double logBound() {
    return logBound;
  }

  // ---------------------------------------------------------------- the conditional given w

  /** The t distribution of z given w: location, scale matrix Ω(w)⁻¹ and log C(w). */
  public record Conditional(double[] location, double[] scale, double dof, double logC) {}

  /**
   * z | w for one w (weights of the active experts, in index order, summing to 1). For tests and
   * diagnostics; the samplers below work on whole blocks.
   */
  public Conditional conditional(double[] w) {
    if (w.length != count) {
      throw new IllegalArgumentException("w must have one entry per active expert (" + count + ")");
    }
    double[] formed = new double[stack.rows()];
    Object ws = stack.workspace();
    stack.combine(w, 1, formed, ws);
    double logC = logC(formed, 0, ws);
    if (Double.isNaN(logC)) {
      throw new ArithmeticException("Lambda(w) is numerically singular");
    }
    double[] location = stack.location(formed, 0, ws);
    // Ω⁻¹ = (1 + σ²)/ν · Λ(w)⁻¹, column by column.
    double factor = (1 + stack.sigma2(formed, 0)) / dof;
    double[] scale = new double[dim * dim];
    double[] e = new double[dim];
    for (int j = 0; j < dim; j++) {
      Arrays.fill(e, 0);
      e[j] = 1;
      stack.applyInverse(formed, 0, ws, e);
      for (int i = 0; i < dim; i++) {
        scale[i * dim + j] = factor * e[i];
      }
    }
    return new Conditional(location, scale, dof, logC);
  }

  /** log C(w) for one w over the active experts. */
  public double logC(double[] w) {
    return conditional(w).logC();
  }

  /** n draws of z | w with one generator, n×D row-major. */
  public double[] drawConditional(double[] w, UniformRandomProvider rng, int n) {
    double[] formed = new double[stack.rows()];
    Object ws = stack.workspace();
    stack.combine(w, 1, formed, ws);
    if (Double.isNaN(logC(formed, 0, ws))) {
      throw new ArithmeticException("Lambda(w) is numerically singular");
    }
    ZSampler zs = new ZSampler(rng);
    double[] out = new double[n * dim];
    for (int i = 0; i < n; i++) {
      drawZ(formed, 0, ws, zs, out, i * dim);
    }
    stack.finish(out, 0, n);
    return out;
  }

  /**
   * Prepares column {@code col} of a formed block (see {@link ConditionalForm#conditional}) and
   * returns log C(w), or NaN when Λ(w) is not numerically positive definite.
   */
  private double logC(double[] formed, int col, Object ws) {
    double logDet = stack.conditional(formed, col, ws);
    if (Double.isNaN(logDet)) {
      return Double.NaN;
    }
    return logConstant - 0.5 * logDet - 0.5 * dof * Math.log1p(stack.sigma2(formed, col));
  }

  /**
   * Draws z | w for a column prepared by {@link #logC} into out[off, off + D), in the form's
   * internal frame ({@link ConditionalForm#finish} maps it to z).
   */
  private void drawZ(double[] formed, int col, Object ws, ZSampler zs, double[] out, int off) {
    stack.drawStandard(formed, col, ws, zs.normal, out, off);
    double scale = Math.exp(0.5 * (Math.log1p(stack.sigma2(formed, col))
        - zs.chiSquare.sampleLog()));
    stack.place(formed, col, scale, out, off);
  }

  /** Normal and chi-square samplers bound to one z stream. */
  private final class ZSampler {
    final ContinuousSampler normal;
    final LogChiSquareSampler chiSquare;

    ZSampler(UniformRandomProvider rng) {
      this.normal = ZigguratSampler.NormalizedGaussian.of(rng);
      this.chiSquare = LogChiSquareSampler.of(rng, dof);
    }
  }

  /** Per-thread buffers for one block, allocated once. */
  final class Scratch {
    final double[] logW = new double[count * BLOCK_SIZE];
    final double[] w = new double[count * BLOCK_SIZE];
    final double[] formed = new double[stack.rows() * BLOCK_SIZE];
    final double[] logU = new double[BLOCK_SIZE];
    /** log(Dir(w | α)/r(w)) per draw: 0 under the prior proposal. */
    final double[] logCorrection = new double[BLOCK_SIZE];
    /** Indices of the selected draws of a replayed block. */
    final int[] selection = new int[BLOCK_SIZE];
    final Object workspace = stack.workspace();

    double conditional(int col) {
      return logC(formed, col, workspace);
    }
  }

  /** log C(w) for one w over the active experts, in a scratch's buffers; NaN if Λ(w) is singular. */
  double logCOf(double[] w, Scratch s) {
    System.arraycopy(w, 0, s.w, 0, count);
    stack.combine(s.w, 1, s.formed, s.workspace);
    return s.conditional(0);
  }

  /**
   * First half of every block: nb proposals of w from the block's stream (each followed by one
   * log-uniform for the accept step, drawn whatever the mode so the stream layout never changes),
   * then Λ(w), b(w), c(w) for the whole block with one matrix product. log w goes to s.logW only
   * when asked (the adapted mixture always needs it).
   */
  void drawAndForm(WeightProposal proposal, UniformRandomProvider rng, int nb, Scratch s,
      boolean withLogW) {
    drawWeights(proposal, rng, nb, s, withLogW);
    stack.combine(s.w, nb, s.formed, s.workspace);
  }

  /** The proposals of {@link #drawAndForm} without the matrix product. */
  private void drawWeights(WeightProposal proposal, UniformRandomProvider rng, int nb, Scratch s,
      boolean withLogW) {
    WeightProposal.Bound dir = proposal.bind(rng);
    double[] logW = withLogW || !proposal.isPrior() ? s.logW : null;
    for (int i = 0; i < nb; i++) {
      s.logCorrection[i] = dir.sample(s.w, i * count, logW, i * count);
      s.logU[i] = WeightProposal.logUniform(rng);
    }
  }

  private static int blockLength(long total, int block) {
    return (int) Math.min(BLOCK_SIZE, total - (long) block * BLOCK_SIZE);
  }

  // ---------------------------------------------------------------- weighted draws

  /**
   * Weighted draws (z_b, log C(w_b)): the paper's sampler. Self-normalised weights exp(logWeight)
   * make z_b ~ q_α; a degenerate proposal has weight −∞.
   *
   * @param z n×D row-major
   * @param logWeights log C(w_b)
   */
  public record WeightedDraws(double[] z, double[] logWeights, int dim) {
    public int size() {
      return logWeights.length;
    }
  }

  /** n weighted draws from the streams of {@code stage}, with w ~ Dir(α). */
  public WeightedDraws weighted(RandomStreams streams, long stage, int n, int threads) {
    double[] z = new double[n * dim];
    double[] logWeights = new double[n];
    int numBlocks = (n + BLOCK_SIZE - 1) / BLOCK_SIZE;
    BlockParallel.forEach(numBlocks, threads, Scratch::new,
        (block, s) -> weightedBlock(streams, stage, n, block, s, z, logWeights, 0));
    return new WeightedDraws(z, logWeights, dim);
  }

  /** Buffers for {@link #weightedBlock}: one per thread or task, reused for every block. */
  public Object blockScratch() {
    return new Scratch();
  }

  /** Buffers for one block's proposals, for {@link ProposalPool}. */
  Scratch scratch() {
    return new Scratch();
  }

  /**
   * Block {@code block} (draws [block·{@value #BLOCK_SIZE}, …)) of {@link #weighted}{@code
   * (streams, stage, n, ·)}, bit for bit, written at the draws' own indices of {@code z} and
   * {@code logWeights} less {@code base}: so any worker can draw any block, into arrays that hold
   * only its own share of the draws (from draw {@code base} on).
   *
   * @param scratch from {@link #blockScratch()} of this sampler
   */
  public void weightedBlock(RandomStreams streams, long stage, int n, int block, Object scratch,
      double[] z, double[] logWeights, int base) {
    Scratch s = (Scratch) scratch;
    int nb = blockLength(n, block);
    drawAndForm(prior, streams.stream(RandomStreams.DIRICHLET, stage, 0, block), nb, s, false);
    ZSampler zs = new ZSampler(streams.stream(RandomStreams.CONDITIONAL_T, stage, 0, block));
    for (int i = 0; i < nb; i++) {
      int m = block * BLOCK_SIZE + i - base;
      double logC = s.conditional(i);
      if (Double.isNaN(logC)) {
        logWeights[m] = Double.NEGATIVE_INFINITY;
        Arrays.fill(z, m * dim, (m + 1) * dim, Double.NaN);
      } else {
        logWeights[m] = logC;
        drawZ(s.formed, i, s.workspace, zs, z, m * dim);
      }
    }
    stack.finish(z, (block * BLOCK_SIZE - base) * dim, nb);
  }

  // ---------------------------------------------------------------- exact draws

  /**
   * n exact, independent draws of q_α from one generator, into out[off, off + n·D): proposals
   * w ~ Dir(α) come in blocks of {@value #BLOCK_SIZE}, formed with one matrix product; each is
   * accepted with probability C(w)/sup C and then gives one z | w. For a target's reference draws,
   * where one generator per run of draws is the contract ({@code ExactTarget}); the fit's samplers
   * use the streams of {@link #sample}.
   *
   * @throws IllegalStateException without an exact mode ({@link #hasExactMode()})
   */
  public void exactDraws(UniformRandomProvider rng, int n, double[] out, int off) {
    if (!hasExactMode()) {
      throw new IllegalStateException("exact draws need every active expert positive definite");
    }
    Scratch s = new Scratch();
    ZSampler zs = new ZSampler(rng);
    int row = 0;
    while (row < n) {
      drawAndForm(prior, rng, BLOCK_SIZE, s, false);
      for (int i = 0; i < BLOCK_SIZE && row < n; i++) {
        double logC = s.conditional(i);
        // NaN (a numerically singular Λ(w)) fails the comparison: rejected.
        if (s.logU[i] <= logC - logBound) {
          drawZ(s.formed, i, s.workspace, zs, out, off + row * dim);
          row++;
        }
      }
    }
    stack.finish(out, off, n);
  }

  // ---------------------------------------------------------------- unweighted draws

  /** Unweighted draws of q_α, with the normaliser estimate and the diagnostics of how. */
  public SampleResult sample(SampleOptions options) {
    return new UnweightedSampler(this).sample(options);
  }

  /** Second pass: regenerates each block holding selected proposals and draws z | w per copy. */
  double[] materialise(ProposalPool pool, int[] counts, int draws, RandomStreams streams,
      long stage, int threads) {
    return materialise(pool, counts, draws, streams, stage, threads,
        block -> pool.zStream(streams, stage, block));
  }

  /** As above, block b's z | w drawn from {@code zStreams.apply(b)}. */
  double[] materialise(ProposalPool pool, int[] counts, int draws, RandomStreams streams,
      long stage, int threads, java.util.function.IntFunction<UniformRandomProvider> zStreams) {
    int numBlocks = pool.numBlocks();
    int[] offsets = new int[numBlocks + 1];
    for (int block = 0; block < numBlocks; block++) {
      int sum = 0;
      for (int i = 0; i < BLOCK_SIZE; i++) {
        sum += counts[block * BLOCK_SIZE + i];
      }
      offsets[block + 1] = offsets[block] + sum;
    }
    double[] out = new double[draws * dim];
    BlockParallel.forEach(numBlocks, threads, Scratch::new, (block, s) -> {
      if (offsets[block + 1] == offsets[block]) {
        return;
      }
      // Replay the block's proposals, then form Λ(w) only for the selected ones: in exact mode at
      // 1% acceptance most blocks hold a single selected draw.
      drawWeights(pool.proposal, pool.wStream(streams, stage, block), BLOCK_SIZE, s, false);
      int selected = 0;
      for (int i = 0; i < BLOCK_SIZE; i++) {
        if (counts[block * BLOCK_SIZE + i] > 0) {
          System.arraycopy(s.w, i * count, s.w, selected * count, count);
          s.selection[selected++] = i;
        }
      }
      stack.combine(s.w, selected, s.formed, s.workspace);
      ZSampler zs = new ZSampler(zStreams.apply(block));
      int row = offsets[block];
      for (int j = 0; j < selected; j++) {
        int copies = counts[block * BLOCK_SIZE + s.selection[j]];
        s.conditional(j);
        for (int c = 0; c < copies; c++) {
          drawZ(s.formed, j, s.workspace, zs, out, row * dim);
          row++;
        }
      }
      stack.finish(out, offsets[block] * dim, offsets[block + 1] - offsets[block]);
    });
    return out;
  }
}
