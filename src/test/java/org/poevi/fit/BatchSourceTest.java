package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.Expert;
import org.poevi.math.LogSpace;
import org.poevi.math.MultivariateT;
import org.poevi.math.RandomStreams;
import org.poevi.qp.ActiveSetQpSolver;
import org.poevi.targets.BananaTarget;

/**
 * The batch sources, the state and the step on their own: a step is a pure function of its
 * state (the same state gives the same step, and the state is not changed), a population source
 * carries its moved chains forward in its successor, and each source reports its weights the way
 * the trace documents.
 */
class BatchSourceTest {
  private static final BananaTarget TARGET = BananaTarget.of(2);
  private static final int K = 12;
  private static final List<Expert> EXPERTS = RandomExperts.of(RandomStreams.of(3).stream(1), 2,
      K);

  private static LocalScoreEvaluator evaluator() {
    return new LocalScoreEvaluator(TARGET, 2);
  }

  private static double[] startingAlpha() {
    double[] alpha = new double[K];
    Arrays.fill(alpha, 2.5 / K);
    return alpha;
  }

  private static MultivariateT proposal(double scale) {
    return MultivariateT.of(new double[2], new double[] {scale * scale * 4, 0, 0,
        scale * scale * 4}, 5);
  }

  private static AlphaIterations iterations(LocalScoreEvaluator evaluator, double growthCap,
      double essFloor, double maxNu) {
    return new AlphaIterations(evaluator, new AlphaStep(ActiveSetQpSolver.create(), 1.5,
        growthCap), new StoppingRule(5, 1e-3, maxNu), EXPERTS, "under-p", essFloor,
        RandomStreams.of(1), 2, 0, System.nanoTime());
  }

  @Test
  void theStateCopiesAlphaInAndOut() {
    double[] alpha = startingAlpha();
    FitState state = new FitState(0, alpha, 10, Quadratic.averaged(K), null);
    alpha[0] = 99;
    assertEquals(2.5 / K, state.alpha()[0]);
    state.alpha()[1] = 99;
    assertEquals(2.5 / K, state.alpha()[1]);
  }

  /** The same state stepped twice gives the same new state and row; the state is untouched. */
  @Test
  void aStepIsAPureFunctionOfItsState() {
    LocalScoreEvaluator evaluator = evaluator();
    ImportanceBatches source = new ImportanceBatches(evaluator, proposal(1.5), EXPERTS,
        RandomStreams.of(1), 1000, 50, 2, TARGET.name());
    FitState state = new FitState(0, startingAlpha(), 100, Quadratic.averaged(K), source);
    AlphaIterations iterations = iterations(evaluator, Double.POSITIVE_INFINITY, 0,
        Double.POSITIVE_INFINITY);
    AlphaIterations.Step first = iterations.step(state);
    AlphaIterations.Step again = iterations.step(state);
    assertArrayEquals(startingAlpha(), state.alpha(), "the state is not changed");
    assertEquals(0, state.iteration());
    assertArrayEquals(first.state().alpha(), again.state().alpha());
    TraceRow.StepInfo a = first.row().orElseThrow().step();
    TraceRow.StepInfo b = again.row().orElseThrow().step();
    // Everything but the QP's wall time.
    assertEquals(a, new TraceRow.StepInfo(b.fisher(), b.deltaAlpha(), b.objectiveChange(),
        b.activeExperts(), b.alphaSum(), b.nu(), b.qpStatus(), a.qpMillis(), b.eta()));
    assertEquals(first.row().orElseThrow().batch(), again.row().orElseThrow().batch());
    assertEquals(1, first.state().iteration());
    assertTrue(first.stop().isEmpty(), "one iteration of five, not converged at the first");
    assertSame(source, first.state().source(), "importance batches carry no state");
  }

