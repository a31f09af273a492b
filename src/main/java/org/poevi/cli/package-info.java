/**
 * The command line ({@code jobs/poevi}, {@code jobs/submit}): {@link org.poevi.cli.Main} and
 * the {@code fit}, {@code sample}, {@code evaluate} and {@code benchmark} commands (picocli),
 * which parse arguments, run through {@code spark.Poevi} and {@code results}, and turn user
 * errors into one line and an exit code.
 *
 * <p>Depends on: every layer below. Nothing depends on it.
 *
 * <p>Add here: a new command (a picocli class registered in {@code Main}).
 */
package org.poevi.cli;
