package org.poevi.fit;

import java.util.List;
import java.util.function.Function;
import org.poevi.family.AffineMap;
import org.poevi.family.GaussianModel;

/**
 * What a Gaussian baseline produced (ADVI or BaM, {@code org.poevi.baselines}).
 *
 * @param method the baseline's {@code fit.method} label
 * @param model the fitted Gaussian
 * @param trace one row per iteration
 * @param stop why the iterations ended
 * @param scoreEvaluations target evaluations in all
 * @param seconds wall time
 * @param path the Gaussian the method would have returned at points of the run (ADVI: every
 *     ELBO evaluation's averaged iterate; BaM: every iteration), for metric-against-evaluations
 *     traces
 * @param warnings what a user should know
 */
public record GaussianResult(String method, GaussianModel model, List<Row> trace,
    StopReason stop, long scoreEvaluations, double seconds, List<Snapshot> path,
    List<String> warnings) implements FitResult {

  /** One row of a baseline's trace: the ELBO estimate when it was evaluated (NaN otherwise). */
  public record Row(int iteration, double elbo, long scoreEvaluations, double seconds) {}

  /** The Gaussian the method would return at a point of the run, with the evaluations so far. */
  public record Snapshot(long scoreEvaluations, double[] mean, double[] covariance) {}

  @Override
  public int iterations() {
    return trace.size();
  }

  @Override
  public GaussianResult mapped(AffineMap map, List<String> names) {
    List<Snapshot> mappedPath = new java.util.ArrayList<>();
    for (Snapshot s : path) {
      GaussianModel g = map.map(new GaussianModel(names, s.mean(), s.covariance()), names);
      mappedPath.add(new Snapshot(s.scoreEvaluations(), g.mean(), g.covariance()));
    }
    return new GaussianResult(method, map.map(model, names), trace, stop, scoreEvaluations,
        seconds, List.copyOf(mappedPath), warnings);
  }

  /**
   * This result after {@code before} evaluations spent ahead of it (a baseline's mode search),
   * with {@code more} warnings: the trace and path count from the start of the whole fit.
   */
  public GaussianResult after(long before, List<String> more) {
    List<Row> rows = new java.util.ArrayList<>(trace.size());
    for (Row r : trace) {
      rows.add(new Row(r.iteration(), r.elbo(), r.scoreEvaluations() + before, r.seconds()));
    }
    List<Snapshot> snapshots = new java.util.ArrayList<>(path.size());
    for (Snapshot s : path) {
      snapshots.add(new Snapshot(s.scoreEvaluations() + before, s.mean(), s.covariance()));
    }
    List<String> all = new java.util.ArrayList<>(more);
    all.addAll(warnings);
    return new GaussianResult(method, model, List.copyOf(rows), stop, scoreEvaluations + before,
        seconds, List.copyOf(snapshots), List.copyOf(all));
  }

  @Override
  public <R> R match(Function<PoeResult, R> poe, Function<GaussianResult, R> gaussian) {
    return gaussian.apply(this);
  }
}