  /**
   * A population source hands its moved chains to its successor: the first batch reports the
   * start's ESS and tempering, later ones the population size and 1; the same source gives the
   * same batch twice.
   */
  @Test
  void aPopulationCarriesItsChainsForward() {
    int n = 600;
    LocalScoreEvaluator evaluator = evaluator();
    Population start = exactPopulation(n, 4, 123.5, 0.75);
    double[] z = start.chains().z().clone();
    PopulationBatches source = new PopulationBatches(evaluator, start, EXPERTS,
        RandomStreams.of(2), 3, Trajectory.none());
    Batch first = source.next(1, startingAlpha());
    assertEquals(123.5, first.ess());
    assertEquals(0.75, first.tempering());
    assertEquals(123.5 / n, first.essFraction());
    assertTrue(first.moves().acceptance() > 0, "the chains moved");
    assertNotSame(source, first.next());
    PopulationBatches next = (PopulationBatches) first.next();
    assertFalse(Arrays.equals(z, next.population().chains().z()), "the successor's chains moved");
    assertArrayEquals(z, start.chains().z(), "the start's chains are untouched");
    Batch second = next.next(2, startingAlpha());
    assertEquals(n, second.ess());
    assertEquals(1, second.tempering());
    Batch firstAgain = source.next(1, startingAlpha());
    assertArrayEquals(first.sums().normalizedGram(), firstAgain.sums().normalizedGram());
    assertArrayEquals(next.population().chains().z(),
        ((PopulationBatches) firstAgain.next()).population().chains().z());
  }

  /**
   * A population of n exact draws of the banana (from {@code seed}'s stream) with a fixed kernel,
   * as if resampled from weights of ESS {@code ess} tempered by {@code tempering}.
   */
  private static Population exactPopulation(int n, long seed, double ess, double tempering) {
    UniformRandomProvider rng = RandomStreams.of(seed).stream(1);
    double[] z = new double[n * 2];
    for (int i = 0; i < n; i++) {
      TARGET.sample(rng, z, 2 * i);
    }
    double[] logP = new double[n];
    double[] scores = new double[n * 2];
    evaluator().evaluate(z, n, logP, scores);
    return new Population(new Chains(z, logP, scores, 2),
        MalaKernel.of(2, new double[] {4, 0, 0, 4}, 0.5), ess, tempering);
  }

  /**
   * A second fit from the same population reads the first fit's recorded moves: over another pool
   * its sums are those of moving the chains again, bit for bit, with no evaluations for the
   * recorded iterations; past them it moves the chains as before. A bound too small for one
   * iteration records none.
   */
  @Test
  void aSecondFitReadsTheRecordedMoves() {
    int n = 300;
    Population start = exactPopulation(n, 5, 100, 0.5);
    List<Expert> other = EXPERTS.subList(1, EXPERTS.size());
    double[] otherAlpha = Arrays.copyOf(startingAlpha(), other.size());
    Trajectory<MoveTask.Moved> trajectory = new Trajectory<>(Trajectory.MAX_BYTES);
    LocalScoreEvaluator first = evaluator();
    BatchSource source = new PopulationBatches(first, start, EXPERTS, RandomStreams.of(2), 3,
        trajectory);
    for (int t = 1; t <= 2; t++) {
      source = source.next(t, startingAlpha()).next();
    }
    assertEquals(2 * 3 * n, first.evaluations());
    assertEquals(2, trajectory.size());
    LocalScoreEvaluator replayed = evaluator();
    LocalScoreEvaluator moved = evaluator();
    BatchSource read = new PopulationBatches(replayed, start, other, RandomStreams.of(2), 3,
        trajectory);
    BatchSource made = new PopulationBatches(moved, start, other, RandomStreams.of(2), 3,
        Trajectory.none());
    for (int t = 1; t <= 3; t++) {
      Batch a = read.next(t, otherAlpha);
      Batch b = made.next(t, otherAlpha);
      assertArrayEquals(b.sums().normalizedGram(), a.sums().normalizedGram(), "iteration " + t);
      assertArrayEquals(b.sums().normalizedCross(), a.sums().normalizedCross());
      assertEquals(b.moves().acceptance(), a.moves().acceptance(), "iteration " + t);
      assertEquals(b.moves().unmovedFraction(), a.moves().unmovedFraction());
      assertEquals(t <= 2 ? 0 : 3 * n, replayed.evaluations(), "after iteration " + t);
      read = a.next();
      made = b.next();
    }
    assertArrayEquals(((PopulationBatches) made).population().chains().z(),
        ((PopulationBatches) read).population().chains().z());
    assertEquals(3, trajectory.size(), "the third iteration is recorded too");
    trajectory.close();
    assertEquals(0, trajectory.size(), "closed: forgotten");
    assertFalse(trajectory.recording());
    new PopulationBatches(evaluator(), start, EXPERTS, RandomStreams.of(2), 3, trajectory)
        .next(1, startingAlpha());
    assertEquals(0, trajectory.size(), "closed: records no more");
    Trajectory<MoveTask.Moved> tiny = new Trajectory<>(8L * n * 5 - 1);
    new PopulationBatches(evaluator(), start, EXPERTS, RandomStreams.of(2), 3, tiny)
        .next(1, startingAlpha());
    assertEquals(0, tiny.size());
    assertFalse(tiny.recording(), "full: a batch that did not fit ends the record");
  }

