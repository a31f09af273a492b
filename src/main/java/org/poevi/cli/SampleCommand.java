package org.poevi.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.poevi.InvalidInputException;
import org.poevi.family.ModelJson;
import org.poevi.family.FittedModel;
import org.poevi.family.SampleOptions;
import org.poevi.family.ZSpaceNormalizer;
import org.poevi.io.AtomicFiles;
import org.poevi.results.SampleOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code poevi sample}: unweighted draws from a saved model, its validated log-normaliser and a
 * per-parameter summary. Writes {@code draws.csv} (the parameters, then {@code lq__}, log q at each
 * draw; there is no target, so no {@code lp__}) and {@code summary.json}, together, atomically.
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
    FittedModel read = ModelJson.readAny(model);
    checkMemory(options, read.dim());
    AtomicFiles.prepareDirectory(out, "--out");
    SampleOutcome outcome = SampleOutcome.of(read, options, model, start);
    outcome.save(out);
    outcome.print(spec.commandLine().getOut(), out);
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
}
