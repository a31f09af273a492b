package org.poevi.fit;

import java.util.List;
import org.poevi.evaluator.Shared;
import org.poevi.evaluator.Sharing;
import org.poevi.family.Expert;
import org.poevi.family.ScoreBasis;

/** The experts in their score metric, as the tasks of one batch share them. */
final class ExpertSharing {
  private ExpertSharing() {}

  static Shared<List<Expert>> share(Sharing sharing, List<Expert> experts) {
    int k = experts.size();
    int dim = experts.get(0).dim();
    // Location, Λ, Λ·location and a null-space basis per expert, and the metric's factor.
    long bytes = 8L * ((long) k * (2L * dim * dim + 2L * dim) + (long) dim * dim);
    return sharing.share(ScoreBasis.copyOf(experts), bytes);
  }
}
