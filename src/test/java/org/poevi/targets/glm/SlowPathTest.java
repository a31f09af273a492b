package org.poevi.targets.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A GLM likelihood on its scalar fallback says so (a warning the fit reports), instead of running
 * about 8 times slower without a word; a Gaussian likelihood has no vectorised path to miss.
 */
class SlowPathTest {
  @Test
  void theScalarFallbackIsNamed() {
    Optional<String> slow = GlmTerms.slowPathOf(new ScalarLogisticTerms(), "logistic");
    assertTrue(slow.orElseThrow().startsWith("the logistic likelihood runs on its scalar path"),
        slow.get());
    assertTrue(slow.get().contains("--add-modules=jdk.incubator.vector"), slow.get());
  }

  /** The tests run with the Vector API (as jobs/poevi does): no warning then. */
  @Test
  void theVectorPathHasNoWarning() {
    assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
        "the test JVM has the Vector API (pom.xml's surefire argLine)");
    assertEquals(Optional.empty(), new LogisticLikelihood(3).slowPath());
    assertEquals(Optional.empty(), new PoissonLikelihood(3).slowPath());
    assertEquals(Optional.empty(), new GaussianLikelihood(3).slowPath());
    RegressionTarget target = new RegressionTarget(RegressionTarget.Family.LOGISTIC,
        InMemoryRowData.of(new SyntheticLogisticData(50, 2, true, 1), 1), true,
        Prior.normal(0, 2.5), Prior.normal(0, 2.5));
    assertEquals(List.of(), target.warnings());
  }
}
