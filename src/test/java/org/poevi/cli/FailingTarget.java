package org.poevi.cli;

import com.typesafe.config.Config;
import java.util.concurrent.atomic.AtomicLong;
import org.poevi.targets.Target;
import org.poevi.targets.TargetEvaluationException;

/**
 * A user target (target.type = class) that fails part-way through a fit: a standard normal in
 * {@code options.dim} dimensions whose evaluation number {@code options.fail-after} + 1 and
 * later throw, as a user's model that breaks in some region would; {@code options.slow-nanos}
 * spins that long in each evaluation, to give a signal time to arrive mid-fit; outside the ball
 * of radius {@code options.support} (if set) the density is zero: −∞, as docs/user-targets.md
 * tells users to return where their model is undefined.
 */
public final class FailingTarget implements Target {
  private static final long serialVersionUID = 1L;
  private final int dim;
  private final long failAfter;
  private final long slowNanos;
  private final double support;
  private final AtomicLong evaluations = new AtomicLong();

  public FailingTarget(Config options) {
    dim = options.hasPath("dim") ? options.getInt("dim") : 2;
    failAfter = options.hasPath("fail-after") ? options.getLong("fail-after") : Long.MAX_VALUE;
    slowNanos = options.hasPath("slow-nanos") ? options.getLong("slow-nanos") : 0;
    support = options.hasPath("support") ? options.getDouble("support")
        : Double.POSITIVE_INFINITY;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public String name() {
    return "failing-normal";
  }

  @Override
  public double logDensity(double[] z, double[] gradient) {
    if (evaluations.incrementAndGet() > failAfter) {
      throw new TargetEvaluationException("failing-normal: evaluation " + evaluations.get()
          + " fails on purpose");
    }
    long until = System.nanoTime() + slowNanos;
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    double sum = 0;
    for (int i = 0; i < dim; i++) {
      sum += z[i] * z[i];
      gradient[i] = -z[i];
    }
    return sum > support * support ? Double.NEGATIVE_INFINITY : -0.5 * sum;
  }
}
