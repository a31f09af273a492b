package org.poevi.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.poevi.evaluator.LocalScoreEvaluator;
import org.poevi.family.ModelJson;
import org.poevi.family.ProductOfExperts;
import org.poevi.math.RandomStreams;
import org.poevi.qp.OjAlgoQpSolver;
import org.poevi.targets.FunnelTarget;
import org.poevi.targets.GaussianMixtureTarget;
import org.poevi.targets.ProductOfTTarget;

class PoeFitterTest {
  private static PoeSettings.Builder small() {
    return PoeSettings.builder().threads(2).gaussianRounds(2).gaussianDraws(2000)
        .modeStarts(8).outputDraws(2000).batchSize(512);
  }

  /**
   * The realisable case: the target is a product of t experts and the pool holds exactly its
   * experts, so Q α* = ∇log p at every point, G α* = h for every batch, and the proximal iteration
   * contracts to α* with no noise floor (SPEC §3's theorem with δ = 0). Every objective reaches
   * ‖α − α*‖ ≤ 0.05‖α*‖, and the error falls geometrically: every step shrinks it. Because
   * G α* = h holds whatever the points are, this checks each variant's plumbing (batches, sums,
   * QP, proximal steps), not the distribution of its points: ResampleMoveTest does that for the
   * MALA population, FeynmanSamplerTest for draws from q.
   */
  @Test
  void realisableTargetConvergesGeometrically() throws Exception {
    ProductOfExperts truth = ModelJson.read(Path.of("conf/examples/bimodal-2d.json")).family();
    ProductOfTTarget target = ProductOfTTarget.of(ModelJson.read(
        Path.of("conf/examples/bimodal-2d.json")));
    double[] alphaStar = truth.alpha();
    double norm = Math.sqrt(alphaStar[0] * alphaStar[0] + alphaStar[1] * alphaStar[1]
        + alphaStar[2] * alphaStar[2]);
    ProductOfExperts start = truth.withAlpha(new double[] {1, 1, 1});
    java.util.Map<String, PoeSettings.Builder> variants = new java.util.LinkedHashMap<>();
    variants.put("under-p, MALA population", small().objective(UnderPSettings.defaults())
        .population(PopulationMode.ALWAYS));
    variants.put("under-p, importance weights", small().objective(UnderPSettings.defaults())
        .population(PopulationMode.NEVER));
    variants.put("under-q", small().objective(UnderQSettings.defaults()));
    variants.put("under-q, tempered q", small().objective(new UnderQSettings(1.2, 0.2, 0.5)));
    for (var v : variants.entrySet()) {
      String objective = v.getKey();
      PoeResult r = new PoeFitter(v.getValue().initial(start).iterations(12).eta(1000)
          .tolerance(1e-9).build(), OjAlgoQpSolver.create()).fit(target,
          new LocalScoreEvaluator(target, 2), Progress.SILENT);
      double previous = Double.POSITIVE_INFINITY;
      for (double[] a : r.alphaPath()) {
        double e = 0;
        for (int k = 0; k < 3; k++) {
          e += (a[k] - alphaStar[k]) * (a[k] - alphaStar[k]);
        }
        e = Math.sqrt(e);
        assertTrue(e < previous + 1e-12, objective + ": error grew from " + previous + " to " + e
            + " path " + r.alphaPath().stream().map(java.util.Arrays::toString).toList());
        previous = e;
      }
      assertTrue(previous <= 0.05 * norm, objective + ": final error " + previous + " path "
          + r.alphaPath().stream().map(java.util.Arrays::toString).toList());
    }
  }

  /** The mode search finds the three modes of the separated default mixture. */
  @Test
  void modeSearchFindsAllModesOfASeparatedMixture() {
    GaussianMixtureTarget target = GaussianMixtureTarget.defaultMixture();
    List<ModeFinder.Mode> modes = ModeFinder.find(target, 16, 3, RandomStreams.of(2), 2)
        .modes();
    assertEquals(3, modes.size(), "modes " + modes.size());
  }

