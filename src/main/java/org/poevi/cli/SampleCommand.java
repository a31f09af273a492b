package org.poevi.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.poevi.InvalidInputException;
import org.poevi.family.ModelJson;
import org.poevi.family.NormalizerValidation;
import org.poevi.family.PoeModel;
import org.poevi.family.SampleOptions;
import org.poevi.family.SampleResult;
import org.poevi.family.SamplingMode;
import org.poevi.family.ValidatedSampler;
import org.poevi.family.ZSpaceNormalizer;
import org.poevi.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code poevi sample}: unweighted draws from a saved model, its validated log-normaliser and a
 * per-parameter summary. Writes {@code draws.csv}, then {@code summary.json}, each atomically.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
    description = "Draw from a saved model (model.json) and estimate its log-normaliser.")
final class SampleCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "model.json")
  Path model;

  @Option(names = "--draws", defaultValue = "10000", paramLabel = "N",
      description = "unweighted draws to write (default: ${DEFAULT-VALUE})")
  int draws;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
      description = "master seed; it fixes every random choice (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
  Path out;

  @Option(names = "--threads", paramLabel = "T",
      description = "worker threads (default: all cores); never changes the output")
  Integer threads;

  @Option(names = "--mode", defaultValue = "auto", paramLabel = "MODE",
      description = "auto, exact (rejection) or sir (default: ${DEFAULT-VALUE})")
  String mode;

  @Option(names = "--normalizer-draws", paramLabel = "M",
      description = "Dirichlet draws for the log-normaliser (default: max(N, 100000), at most 2·10^7)")
  Long normalizerDraws;

  @Option(names = "--min-acceptance", paramLabel = "A",
      defaultValue = "" + SampleOptions.DEFAULT_MIN_ACCEPTANCE,
      description = "use exact rejection sampling when its acceptance rate is at least A"
          + " (default: ${DEFAULT-VALUE})")
  double minAcceptance;

  @Option(names = "--max-proposals", paramLabel = "P",
      description = "cap on Dirichlet proposals (default: max(50 N, 10^7))")
  Long maxProposals;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    SampleOptions options = options();
    Object read = ModelJson.readAny(model);
    if (read instanceof org.poevi.family.GaussianModel gaussian) {
      return sampleGaussian(gaussian, options, start);
    }
    PoeModel poe = (PoeModel) read;
    checkMemory(options, poe.dim());
    prepareOutputDirectory(out);

    ValidatedSampler.Outcome outcome = ValidatedSampler.sample(poe.family(), options);
    SampleResult result = outcome.draws();
    NormalizerValidation check = outcome.normalizer();
    List<String> warnings = outcome.warnings();

    double seconds = (System.nanoTime() - start) * 1e-9;
    Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
    files.put(out.resolve("draws.csv"), DrawsCsv.content(poe.parameters(), result.draws(),
        poe.dim()));
    files.put(out.resolve("summary.json"),
        JsonOutput.content(summary(poe, options, result, check, warnings, seconds)));
    AtomicFiles.writeAll(files);
    report(spec.commandLine().getOut(), result, check, warnings, seconds);
    return Main.EXIT_OK;
  }

  /**
   * A Gaussian baseline's model: exact draws (stream keyed by --seed), its exact normaliser, and
   * the same two files.
   */
  private Integer sampleGaussian(org.poevi.family.GaussianModel gaussian, SampleOptions options,
      long start) {
    checkMemory(options, gaussian.dim());
    prepareOutputDirectory(out);
    double[] z = gaussian.sample(org.poevi.math.RandomStreams.of(options.seed()).stream(
        org.poevi.math.RandomStreams.BASELINE), draws);
    double seconds = (System.nanoTime() - start) * 1e-9;
    ObjectNode root = JsonOutput.object();
    root.put("command", "sample");
    root.put("modelFile", model.toString());
    root.put("family", ModelJson.GAUSSIAN);
    root.put("dimension", gaussian.dim());
    root.put("draws", draws);
    root.put("seed", options.seed());
    ObjectNode sampling = root.putObject("sampling");
    sampling.put("mode", "exact");
    ObjectNode normalizer = root.putObject("logNormalizer");
    normalizer.put("method", "exact");
    JsonOutput.putSummaries(root.putObject("parameters"), z, gaussian.dim(),
        gaussian.parameters());
    JsonOutput.putNumber(root, "wallTimeSeconds", seconds);
    Map<Path, AtomicFiles.Content> files = new LinkedHashMap<>();
    files.put(out.resolve("draws.csv"), DrawsCsv.content(gaussian.parameters(), z,
        gaussian.dim()));
    files.put(out.resolve("summary.json"), JsonOutput.content(root));
    AtomicFiles.writeAll(files);
    spec.commandLine().getOut().printf("%d exact draws of the Gaussian model in %.1f s%nwrote %s"
        + " and summary.json%n", draws, seconds, out.resolve("draws.csv"));
    spec.commandLine().getOut().flush();
    return Main.EXIT_OK;
  }

  private SampleOptions options() {
    if (draws < 1) {
      throw new InvalidInputException("--draws must be >= 1, got " + draws);
    }
    if (threads != null && threads < 1) {
      throw new InvalidInputException("--threads must be >= 1, got " + threads);
    }
    if (normalizerDraws != null && normalizerDraws < 1000) {
      throw new InvalidInputException("--normalizer-draws must be >= 1000 (the Pareto k-hat of"
          + " the weights needs a tail to fit), got " + normalizerDraws);
    }
    if (!(minAcceptance > 0 && minAcceptance <= 1)) {
      throw new InvalidInputException("--min-acceptance must be in (0, 1], got " + minAcceptance);
    }
    long effectiveNormalizerDraws = normalizerDraws != null ? normalizerDraws
        : SampleOptions.defaultNormalizerDraws(draws);
    if (maxProposals != null && maxProposals < effectiveNormalizerDraws) {
      throw new InvalidInputException("--max-proposals (" + maxProposals + ") must be at least"
          + " --normalizer-draws (" + effectiveNormalizerDraws
          + (normalizerDraws == null ? ", its default" : "") + ")");
    }
    if (maxProposals != null && maxProposals > SampleOptions.HARD_MAX_PROPOSALS) {
      throw new InvalidInputException("--max-proposals must be <= "
          + SampleOptions.HARD_MAX_PROPOSALS + ", got " + maxProposals);
    }
    SampleOptions.Mode m = switch (mode) {
      case "auto" -> SampleOptions.Mode.AUTO;
      case "exact" -> SampleOptions.Mode.EXACT;
      case "sir" -> SampleOptions.Mode.SIR;
      default -> throw new InvalidInputException("--mode must be auto, exact or sir, got '" + mode
          + "'");
    };
    SampleOptions.Builder b = SampleOptions.builder().draws(draws).seed(seed).mode(m)
        .minAcceptance(minAcceptance);
    if (threads != null) {
      b.threads(threads);
    }
    if (normalizerDraws != null) {
      b.normalizerDraws(normalizerDraws);
    }
    if (maxProposals != null) {
      b.maxProposals(maxProposals);
    }
    try {
      return b.build();
    } catch (InvalidInputException e) {
      throw new InvalidInputException("bad option: " + e.getMessage(), e);
    }
  }

  /**
   * Fails before any work when the draws (N·D doubles, held twice while the CSV is written) and the
   * proposal pool (a double and a flag per proposal) cannot fit in the heap.
   */
  static void checkMemory(SampleOptions options, int dim) {
    // Draws: the array and the CSV being written. Proposals: a double, a flag and a resampling
    // count each, twice while the pool grows or a trial pool stands beside it. The z-space check:
    // its fit sample, pilot draws and final log weights.
    double zSpace = 8.0 * (20_000 + 50_000) * (dim + 1)
        + 8.0 * ZSpaceNormalizer.MAX_DRAWS * (dim + 1);
    double need = 16.0 * options.draws() * dim + 2 * 13.0 * options.maxProposals() + zSpace;
    double have = Runtime.getRuntime().maxMemory();
    if (need > 0.8 * have) {
      throw new InvalidInputException(String.format("--draws %d in dimension %d with up to %d"
          + " proposals needs about %.1f GB of heap but the JVM has %.1f GB; lower --draws or"
          + " --max-proposals, or raise the heap (JAVA_OPTS=-Xmx...)", options.draws(), dim,
          options.maxProposals(), need / 1e9, have / 1e9));
    }
  }

  /** Fails before any work when the output directory cannot be used. */
  static void prepareOutputDirectory(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new InvalidInputException("--out " + dir + " exists and is not a directory");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create output directory " + dir + ": " + e, e);
    }
    if (!Files.isWritable(dir)) {
      throw new InvalidInputException("output directory " + dir + " is not writable");
    }
  }

  private ObjectNode summary(PoeModel poe, SampleOptions options, SampleResult result,
      NormalizerValidation check, List<String> warnings, double seconds) {
    ObjectNode root = JsonOutput.object();
    root.put("command", "sample");
    root.put("model", model.toString());
    root.put("seed", seed);
    root.put("draws", options.draws());
    root.put("threads", options.threads());
    root.put("dimension", poe.dim());
    root.put("experts", poe.family().numExperts());
    root.put("activeExperts", poe.family().numActive());
    JsonOutput.putNumber(root, "dof", poe.family().dof());

    JsonOutput.putDrawsAndNormalizer(root, result, check, poe.parameters());
    ArrayNode w = root.putArray("warnings");
    warnings.forEach(w::add);
    root.put("wallTimeSeconds", seconds);
    return root;
  }

  private void report(PrintWriter stdout, SampleResult result, NormalizerValidation check,
      List<String> warnings, double seconds) {
    var chosen = check.chosenEstimate();
    String how = switch (result.mode()) {
      case EXACT -> String.format("exact rejection, acceptance rate %.3g",
          result.acceptanceRate());
      case SIR -> String.format("SIR, ESS %.0f of %d proposals", result.ess(),
          result.proposals());
      case Z_SIR -> String.format("SIR in z space, ESS %.0f of %d proposals", result.ess(),
          result.proposals());
    };
    stdout.printf("poevi sample: %d draws (%s) in %.1f s%n", result.numDraws(), how, seconds);
    stdout.printf("log-normaliser %.4f ± %.4f (%s, k-hat %.2f; check %s)%n", chosen.estimate(),
        chosen.standardError(), check.chosen().label(), chosen.khat(),
        check.agree() ? "agrees" : "DISAGREES");
    for (String warning : warnings) {
      stdout.println("warning: " + warning);
    }
    stdout.println("wrote " + out.resolve("draws.csv") + " and " + out.resolve("summary.json"));
    stdout.flush();
  }
}
