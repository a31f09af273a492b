package org.poevi.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.poevi.fit.GaussianResult;
import org.poevi.fit.PoeResult;
import org.poevi.fit.StopReason;
import org.poevi.targets.Target;
import org.poevi.targets.VaryingInterceptsTarget;
import org.poevi.targets.glm.RegressionTarget;

/**
 * summary.json of a fit (SPEC §7): the target, how the fit went, per-parameter summaries on both
 * scales (mean with its MCSE, sd, quantiles, ESS: {@link JsonOutput#putSummaries}), and the
 * resolved configuration; for a product of experts also the pool, ν, the PSIS k̂, the draws and
 * the validated normaliser, a regression's data and priors (or a synthetic posterior's true
 * values), and the warnings.
 */
final class FitSummary {
  private FitSummary() {}

  static ObjectNode of(FitOutcome fit) {
    ObjectNode root = JsonOutput.object();
    root.put("command", "fit");
    root.put("target", fit.target().name());
    root.put("dimension", fit.target().dim());
    fit.result().match(poe -> poe(root, poe, fit), gaussian -> gaussian(root, gaussian, fit));
    try {
      root.set("config", redacted(JsonOutput.MAPPER.readTree(fit.config().renderJson()), ""));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("resolved configuration is not JSON", e);
    }
    return root;
  }

  /**
   * Keys whose values summary.json does not echo: Spark's default {@code spark.redaction.regex}.
   * Data source options (target.data.options) and a user target's options can hold credentials.
   */
  static final java.util.regex.Pattern SECRET =
      java.util.regex.Pattern.compile("(?i)secret|password|token|access[.]?key");
  /** What a redacted value reads, as in Spark's UI. */
  static final String REDACTED = "*********(redacted)";

