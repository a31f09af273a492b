package org.poevi.results;

import java.io.PrintWriter;
import org.poevi.fit.Progress;
import org.poevi.fit.TraceRow;

/**
 * Progress for people watching a fit: one compact line per iteration (iteration, Fisher
 * divergence, ESS, active experts, time) and per phase. Within a long phase (mode search, the
 * MALA burn-in, the final draws and normaliser) a terminal gets a progress bar redrawn in place;
 * anything else (a log file, a notebook cell) gets a plain line at each quarter, so the output
 * stays readable when it is not a terminal.
 */
public final class ConsoleProgress implements Progress {
  private static final int BAR = 30;

  private final PrintWriter out;
  private final boolean terminal;
  private String phase = "";
  private long shownDone = -1;
  private int shownQuarter = -1;
  private boolean barOpen;

  /**
   * @param terminal whether {@code out} is a terminal (a bar redrawn with carriage returns) or
   *     not (plain lines)
   */
  public ConsoleProgress(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /**
   * Progress on standard output, with bars when it is a terminal. Each line goes to the
   * System.out of the moment it is written (a notebook kernel may redirect it per cell).
   */
  public static ConsoleProgress stdout() {
    return new ConsoleProgress(currentStdout(), isTerminal());
  }

  /**
   * A writer onto whatever System.out is when it writes, a whole line (or what a flush finds) at
   * a time, so a notebook gets one output chunk per line.
   */
  public static PrintWriter currentStdout() {
    return new PrintWriter(new java.io.Writer() {
      private final StringBuilder pending = new StringBuilder();

      @Override
      public synchronized void write(char[] chars, int offset, int length) {
        pending.append(chars, offset, length);
      }

      @Override
      public synchronized void flush() {
        if (pending.length() > 0) {
          System.out.print(pending);
          pending.setLength(0);
        }
        System.out.flush();
      }

      @Override
      public void close() {
        flush();
      }
    }, true);
  }

  /** Whether this JVM's standard output is a terminal (not a pipe, a file or a notebook). */
  public static boolean isTerminal() {
    return System.console() != null;
  }

  @Override
  public synchronized void phase(String description) {
    closeBar();
    phase = description;
    shownDone = -1;
    shownQuarter = -1;
    out.println("  " + description + " ...");
    out.flush();
  }

  @Override
  public synchronized void advance(long done, long total) {
    if (total <= 0 || done <= shownDone) {
      return; // parallel workers may report out of order; never go backwards
    }
    shownDone = done;
    double fraction = Math.min(1.0, (double) done / total);
    if (terminal) {
      int filled = (int) Math.round(fraction * BAR);
      out.print(String.format("\r    [%s%s] %d/%d", "#".repeat(filled),
          ".".repeat(BAR - filled), done, total));
      barOpen = true;
      if (done >= total) {
        closeBar();
      }
      out.flush();
      return;
    }
    int quarter = (int) Math.floor(fraction * 4);
    if (quarter > shownQuarter && quarter > 0) {
      shownQuarter = quarter;
      out.println(String.format("    %s: %d/%d (%d%%)", shortName(phase), done,
          total, Math.round(fraction * 100)));
      out.flush();
    }
  }

  @Override
  public synchronized void iteration(TraceRow r) {
    closeBar();
    out.printf("  iter %3d  fisher %.3e  |dalpha| %.2e  dF %.1e  active %3d"
        + "  nu %.3g  ESS %.2f%s  logC %.3f  %.1f s%n", r.iteration(), r.step().fisher(),
        r.step().deltaAlpha(), r.step().objectiveChange(), r.step().activeExperts(),
        r.step().nu(), r.batch().essFraction(), Double.isNaN(r.batch().acceptance()) ? ""
            : String.format("  accept %.2f", r.batch().acceptance()), r.logNormalizer(),
        r.seconds());
    out.flush();
  }

  private void closeBar() {
    if (barOpen) {
      out.println();
      barOpen = false;
    }
  }

  /** "mode search" for "mode search (50 L-BFGS starts)". */
  private static String shortName(String phase) {
    int paren = phase.indexOf(" (");
    return paren > 0 ? phase.substring(0, paren) : phase;
  }
}
