package org.poevi.fit;

import java.util.List;
import java.util.OptionalDouble;
import org.poevi.evaluator.ScoreEvaluator;
import org.poevi.family.Expert;
import org.poevi.math.RandomStreams;

/**
 * Under p with a MALA population ({@link Population}): each iteration moves the chains
 * {@code moveSteps} steps by the frozen kernel and weighs them equally ({@link MoveTask}); the
 * moved chains are the next iteration's start. The first batch reports the tempered weights the
 * population was resampled from; later ones the population size (equally weighted draws of p,
 * though correlated with the previous iteration's). Moves a {@link Trajectory} holds are read,
 * not made again.
 */
record PopulationBatches(ScoreEvaluator evaluator, Population population, List<Expert> basis,
    RandomStreams streams, int moveSteps, Trajectory<MoveTask.Moved> trajectory)
    implements BatchSource {

  @Override
  public Batch next(int iteration, double[] alpha) {
    MoveTask.Moved moved = trajectory.at(iteration)
        .map(recorded -> MoveTask.sumOver(evaluator, population.kernel(), recorded, basis,
            streams, iteration))
        .orElseGet(() -> {
          MoveTask.Moved made = MoveTask.moveAndSum(evaluator, population.kernel(),
              population.chains(), basis, streams, iteration, moveSteps);
          trajectory.record(iteration, new MoveTask.Moved(made.chains(), made.accepted(),
              made.movedChains(), null), made.chains().bytes());
          return made;
        });
    int n = population.chains().size();
    boolean first = iteration == 1;
    Population after = new Population(moved.chains(), population.kernel(), population.ess(),
        population.tempering());
    return new Batch(moved.sums(), first ? population.ess() : n, n,
        first ? population.tempering() : 1, ResampleMove.moves(moved, n), OptionalDouble.empty(),
        new PopulationBatches(evaluator, after, basis, streams, moveSteps, trajectory));
  }
}