  /**
   * {@code node} with every value whose dotted path (below {@code path}) matches {@link #SECRET}
   * replaced by {@link #REDACTED}, in place; the node.
   */
  static com.fasterxml.jackson.databind.JsonNode redacted(
      com.fasterxml.jackson.databind.JsonNode node, String path) {
    if (node instanceof ObjectNode o) {
      java.util.List<String> names = new java.util.ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        String full = path.isEmpty() ? name : path + "." + name;
        if (SECRET.matcher(full).find()) {
          o.put(name, REDACTED);
        } else {
          redacted(o.get(name), full);
        }
      }
    }
    return node;
  }

  private static ObjectNode gaussian(ObjectNode root, GaussianResult gaussian, FitOutcome fit) {
    ObjectNode out = root.putObject("fit");
    out.put("method", gaussian.method());
    out.put("stopReason", gaussian.stop().label());
    out.put("converged", gaussian.stop() == StopReason.CONVERGED);
    out.put("iterations", gaussian.iterations());
    out.put("scoreEvaluations", gaussian.scoreEvaluations());
    out.put("wallTimeSeconds", gaussian.seconds());
    JsonOutput.putNumber(root, "psisKhat", fit.psisKhat());
    JsonOutput.putSummaries(root.putObject("parameters"), fit.drawsView(), fit.target().dim(),
        gaussian.model().parameters(), fit.drawsEss());
    JsonOutput.putConstrained(root, fit.target(), fit.drawsView(), fit.drawsEss());
    ArrayNode w = root.putArray("warnings");
    fit.warnings().forEach(w::add);
    return root;
  }

  private static ObjectNode poe(ObjectNode root, PoeResult poe, FitOutcome fit) {
    ObjectNode out = root.putObject("fit");
    out.put("method", "poe");
    out.put("objective", fit.config().resolved().getString("fit.objective"));
    out.put("stopReason", poe.stop().label());
    out.put("converged", poe.converged());
    out.put("iterations", poe.iterations());
    out.put("scoreEvaluations", poe.scoreEvaluations());
    out.put("wallTimeSeconds", poe.seconds());
    poe.firstQ().ifPresent(first -> {
      // The q the fit had before its MALA population superseded it.
      ObjectNode q = out.putObject("firstQ");
      q.put("scoreEvaluations", first.row().scoreEvaluations());
      q.put("seconds", first.row().seconds());
      JsonOutput.putNumber(q, "batchFisher", first.row().step().fisher());
      q.put("activeExperts", first.family().numActive());
      JsonOutput.putNumber(q, "dof", first.family().dof());
    });
    poe.axes().ifPresent(axes -> {
      // experts.axes = auto: what the fits without and with the coordinate experts estimated.
      ObjectNode c = out.putObject("coordinateExperts");
      c.put("kept", axes.kept());
      c.put("reason", axes.reason());
      estimates(c.putObject("with"), axes.with());
      estimates(c.putObject("without"), axes.without());
      JsonOutput.putNumber(c, "chainGain", axes.chainGain());
      JsonOutput.putNumber(c, "chainGainStandardError", axes.chainGainSe());
      c.put("gainFrom", axes.fromChains() ? "chains" : "draws");
      c.put("coordinate", axes.axes());
      c.put("pricedExperts", axes.priced());
      c.put("pricedCandidates", axes.candidates());
      c.put("round", axes.round());
    });
    poe.calibration().ifPresent(cal -> calibration(out.putObject("affineCalibration"), cal));
    poe.projection().ifPresent(p -> projection(out.putObject("klProjection"), p));
    poe.population().ifPresent(pop -> population(out.putObject("population"), pop));
    // Rounds that fitted alpha again (MassRepair): empty for a fit that needed none.
    ArrayNode repairs = out.putArray("repairs");
    poe.repairs().forEach(r -> repairs.addObject().put("reason", r.reason())
        .put("points", r.points()));
    ObjectNode pool = root.putObject("experts");
    pool.put("pool", poe.family().numExperts());
    pool.put("active", poe.family().numActive());
    pool.put("modes", poe.modes());
    ObjectNode byKind = pool.putObject("activeByKind");
    for (int k : poe.family().activeExperts()) {
      String kind = poe.kinds().get(k);
      byKind.put(kind, byKind.path(kind).asInt(0) + 1);
    }
    JsonOutput.putNumber(root, "alphaSum", poe.family().alphaSum());
    JsonOutput.putNumber(root, "dof", poe.family().dof());
    JsonOutput.putNumber(root, "psisKhat", poe.finish().psisKhat());
    JsonOutput.putDrawsAndNormalizer(root, poe.finish().draws(), poe.finish().normalizer(),
        poe.parameterNames());
    JsonOutput.putConstrained(root, fit.target(), fit.drawsView(), fit.drawsEss());
    putData(root, fit.target());
    ArrayNode w = root.putArray("warnings");
    fit.warnings().forEach(w::add);
    return root;
  }

  /**
   * A regression's rows, priors and (for synthetic data) true coefficients; a posterior over
   * synthetic groups' rows and true values (constrained scale).
   */
  private static void putData(ObjectNode root, Target target) {
    if (target instanceof VaryingInterceptsTarget v) {
      ObjectNode data = root.putObject("data");
      data.put("rows", v.data().rows());
      data.put("groups", v.data().groups());
      ObjectNode values = data.putObject("trueValues");
      double[] truth = v.truth();
      for (int d = 0; d < truth.length; d++) {
        values.put(v.constrainedNames().get(d), truth[d]);
      }
      return;
    }
    if (!(target instanceof RegressionTarget t)) {
      return;
    }
    ObjectNode data = root.putObject("data");
    data.put("rows", t.data().rows());
    ObjectNode priors = data.putObject("priors");
    for (int d = 0; d < t.dim(); d++) {
      priors.put(t.parameterNames().get(d), t.priors().get(d).toString());
    }
    t.truth().ifPresent(truth -> {
      ObjectNode values = data.putObject("trueCoefficients");
      for (int d = 0; d < truth.length; d++) {
        values.put(t.parameterNames().get(d), truth[d]);
      }
    });
  }

  /** The MALA population's burn-in, and its independence steps (proposals 0: none). */
  private static void population(ObjectNode m, org.poevi.fit.PopulationReport pop) {
    m.put("chains", pop.chains());
    m.put("burnInSteps", pop.burnInSteps());
    ObjectNode ind = m.putObject("independenceSteps");
    ind.put("proposals", pop.independenceProposals());
    JsonOutput.putNumber(ind, "acceptance", pop.independenceAcceptance());
    ind.put("stopped", pop.independenceStopped());
  }

  /** fit.under-p.affine-calibration: the affine map of q fitted to half the chains. */
  private static void calibration(ObjectNode c, org.poevi.fit.AffineCalibration.Outcome cal) {
    c.put("kept", cal.kept());
    c.put("reason", cal.reason());
    c.put("form", cal.triangular() ? "triangular" : "diagonal");
    JsonOutput.putNumber(c, "logAbsDet", cal.logAbsDet());
    JsonOutput.putNumber(c, "heldOutGain", cal.gain());
    JsonOutput.putNumber(c, "heldOutGainStandardError", cal.gainSe());
    JsonOutput.putNumber(c, "drawsGain", cal.drawsGain());
    JsonOutput.putNumber(c, "drawsGainStandardError", cal.drawsGainSe());
    c.put("fittedChains", cal.fitted());
    c.put("heldOutChains", cal.heldOut());
    estimates(c.putObject("with"), cal.with());
    estimates(c.putObject("without"), cal.without());
  }

  /** fit.under-p.kl-projection: α moved towards KL(p; q)'s minimiser over q's draws. */
  private static void projection(ObjectNode c, org.poevi.fit.KlProjection.Outcome p) {
    c.put("kept", p.kept());
    c.put("reason", p.reason());
    JsonOutput.putNumber(c, "heldOutGain", p.gain());
    JsonOutput.putNumber(c, "heldOutGainStandardError", p.gainSe());
    if (p.with() != null) {
      JsonOutput.putNumber(c, "drawsGain", p.drawsGain());
      JsonOutput.putNumber(c, "drawsGainStandardError", p.drawsGainSe());
      estimates(c.putObject("with"), p.with());
      estimates(c.putObject("without"), p.without());
    }
  }

  private static void estimates(ObjectNode out, org.poevi.fit.AxisChoice.Estimates e) {
    JsonOutput.putNumber(out, "klByImportanceSampling", e.kl());
    JsonOutput.putNumber(out, "klStandardError", e.klSe());
    JsonOutput.putNumber(out, "elbo", e.elbo());
    JsonOutput.putNumber(out, "elboStandardError", e.elboSe());
    JsonOutput.putNumber(out, "psisKhat", e.khat());
  }
}
