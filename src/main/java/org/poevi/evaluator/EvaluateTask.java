package org.poevi.evaluator;

/**
 * The target at n points the driver holds, in blocks of {@value #BLOCK}: each run evaluates its
 * blocks and brings back their log densities and scores ({@link Ranges} arrays 0 and 1).
 */
final class EvaluateTask implements BlockTask<Ranges> {
  private static final long serialVersionUID = 1L;
  static final int BLOCK = 256;
  private final Shared<double[]> points;
  private final int n;
  private final int dim;

  EvaluateTask(Shared<double[]> points, int n, int dim) {
    this.points = points;
    this.n = n;
    this.dim = dim;
  }

  @Override
  public int numBlocks() {
    return (n + BLOCK - 1) / BLOCK;
  }

  @Override
  public Ranges run(BlockRun run) {
    Ranges out = new Ranges();
    if (run.isEmpty()) {
      return out;
    }
    int from = run.first() * BLOCK;
    int to = Math.min(n, (run.last() + 1) * BLOCK);
    double[] logP = new double[to - from];
    double[] scores = new double[(to - from) * dim];
    run.target().evaluate(points.value(), 0, from, to, logP, scores, from);
    out.put(from, logP, scores);
    return out;
  }

  @Override
  public Ranges merge(Ranges left, Ranges right) {
    return left.merge(right);
  }

  @Override
  public long evaluations() {
    return n;
  }
}
