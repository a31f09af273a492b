package org.poevi.config;

import org.poevi.results.FitOutcome;

/**
 * A class that breaks this package's layer rule on purpose (it uses {@link FitOutcome}, a layer above):
 * ArchitectureTest shows the rule flags it. Test sources only; never used.
 */
final class LayerViolation {
  FitOutcome above;
}
