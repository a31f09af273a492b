package org.poevi.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of poevi's command line in this JVM, with its exit status and captured output. */
record CliRun(int exitCode, String out, String err) {
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
      code = Main.commandLine().setOut(o).setErr(e).execute(args);
    }
    return new CliRun(code, out.toString(), err.toString());
  }
}
