package org.poevi.plot;

import org.poevi.config.FitConfig;

/**
 * A class that breaks this package's layer rule on purpose (it uses {@link FitConfig}, a layer above):
 * ArchitectureTest shows the rule flags it. Test sources only; never used.
 */
final class LayerViolation {
  FitConfig above;
}
