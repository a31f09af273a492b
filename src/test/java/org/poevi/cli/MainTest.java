package org.poevi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class MainTest {
  /** A command that runs out of memory (an Error, which picocli's handlers do not take). */
  @Command(name = "hungry")
  static final class Hungry implements Runnable {
    @Override
    public void run() {
      throw new OutOfMemoryError("Java heap space");
    }
  }

  /**
   * Running out of heap is neither bad input (2) nor a bug (1): its own status, 3, and one line
   * naming the heap settings for jobs/poevi and spark-submit, with no stack trace. The command is
   * a subcommand of poevi's own command line, so poevi's exception handlers are the ones passed.
   */
  @Test
  void outOfMemoryIsItsOwnStatusWithOneLine() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine().addSubcommand(new Hungry())
        .setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    int status = Main.execute(cl, "hungry");
    assertEquals(Main.EXIT_OUT_OF_MEMORY, status);
    assertFalse(Set.of(Main.EXIT_OK, Main.EXIT_INTERNAL, Main.EXIT_USAGE).contains(status));
    String message = err.toString();
    assertEquals(1, message.lines().count(), message);
    assertEquals("error: out of memory (Java heap space): give poevi's JVM more heap,"
        + " e.g. JAVA_OPTS=-Xmx8g with jobs/poevi or --driver-memory 8g (spark.driver.memory)"
        + " with spark-submit; executors that run out get spark.executor.memory",
        message.strip());
    assertEquals("", out.toString());
  }
}
