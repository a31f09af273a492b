package org.poevi.ml;

import org.poevi.cli.Main;

/**
 * A class that breaks this package's layer rule on purpose (it uses {@link Main}, a layer above):
 * ArchitectureTest shows the rule flags it. Test sources only; never used.
 */
final class LayerViolation {
  Main above;
}