  /**
   * Under population = auto, the start evaluates only the first batch when its weights keep
   * enough draws (100 of the 256 a population would need, 128·D); those draws, batch 1's, are
   * then the first weighted batch. A population (always) evaluates its own 256 draws (batch 0's
   * stream, as before weighted batch 1 was reused) and hands no batch on.
   */
  @Test
  void goodWeightsEvaluateOnlyTheFirstBatch() {
    GaussianFit gaussian = new GaussianFit(new double[] {0, 2}, new double[] {4, 0, 0, 4},
        Double.NaN, new double[] {0.25, 0, 0, 0.25});
    MultivariateT proposal = proposal(1.5);
    for (PopulationMode mode : List.of(PopulationMode.AUTO, PopulationMode.ALWAYS)) {
      LocalScoreEvaluator evaluator = evaluator();
      UnderPSettings settings = new UnderPSettings(5, 1.5, 0.05, mode, 2, 4, true, 2, true);
      Population.Context context = new Population.Context(evaluator, RandomStreams.of(1),
          TARGET.parameterNames(), TARGET.name(), 100, 2, Progress.SILENT, stage -> { });
      Population.Start start = Population.start(settings, proposal, gaussian, context,
          Population.firstBatch(settings, proposal, context));
      if (mode == PopulationMode.AUTO) {
        assertTrue(start.population().isEmpty(), "weighted batches");
        assertEquals(100, evaluator.evaluations());
        double[] batch1 = ImportanceBatches.Evaluated.draw(proposal, RandomStreams.of(1), 100, 1);
        assertArrayEquals(batch1, start.first().z(), 0.0);
      } else {
        assertTrue(start.population().isPresent(), "a population");
        assertTrue(evaluator.evaluations() >= 256, "the population's draws and its moves");
        assertNull(start.first(), "no weighted batch 1 with a population");
      }
    }
  }

  /**
   * Without burn-in steps (move-burn-in = 0) the population stands or falls on Stein's identity
   * at the resampled draws, and no chain moves: when the proposal is p itself (a Student t with
   * ν = 5 drawn from t_5(0, I)) the weights are equal, the resampled draws are p's and the
   * identity holds; the only evaluations are the population's own 256 draws.
   */
  @Test
  void withoutBurnInTheResampledDrawsAreChecked() {
    org.poevi.targets.StudentTTarget t = org.poevi.targets.StudentTTarget.of(2, 5);
    LocalScoreEvaluator evaluator = new LocalScoreEvaluator(t, 2);
    MultivariateT proposal = MultivariateT.of(new double[2], new double[] {1, 0, 0, 1}, 5);
    GaussianFit gaussian = new GaussianFit(new double[2], new double[] {1, 0, 0, 1}, Double.NaN,
        new double[] {1, 0, 0, 1});
    // The proposal's own scale: proposal-scale 1, dof 5.
    UnderPSettings settings = new UnderPSettings(5, 1, 0.05, PopulationMode.ALWAYS, 2, 0, true,
        2, true);
    Population.Start start = Population.start(settings, proposal, gaussian,
        new Population.Context(evaluator, RandomStreams.of(1), t.parameterNames(), t.name(), 100,
            2, Progress.SILENT, stage -> { }), null);
    assertTrue(start.population().isPresent(), "refused: " + start.warning());
    assertEquals(256, evaluator.evaluations());
  }

