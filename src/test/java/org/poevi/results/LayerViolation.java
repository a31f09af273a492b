package org.poevi.results;

import org.poevi.spark.Poevi;

/**
 * A class that breaks this package's layer rule on purpose (it uses {@link Poevi}, a layer above):
 * ArchitectureTest shows the rule flags it. Test sources only; never used.
 */
final class LayerViolation {
  Poevi above;
}
