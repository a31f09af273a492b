package org.poevi.baselines;

import org.poevi.plot.FitPlots;

/**
 * A class that breaks this package's layer rule on purpose (it uses {@link FitPlots}, a layer above):
 * ArchitectureTest shows the rule flags it. Test sources only; never used.
 */
final class LayerViolation {
  FitPlots above;
}
