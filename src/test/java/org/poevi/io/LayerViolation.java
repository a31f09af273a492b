package org.poevi.io;

import org.poevi.family.ModelJson;

/**
 * A class that breaks this package's layer rule on purpose (it uses {@link ModelJson}, a layer above):
 * ArchitectureTest shows the rule flags it. Test sources only; never used.
 */
final class LayerViolation {
  ModelJson above;
}
