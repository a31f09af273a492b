package org.poevi.benchmarks;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

/** Prints the BLAS and LAPACK implementations netlib picked, for the benchmark record. */
public final class BlasInfo {
  private BlasInfo() {}

  public static void main(String[] args) {
    System.out.println("netlib BLAS:   " + BLAS.getInstance().getClass().getName());
    System.out.println("netlib LAPACK: " + LAPACK.getInstance().getClass().getName());
    System.out.println("java: " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.runtime.version") + ", cores available: "
        + Runtime.getRuntime().availableProcessors());
  }
}
