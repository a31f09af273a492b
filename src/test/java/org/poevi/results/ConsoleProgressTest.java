package org.poevi.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress output: plain lines when not on a terminal, a bar redrawn in place on one. */
class ConsoleProgressTest {
  private static String run(boolean terminal) {
    StringWriter text = new StringWriter();
    ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text), terminal);
    progress.phase("mode search (16 L-BFGS starts)");
    for (int done = 1; done <= 16; done++) {
      progress.advance(done, 16);
    }
    progress.advance(7, 16); // a late report from another thread: ignored
    progress.phase("final draws and normaliser");
    return text.toString();
  }

  @Test
  void plainLinesAtEachQuarterWhenNotOnATerminal() {
    List<String> lines = run(false).lines().toList();
    assertEquals(List.of("  mode search (16 L-BFGS starts) ...",
        "    mode search: 4/16 (25%)", "    mode search: 8/16 (50%)",
        "    mode search: 12/16 (75%)", "    mode search: 16/16 (100%)",
        "  final draws and normaliser ..."), lines);
    assertFalse(run(false).contains("\r"));
  }

  @Test
  void aBarRedrawnInPlaceOnATerminal() {
    String out = run(true);
    assertEquals(16, out.chars().filter(c -> c == '\r').count(), out);
    assertTrue(out.contains("\r    [" + "#".repeat(30) + "] 16/16\n"), out);
    assertTrue(out.endsWith("  final draws and normaliser ...\n"), out);
    // Three lines: the phase, the finished bar, the next phase.
    assertEquals(3, out.split("\n").length, out);
  }
}
