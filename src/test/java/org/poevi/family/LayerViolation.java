package org.poevi.family;

import org.poevi.targets.Target;

/**
 * A class that breaks this package's layer rule on purpose (it uses {@link Target}, a layer above):
 * ArchitectureTest shows the rule flags it. Test sources only; never used.
 */
final class LayerViolation {
  Target above;
}
