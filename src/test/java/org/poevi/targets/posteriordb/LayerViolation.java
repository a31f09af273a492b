package org.poevi.targets.posteriordb;

import org.poevi.fit.StopReason;

/**
 * A class that breaks this package's layer rule on purpose (it uses {@link StopReason}, a layer above):
 * ArchitectureTest shows the rule flags it. Test sources only; never used.
 */
final class LayerViolation {
  StopReason above;
}
