package org.poevi.benchmarks;

import dev.ludovic.netlib.blas.BLAS;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.ExecutorMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.storage.RDDInfo;
import org.poevi.spark.SparkContexts;
import org.poevi.spark.SparkRowData;
import org.poevi.targets.glm.Prior;
import org.poevi.targets.glm.RegressionTarget;
import org.poevi.targets.glm.SyntheticLogisticData;

/**
 * One data-parallel iteration of logistic regression on Spark (issue #4): the time of one pass
 * over N cached rows at a batch of B points (log likelihood and gradient for every point), against
 * the flop bound 4·N·D·B / (the dgemm rate measured in this run, on as many threads as Spark has
 * cores), and the peak heap of the executors.
 *
 * <pre>
 *   jobs/bench-data [--master local[2]] [--rows 10000000] [--predictors 19] [--batch 512]
 *                   [--passes 5] [--partitions 8]
 * </pre>
 * D = predictors + 1 (the intercept). Output: one block of "key: value" lines.
 */
public final class DataParallelBenchmark {
  private DataParallelBenchmark() {}

  public static void main(String[] args) throws Exception {
    String master = "local[2]";
    long rows = 10_000_000;
    int predictors = 19;
    int batch = 512;
    int passes = 5;
    int partitions = 8;
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--master" -> master = v;
        case "--rows" -> rows = (long) Double.parseDouble(v);
        case "--predictors" -> predictors = Integer.parseInt(v);
        case "--batch" -> batch = Integer.parseInt(v);
        case "--passes" -> passes = Integer.parseInt(v);
        case "--partitions" -> partitions = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    int dim = predictors + 1;
    System.out.printf("rows N: %d%ncolumns D: %d%nbatch B: %d%nmaster: %s%npartitions: %d%n",
        rows, dim, batch, master, partitions);

    try (SparkContexts spark = SparkContexts.acquire(master, "poevi data-parallel benchmark")) {
      JavaSparkContext sc = spark.context();
      int cores = sc.defaultParallelism();
      double rate = dgemmRate(cores);
      System.out.printf("dgemm rate, n = 1024 on %d threads: %.1f GFLOP/s%n", cores, rate / 1e9);
      AtomicLong peakHeap = new AtomicLong();
      java.util.concurrent.Semaphore heartbeats = new java.util.concurrent.Semaphore(0);
      sc.sc().addSparkListener(new SparkListener() {
        @Override
        public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
          scala.collection.Iterator<ExecutorMetrics> it = update.executorUpdates().valuesIterator();
          while (it.hasNext()) {
            peakHeap.accumulateAndGet(it.next().getMetricValue("JVMHeapMemory"), Math::max);
          }
          heartbeats.release();
        }
      });

      SyntheticLogisticData data = new SyntheticLogisticData(rows, predictors, true, 1);
      long t0 = System.nanoTime();
      try (SparkRowData cached = SparkRowData.generate(sc, data, partitions)) {
        double generate = (System.nanoTime() - t0) / 1e9;
        long cachedBytes = 0;
        for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
          cachedBytes += info.memSize() + info.diskSize();
        }
        System.out.printf("generate and cache: %.1f s, cached %.2f GB%n", generate,
            cachedBytes / 1e9);
        RegressionTarget target = new RegressionTarget(RegressionTarget.Family.LOGISTIC, cached, true,
            Prior.normal(0, 2.5), Prior.normal(0, 2.5));
        double[] truth = data.trueCoefficients();
        double[] z = new double[batch * dim];
        Random rng = new Random(3);
        for (int i = 0; i < z.length; i++) {
          z[i] = truth[i % dim] + 0.01 * rng.nextGaussian();
        }
        double[] logP = new double[batch];
        double[] scores = new double[batch * dim];
        double[] times = new double[passes];
        for (int p = -2; p < passes; p++) {
          long s = System.nanoTime();
          target.stage("benchmark pass " + p);
          target.logDensities(z, batch, logP, scores);
          if (p >= 0) {
            times[p] = (System.nanoTime() - s) / 1e9;
          }
        }
        Arrays.sort(times);
        double median = times[passes / 2];
        double bound = 4.0 * rows * dim * batch / rate;
        System.out.printf("pass times (s): %s%n", Arrays.toString(times));
        System.out.printf("per-iteration pass, median: %.2f s%n", median);
        System.out.printf("flop bound 4·N·D·B / rate: %.2f s%n", bound);
        System.out.printf("ratio to the bound: %.2f%n", median / bound);
        // Executor heartbeats carry the peak metrics: wait for the next one after the passes
        // (jobs/bench-data sends one every 2 s; Spark's default is every 10 s).
        heartbeats.drainPermits();
        if (!heartbeats.tryAcquire(60, java.util.concurrent.TimeUnit.SECONDS)) {
          System.out.println("no executor heartbeat within 60 s: the peak below may be stale");
        }
        System.out.printf("peak executor JVM heap (heartbeats): %.2f GB%n", peakHeap.get() / 1e9);
        System.out.printf("peak heap of this JVM (local mode: driver and executor): %.2f GB%n",
            localPeakHeap() / 1e9);
      }
    }
  }

  /** Aggregate dgemm rate of {@code threads} threads, each multiplying its own 1024² matrices. */
  static double dgemmRate(int threads) throws InterruptedException {
    int n = 1024;
    double[][] results = new double[threads][];
    Thread[] workers = new Thread[threads];
    double[] seconds = new double[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      workers[t] = new Thread(() -> {
        Random rng = new Random(id);
        double[] a = new double[n * n];
        double[] b = new double[n * n];
        double[] c = new double[n * n];
        for (int i = 0; i < a.length; i++) {
          a[i] = rng.nextDouble();
          b[i] = rng.nextDouble();
        }
        BLAS blas = BLAS.getInstance();
        for (int w = 0; w < 3; w++) {
          blas.dgemm("N", "N", n, n, n, 1, a, n, b, n, 0, c, n);
        }
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 5; r++) {
          long s = System.nanoTime();
          blas.dgemm("N", "N", n, n, n, 1, a, n, b, n, 0, c, n);
          best = Math.min(best, (System.nanoTime() - s) / 1e9);
        }
        seconds[id] = best;
        results[id] = c;
      });
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    double rate = 0;
    for (double s : seconds) {
      rate += 2.0 * n * n * n / s;
    }
    return rate;
  }

  private static long localPeakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
