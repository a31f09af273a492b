package org.poevi.fit;

/** The Halton sequence's pieces: the radical inverse in a base, and the first primes (bases). */
final class Halton {
  private Halton() {}

  static double radicalInverse(long index, int base) {
    double result = 0;
    double f = 1.0 / base;
    long i = index;
    while (i > 0) {
      result += f * (i % base);
      i /= base;
      f /= base;
    }
    return result;
  }

  static int[] firstPrimes(int n) {
    int[] primes = new int[n];
    int count = 0;
    for (int candidate = 2; count < n; candidate++) {
      boolean prime = true;
      for (int i = 0; i < count && primes[i] * primes[i] <= candidate; i++) {
        if (candidate % primes[i] == 0) {
          prime = false;
          break;
        }
      }
      if (prime) {
        primes[count++] = candidate;
      }
    }
    return primes;
  }
}
