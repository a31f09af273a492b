package org.poevi.targets;

import org.poevi.evaluator.ScoreEvaluator;

/**
 * A class that breaks this package's layer rule on purpose (it uses {@link ScoreEvaluator}, a layer above):
 * ArchitectureTest shows the rule flags it. Test sources only; never used.
 */
final class LayerViolation {
  ScoreEvaluator above;
}