  /** The same sums, ESS and tempering, bit for bit. */
  private static void assertSameBatch(Batch expected, Batch actual, String what) {
    assertArrayEquals(expected.sums().normalizedGram(), actual.sums().normalizedGram(), 0.0,
        what);
    assertArrayEquals(expected.sums().normalizedCross(), actual.sums().normalizedCross(), 0.0,
        what);
    assertEquals(expected.ess(), actual.ess(), 0.0, what);
    assertEquals(expected.tempering(), actual.tempering(), 0.0, what);
  }

  /** Batch 1 of {@code batch} draws from {@code streams}, evaluated as the start does. */
  private static ImportanceBatches.Evaluated evaluatedBatchOne(MultivariateT proposal,
      RandomStreams streams, int batch) {
    double[] z = ImportanceBatches.Evaluated.draw(proposal, streams, batch, 2);
    double[] logP = new double[batch];
    double[] scores = new double[batch * 2];
    evaluator().evaluate(z, batch, logP, scores);
    return new ImportanceBatches.Evaluated(z, logP, scores);
  }

  /**
   * Batch 1, drawn from its streams and evaluated beforehand, is the first weighted batch: the
   * same sums, weights and tempering as a batch 1 that draws and evaluates afresh, without a
   * target evaluation; batch 2 is evaluated as usual, and a batch 1 of another size is not reused.
   */
  @Test
  void anEvaluatedBatchOneIsTheFirstBatch() {
    int batch = 700;
    MultivariateT proposal = proposal(1.5);
    RandomStreams streams = RandomStreams.of(1);
    ImportanceBatches.Evaluated first = evaluatedBatchOne(proposal, streams, batch);
    LocalScoreEvaluator counted = evaluator();
    ImportanceBatches reusing = new ImportanceBatches(counted, proposal, EXPERTS, streams, batch,
        200, 2, TARGET.name(), first);
    ImportanceBatches fresh = new ImportanceBatches(evaluator(), proposal, EXPERTS, streams,
        batch, 200, 2, TARGET.name());
    for (int t = 1; t <= 2; t++) {
      Batch a = reusing.next(t, startingAlpha());
      Batch b = fresh.next(t, startingAlpha());
      assertSameBatch(b, a, "batch " + t);
      assertEquals(t == 1 ? 0 : batch, counted.evaluations(), "evaluations after batch " + t);
    }
    LocalScoreEvaluator other = evaluator();
    new ImportanceBatches(other, proposal, EXPERTS, streams, batch + 1, 200, 2, TARGET.name(),
        first).next(1, startingAlpha());
    assertEquals(batch + 1, other.evaluations(), "a batch 1 of 700 draws is not one of 701");
  }