  /**
   * The paper's Algorithm 1 without step control on the funnel: whatever α does, the fit stops
   * with a reason, returns finite α, and the family it returns is valid.
   */
  @Test
  void aFitNeverReturnsADivergedAlpha() {
    FunnelTarget target = FunnelTarget.of(3, 3);
    ExpertPool.Settings d = ExpertPool.Settings.defaults();
    PoeResult r = new PoeFitter(small().objective(new UnderQSettings(1e9, 0, 1))
        .experts(new ExpertPool.Settings(ExpertPool.Placement.MODES, 10, d.plannedAlpha(),
            d.widths(), d.broadFactors(), d.globalWidths(), d.floor()))
        .iterations(8).build(), OjAlgoQpSolver.create()).fit(target,
        new LocalScoreEvaluator(target, 2), Progress.SILENT);
    double sum = 0;
    for (double a : r.family().alpha()) {
      assertTrue(Double.isFinite(a) && a >= 0, "alpha " + a);
      sum += a;
    }
    // The QP's constraint Σα ≥ D/2 + ε (3/2 + 1/2) holds for whatever α is returned.
    assertTrue(sum >= 2 - 1e-9, "sum(alpha) " + sum);
    assertEquals(r.trace().size(), r.alphaPath().size());
    assertTrue(Double.isFinite(r.finish().normalizer().chosenEstimate().estimate()));
  }

  /**
   * On the funnel the first weighted batch keeps too few draws, so the fit takes a first q from
   * it before its MALA population (issue #18): far fewer score evaluations than the population's
   * first iteration, active experts only, and nothing else changed. The fit after the population
   * is the same, bit for bit, as population = always's, which draws no batch 1 and has no first q.
   */
  @Test
  void aFirstQComesBeforeThePopulationAndChangesNothingAfterIt() {
    FunnelTarget target = FunnelTarget.of(3, 3);
    PoeResult auto = fitFunnel(target, funnelSettings().objective(UnderPSettings.defaults()));
    PoeResult always = fitFunnel(target, funnelSettings().objective(UnderPSettings.defaults())
        .population(PopulationMode.ALWAYS));
    assertTrue(always.firstQ().isEmpty(), "no batch 1, no first q");
    PoeResult.FirstQ first = auto.firstQ().orElseThrow();
    long before = first.row().scoreEvaluations();
    long population = auto.trace().get(0).scoreEvaluations();
    assertTrue(before < population / 4, "first q at " + before + " evaluations, the population's"
        + " first iteration at " + population);
    assertEquals(first.row().step().activeExperts(), first.family().numExperts());
    assertEquals(first.family().numExperts(), first.family().numActive());
    assertTrue(first.family().alphaSum() > 1.5, "normalisable: " + first.family().alphaSum());
    assertArrayEquals(always.family().alpha(), auto.family().alpha(), 0.0);
    assertEquals(always.alphaPath().size(), auto.alphaPath().size());
  }

  /**
   * When the population fails (here: no burn-in steps, and the funnel's resampled draws fail
   * Stein's identity), the fit goes on from its first q with weighted batches: the same α, bit
   * for bit, as population = never, whose iteration 1 is that first q's.
   */
  @Test
  void aFailedPopulationGoesOnFromTheFirstQ() {
    FunnelTarget target = FunnelTarget.of(3, 3);
    PoeResult failed = fitFunnel(target, funnelSettings().objective(UnderPSettings.defaults())
        .moveBurnIn(0));
    PoeResult never = fitFunnel(target, funnelSettings().objective(UnderPSettings.defaults())
        .population(PopulationMode.NEVER));
    assertTrue(failed.warnings().stream().anyMatch(w -> w.contains("has not reached p")),
        "warnings " + failed.warnings());
    assertTrue(failed.firstQ().isEmpty(), "the first q is the fit's iteration 1");
    assertEquals(never.alphaPath().size(), failed.alphaPath().size());
    for (int t = 0; t < never.alphaPath().size(); t++) {
      assertArrayEquals(never.alphaPath().get(t), failed.alphaPath().get(t), 0.0, "iteration "
          + (t + 1));
    }
  }

  /**
   * The defaults where they decide between weighted batches and a population (batch size,
   * preliminary Gaussian); fewer mode starts and output draws.
   */
  private static PoeSettings.Builder funnelSettings() {
    return PoeSettings.builder().threads(2).modeStarts(8).outputDraws(2000);
  }

  private static PoeResult fitFunnel(FunnelTarget target, PoeSettings.Builder settings) {
    // No priced experts: these tests are about the first q and the population, and a second fit
    // over about 580 experts takes ojAlgo's QP minutes (PricingTest has the priced experts).
    return new PoeFitter(settings.iterations(3).build().withRefine(0, 4),
        OjAlgoQpSolver.create()).fit(target,
        new LocalScoreEvaluator(target, 2), Progress.SILENT);
  }
}
