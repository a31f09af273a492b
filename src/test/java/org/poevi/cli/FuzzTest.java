package org.poevi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #21's fuzzing at CI size: mutated configurations, model.json files, CSV data and prior
 * strings, with a fixed seed, each ending in a fit or sample or in one line naming what is wrong
 * ({@link Fuzz}). {@code -Dpoevi.fuzz.cases=N} changes the count; {@code jobs/fuzz} runs more.
 */
class FuzzTest {
  @Test
  void fuzzedInputEndsInSuccessOrOneLineErrors(@TempDir Path dir) throws IOException {
    Fuzz fuzz = new Fuzz(dir, 20261205L, 60);
    fuzz.setUp();
    List<Fuzz.Result> results = fuzz.run(Integer.getInteger("poevi.fuzz.cases", 500));
    assertEquals(List.of(), results.stream().filter(Fuzz::isFinding).toList(),
        Fuzz.report(results));
  }
}