  /**
   * A second fit on the same weighted batches reads the first fit's recorded draws: over another
   * pool, the same sums, ESS and tempering as batches drawn and evaluated afresh (batch 1 among
   * them, evaluated before the iterations), with no evaluations for the recorded iterations.
   */
  @Test
  void aSecondFitReadsTheRecordedBatches() {
    int batch = 600;
    MultivariateT proposal = proposal(0.6);
    RandomStreams streams = RandomStreams.of(7);
    ImportanceBatches.Evaluated first = evaluatedBatchOne(proposal, streams, batch);
    Trajectory<ImportanceTask.Drawn> trajectory = new Trajectory<>(Trajectory.MAX_BYTES);
    BatchSource source = new ImportanceBatches(evaluator(), proposal, EXPERTS, streams, batch,
        200, 2, TARGET.name(), first, trajectory);
    for (int t = 1; t <= 2; t++) {
      source = source.next(t, startingAlpha()).next();
    }
    assertEquals(2, trajectory.size());
    List<Expert> other = EXPERTS.subList(2, EXPERTS.size());
    double[] alpha = Arrays.copyOf(startingAlpha(), other.size());
    LocalScoreEvaluator counted = evaluator();
    BatchSource read = new ImportanceBatches(counted, proposal, other, streams, batch, 200, 2,
        TARGET.name(), first, trajectory);
    BatchSource made = new ImportanceBatches(evaluator(), proposal, other, streams, batch, 200, 2,
        TARGET.name());
    for (int t = 1; t <= 3; t++) {
      Batch a = read.next(t, alpha);
      Batch b = made.next(t, alpha);
      assertSameBatch(b, a, "batch " + t);
      assertEquals(t <= 2 ? 0 : batch, counted.evaluations(), "evaluations after batch " + t);
      read = a.next();
      made = b.next();
    }
    assertTrue(read.next(1, alpha).tempering() < 1, "the narrow proposal's weights are tempered");
  }

  /**
   * Importance batches from a proposal far too narrow for the banana: the weights are tempered
   * (τ &lt; 1) to keep at least the asked-for ESS, which the batch reports.
   */
  @Test
  void importanceWeightsAreTemperedToKeepTheirEss() {
    ImportanceBatches source = new ImportanceBatches(evaluator(), proposal(0.2), EXPERTS,
        RandomStreams.of(1), 2000, 200, 2, TARGET.name());
    Batch batch = source.next(1, startingAlpha());
    assertTrue(batch.tempering() < 1, "tempered: " + batch.tempering());
    // Bisection stops within 2^-40 of the τ that gives exactly 200: the ESS is 200 to rounding.
    assertTrue(batch.ess() >= 200 * (1 - 1e-6), "ESS " + batch.ess());
    assertTrue(batch.logNormalizer().isEmpty());
    assertTrue(Double.isNaN(batch.moves().acceptance()));
  }

  /**
   * Under q a batch from q_α itself carries the Feynman weights' estimate of log C_α; one from a
   * tempered q_τα does not. The source carries no state.
   */
  @Test
  void qBatchesEstimateTheNormaliserOnlyUntempered() {
    double[] alpha = startingAlpha();
    Arrays.fill(alpha, 2.0);  // Σα = 24: q_τα with τ = 0.5 stays normalisable (Στα = 12 > 1)
    QBatches plain = new QBatches(evaluator(), EXPERTS, EXPERTS, RandomStreams.of(1), 500, 1);
    Batch batch = plain.next(1, alpha);
    assertEquals(1, batch.tempering());
    assertTrue(batch.logNormalizer().isPresent());
    assertSame(plain, batch.next());
    QBatches tempered = new QBatches(evaluator(), EXPERTS, EXPERTS, RandomStreams.of(1), 500,
        0.5);
    Batch flatter = tempered.next(1, alpha);
    assertEquals(0.5, flatter.tempering());
    assertTrue(flatter.logNormalizer().isEmpty());
  }

  /** Tempering keeps at least the asked-for effective sample size, and τ = 1 when it already is. */
  @Test
  void temperingKeepsTheEffectiveSampleSize() {
    double[] logW = new double[1000];
    for (int i = 0; i < logW.length; i++) {
      logW[i] = 30.0 * i / logW.length;
    }
    double tau = ImportanceBatches.temper(logW, 100);
    assertTrue(tau < 1 && tau > 0);
    assertTrue(LogSpace.effectiveSampleSize(logW, 0, logW.length) >= 100 * (1 - 1e-6));
    assertEquals(1, ImportanceBatches.temper(new double[1000], 500));
  }
}
