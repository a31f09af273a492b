package org.poevi.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.poevi.family.NormalizerValidation;
import org.poevi.family.SampleResult;
import org.poevi.family.SamplingMode;
import org.poevi.io.AtomicFiles;
import org.poevi.math.ColumnSummary;
import org.poevi.math.LogMeanEstimate;
import org.poevi.targets.Target;

/** JSON output helpers: strictly valid JSON (a non-finite number becomes null), atomic files. */
public final class JsonOutput {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private JsonOutput() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Puts a number, or null when it is NaN or infinite (JSON has no such numbers). */
  public static void putNumber(ObjectNode node, String key, double value) {
    if (Double.isFinite(value)) {
      node.put(key, value);
    } else {
      node.putNull(key);
    }
  }

  public static ObjectNode estimate(LogMeanEstimate e) {
    ObjectNode n = object();
    putNumber(n, "estimate", e.estimate());
    putNumber(n, "standardError", e.standardError());
    n.put("draws", e.draws());
    putNumber(n, "khat", e.khat());
    putNumber(n, "ess", e.ess());
    n.put("reliable", e.isReliable());
    return n;
  }

  /**
   * The blocks that every command producing draws of a product of experts writes: "sampling"
   * (how the draws were made), "logNormalizer" (the value to use), "logNormalizerCheck" (both
   * estimates) and "parameters" (the summaries of {@link #putSummaries}, with the draws' ESS of
   * {@link SampleResult#drawsEss}).
   */
  public static void putDrawsAndNormalizer(ObjectNode root, SampleResult result,
      NormalizerValidation check, List<String> names) {
    ObjectNode sampling = root.putObject("sampling");
    sampling.put("mode", result.mode().label());
    sampling.put("proposals", result.proposals());
    sampling.put("proposal", result.proposal());
    boolean exact = result.mode() == SamplingMode.EXACT;
    putNumber(sampling, "acceptanceRate", result.acceptanceRate());
    // Exact draws are independent: their effective sample size is their number.
    putNumber(sampling, "ess", exact ? result.numDraws() : result.ess());
    putNumber(sampling, "essFraction", exact ? Double.NaN : result.ess() / result.proposals());
    sampling.put("degenerateDraws", result.degenerateDraws());

    ObjectNode normalizer = root.putObject("logNormalizer");
    LogMeanEstimate chosen = check.chosenEstimate();
    putNumber(normalizer, "estimate", chosen.estimate());
    putNumber(normalizer, "standardError", chosen.standardError());
    normalizer.put("draws", chosen.draws());
    normalizer.put("method", check.chosen().label());
    putNumber(normalizer, "khat", chosen.khat());

    ObjectNode validation = root.putObject("logNormalizerCheck");
    validation.set("dirichlet", estimate(check.dirichlet()));
    validation.set("zImportance", estimate(check.zSpace()));
    validation.put("agree", check.agree());
    validation.put("agreementZ", NormalizerValidation.AGREEMENT_Z);
    // MCMC on q from the draws drifted (org.poevi.family.HiddenMassCheck): q holds mass both
    // estimators may have missed together, however well they agree.
    validation.put("massMissed", check.massMissed());

    putSummaries(root.putObject("parameters"), result.draws(), result.dim(), names,
        result.drawsEss());
  }

  /**
   * {@code constrainedParameters}: the summaries of the draws (n×D row-major, unconstrained) on
   * the target's own scale ({@link Target#constrain}: sigma for log_sigma, ...); {@code ess} as
   * in {@link #putSummaries} (a function of each draw has the draws' ESS).
   */
  public static void putConstrained(ObjectNode root, Target target, double[] draws,
      double ess) {
    List<String> constrained = target.constrainedNames();
    putSummaries(root.putObject("constrainedParameters"), constrain(target, draws),
        constrained.size(), constrained, ess);
  }

  /** The draws (n×D row-major, unconstrained) mapped onto the target's own scale. */
  public static double[] constrain(Target target, double[] draws) {
    int dim = target.dim();
    int n = draws.length / dim;
    double[] z = new double[dim];
    double[] out = new double[target.constrainedNames().size()];
    double[] mapped = new double[n * out.length];
    for (int i = 0; i < n; i++) {
      System.arraycopy(draws, i * dim, z, 0, dim);
      target.constrain(z, out);
      System.arraycopy(out, 0, mapped, i * out.length, out.length);
    }
    return mapped;
  }

  /**
   * Per column of n×dim row-major draws, by name: the mean, its Monte Carlo standard error
   * {@code mcse} = sd/√ESS, the sd, the 5/50/95% quantiles ({@code q05} and {@code q95} bound
   * the 90% central interval) and {@code ess}, the draws' effective sample size (n for exact,
   * independent draws; {@link SampleResult#drawsEss} for resampled ones).
   */
  public static void putSummaries(ObjectNode parameters, double[] draws, int dim,
      List<String> names, double ess) {
    ColumnSummary[] columns = ColumnSummary.of(draws, dim);
    for (int d = 0; d < dim; d++) {
      ObjectNode p = parameters.putObject(names.get(d));
      putNumber(p, "mean", columns[d].mean());
      putNumber(p, "mcse", columns[d].mcse(ess));
      putNumber(p, "sd", columns[d].sd());
      putNumber(p, "q05", columns[d].q05());
      putNumber(p, "q50", columns[d].q50());
      putNumber(p, "q95", columns[d].q95());
      putNumber(p, "ess", ess);
    }
  }

  public static void write(ObjectNode node, Path path) {
    AtomicFiles.write(path, content(node));
  }

  /** Pretty-printed JSON as a string, as {@link #content} writes it. */
  public static String text(ObjectNode node) {
    try {
      return MAPPER.writeValueAsString(node) + System.lineSeparator();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that cannot be written", e);
    }
  }

  /** Pretty-printed JSON as content for {@link AtomicFiles}. */
  public static AtomicFiles.Content content(ObjectNode node) {
    return AtomicFiles.Content.text(out -> {
      MAPPER.writeValue(out, node);
      out.write(System.lineSeparator());
    });
  }
}
