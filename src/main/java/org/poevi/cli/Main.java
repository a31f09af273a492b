package org.poevi.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.poevi.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code poevi} command line: {@code sample} draws from a saved model. Exit status 0 on
 * success, 2 with a one-line reason on bad input (arguments, files, models), 3 with one line
 * saying how to give it more memory when this JVM runs out of heap, 1 on an internal error (with
 * its stack trace, which is a bug to report).
 */
@Command(name = "poevi", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Variational inference with a product of multivariate-t experts.",
    subcommands = {FitCommand.class, SampleCommand.class, EvaluateCommand.class,
        BenchmarkCommand.class, CheckTargetCommand.class})
public final class Main implements Runnable {
  @Spec
  CommandSpec spec;

  public static final int EXIT_OK = 0;
  public static final int EXIT_INTERNAL = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_OUT_OF_MEMORY = 3;

  /**
   * netlib announces its BLAS choice at INFO through java.util.logging; keep the console for
   * results (benchmarks report the implementation explicitly). Held in a field because
   * java.util.logging keeps loggers only weakly, and a collected logger forgets its level.
   */
  private static final java.util.logging.Logger NETLIB_LOG =
      java.util.logging.Logger.getLogger("dev.ludovic.netlib");

  public static void main(String[] args) {
    NETLIB_LOG.setLevel(java.util.logging.Level.WARNING);
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit status (main exits with it; tests read it). */
  public static int run(String... args) {
    return execute(commandLine(), args);
  }

  /**
   * Runs {@code cl} and returns its exit status. An OutOfMemoryError thrown in this JVM (poevi's
   * Spark driver, when there is Spark) is {@link #EXIT_OUT_OF_MEMORY} with one line on
   * {@code cl}'s error stream naming the settings that size its heap, and no stack trace: the
   * heap is the user's to set, not a bug.
   */
  static int execute(CommandLine cl, String... args) {
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      // picocli's exception handlers take Exceptions only, so an Error arrives here.
      PrintWriter err = cl.getErr();
      err.println("error: out of memory (" + e.getMessage() + "): give poevi's JVM more heap,"
          + " e.g. JAVA_OPTS=-Xmx8g with jobs/poevi or --driver-memory 8g (spark.driver.memory)"
          + " with spark-submit; executors that run out get spark.executor.memory");
      err.flush();
      return EXIT_OUT_OF_MEMORY;
    }
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter err = cmd.getErr();
      err.println("error: " + firstLine(ex.getMessage()) + " (see '"
          + cmd.getCommandSpec().qualifiedName() + " --help')");
      err.flush();
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      // A target that cannot be evaluated is the model's problem, not poevi's: one line naming
      // the point (a user-supplied model is the usual cause).
      if (ex instanceof InvalidInputException || ex instanceof UncheckedIOException
          || ex instanceof org.poevi.targets.TargetEvaluationException) {
        err.println("error: " + firstLine(ex.getMessage()));
        err.flush();
        return EXIT_USAGE;
      }
      err.println("internal error (please report it): " + ex);
      ex.printStackTrace(err);
      err.flush();
      return EXIT_INTERNAL;
    });
    return cl;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    return message.lines().findFirst().orElse(message);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: fit, sample, evaluate, benchmark or check-target");
  }

  /** Reads the version that Maven wrote into {@code org/poevi/version.properties}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      java.util.Properties p = new java.util.Properties();
      try (var in = Main.class.getResourceAsStream("/org/poevi/version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"poevi " + p.getProperty("version", "(unknown version)")};
    }
  }
}
