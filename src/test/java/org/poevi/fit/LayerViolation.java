package org.poevi.fit;

import org.poevi.baselines.Bam;

/**
 * A class that breaks this package's layer rule on purpose (it uses {@link Bam}, a layer above):
 * ArchitectureTest shows the rule flags it. Test sources only; never used.
 */
final class LayerViolation {
  Bam above;
}
