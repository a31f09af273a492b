package org.poevi.math;

/**
 * Exact sums of doubles, rounded once: a fixed-point accumulator over the whole double range
 * (Kulisch's long accumulator) held in {@link #CHUNKS} doubles, so that two accumulators add
 * element by element, exactly, as plain double arrays ({@link DyadicSum#vectors}).
 *
 * <p>Slot j &lt; {@link #SPECIAL} holds an integer multiple of 2^(32j − 1074): a double v =
 * m·2^e (m a 53-bit integer) is split at 32-bit boundaries into three integers below 2^32 and
 * added into three consecutive slots. Integers below 2^53 add exactly in double arithmetic, so a
 * slot takes about 2^20 additions before {@link #normalise} must carry it into the next (which
 * brings every slot but the last into [0, 2^32)); two normalised accumulators then add exactly,
 * and so do about 2^20 of them. Slot {@link #SPECIAL} is the plain sum of the non-finite values
 * added (±∞, NaN), so that they are never lost. {@link #round} gives the exact sum's nearest
 * double (ties to even).
 *
 * <p>The result depends only on the multiset of values added, not on their order or grouping:
 * a value added twice and its double added once give the same bits. {@link #addProduct} adds w·v
 * exactly (its rounding error too, by a fused multiply-add), so a row weighted 3 sums to the
 * same bits as three copies of the row.
 */
public final class ExactSum {
  /** Slots per accumulator: 66 fixed-point slots, then {@link #SPECIAL}. */
  public static final int CHUNKS = 67;
  /** The slot of the non-finite values' plain sum. */
  public static final int SPECIAL = CHUNKS - 1;
  /**
   * {@link #add}s an accumulator takes between {@link #normalise}s: each puts less than 2^32 into
   * a slot, so its integers stay below 2^53 (and a normalised accumulator's slots below 2^32).
   */
  public static final int ADDS_BEFORE_NORMALISE = 1 << 19;

  /** Rows a kernel may add (one {@link #addProduct}, two adds, per row) between normalisations. */
  public static final int ROWS_BEFORE_NORMALISE = ADDS_BEFORE_NORMALISE / 2;

  private static final long MASK = 0xFFFFFFFFL;
  private static final double RADIX = 0x1p32;

  private ExactSum() {}

  /** acc[off..off + CHUNKS) += v, exactly. */
  public static void add(double[] acc, int off, double v) {
    if (v == 0) {
      return;
    }
    long bits = Double.doubleToRawLongBits(v);
    int biased = (int) (bits >>> 52) & 0x7ff;
    if (biased == 0x7ff) {
      acc[off + SPECIAL] += v;
      return;
    }
    long mantissa = bits & 0xFFFFFFFFFFFFFL;
    if (biased == 0) {
      biased = 1;
    } else {
      mantissa |= 1L << 52;
    }
    // |v| = mantissa · 2^(biased − 1075) = mantissa · 2^p · 2^−1074, p = biased − 1 in [0, 2045].
    int p = biased - 1;
    int slot = off + (p >>> 5);
    int shift = p & 31;
    long low = (mantissa << shift) & MASK;
    long rest = mantissa >>> (32 - shift);
    double sign = bits < 0 ? -1 : 1;
    acc[slot] += sign * low;
    acc[slot + 1] += sign * (rest & MASK);
    acc[slot + 2] += sign * (rest >>> 32);
  }

  /**
   * acc += Σ v[0..len) exactly, v overwritten: by levels of Rump, Ogita and Oishi's error-free
   * extraction, one vectorisable pass per level instead of one {@link #add} per value. With
   * S = Σ|v_i| (rounded), a level takes σ = 2^k, 2S &lt; σ ≤ 4S, and splits every v_i into
   * q_i = (σ + v_i) − σ, a multiple of 2^−53·σ, and the remainder v_i − q_i, both exact. Σ|q_i|
   * stays below σ, so the q's sum exactly in any order (four partial sums here), and that sum
   * goes into the accumulator. The remainders, each at most 2^−53·σ, make the next level: about
   * 50 − log₂(len) bits of the values per level, until they are all zero. Values whose S falls
   * outside [2^−900, 2^900] (tiny, huge, or not finite) are added one by one.
   */
  public static void addAll(double[] acc, int off, double[] v, int len) {
    int quad = len & ~3;
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    double a3 = 0;
    for (int i = 0; i < quad; i += 4) {
      a0 += Math.abs(v[i]);
      a1 += Math.abs(v[i + 1]);
      a2 += Math.abs(v[i + 2]);
      a3 += Math.abs(v[i + 3]);
    }
    for (int i = quad; i < len; i++) {
      a0 += Math.abs(v[i]);
    }
    double total = (a0 + a1) + (a2 + a3);
    while (total != 0) {
      if (!(total >= 0x1p-900 && total <= 0x1p900)) {
        for (int i = 0; i < len; i++) {
          add(acc, off, v[i]);
        }
        return;
      }
      double sigma = Math.scalb(1.0, Math.getExponent(total) + 2);
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      a0 = 0;
      a1 = 0;
      a2 = 0;
      a3 = 0;
      for (int i = 0; i < quad; i += 4) {
        double q0 = (sigma + v[i]) - sigma;
        double q1 = (sigma + v[i + 1]) - sigma;
        double q2 = (sigma + v[i + 2]) - sigma;
        double q3 = (sigma + v[i + 3]) - sigma;
        v[i] -= q0;
        v[i + 1] -= q1;
        v[i + 2] -= q2;
        v[i + 3] -= q3;
        s0 += q0;
        s1 += q1;
        s2 += q2;
        s3 += q3;
        a0 += Math.abs(v[i]);
        a1 += Math.abs(v[i + 1]);
        a2 += Math.abs(v[i + 2]);
        a3 += Math.abs(v[i + 3]);
      }
      for (int i = quad; i < len; i++) {
        double q = (sigma + v[i]) - sigma;
        v[i] -= q;
        s0 += q;
        a0 += Math.abs(v[i]);
      }
      add(acc, off, (s0 + s1) + (s2 + s3));
      total = (a0 + a1) + (a2 + a3);
    }
  }

  /**
   * acc += w·v exactly: the rounded product and its error (a fused multiply-add, exact unless
   * w·v is within 2^53 of the smallest normal double, where the error is rounded too).
   */
  public static void addProduct(double[] acc, int off, double w, double v) {
    double p = w * v;
    add(acc, off, p);
    if (Double.isFinite(p)) {
      add(acc, off, Math.fma(w, v, -p));
    }
  }

  /**
   * Carries every fixed-point slot of acc[off..off + CHUNKS) into [0, 2^32) but the last, which
   * keeps the sign; the value is unchanged.
   */
  public static void normalise(double[] acc, int off) {
    long carry = 0;
    for (int j = 0; j < SPECIAL - 1; j++) {
      long v = (long) acc[off + j] + carry;
      acc[off + j] = v & MASK;
      carry = v >> 32;
    }
    acc[off + SPECIAL - 1] += carry;
  }

  /** {@link #normalise} for each of {@code count} accumulators from {@code off}. */
  public static void normaliseAll(double[] acc, int off, int count) {
    for (int k = 0; k < count; k++) {
      normalise(acc, off + k * CHUNKS);
    }
  }

  /** The double nearest to the exact sum held at acc[off..off + CHUNKS) (ties to even). */
  public static double round(double[] acc, int off) {
    return round(acc, off, new long[SPECIAL]);
  }

  /** {@link #round(double[], int)} with scratch {@code digit} of {@link #SPECIAL} numbers. */
  public static double round(double[] acc, int off, long[] digit) {
    double special = acc[off + SPECIAL];
    if (special != 0) {
      return special;
    }
    int n = SPECIAL;
    long carry = 0;
    for (int j = 0; j < n; j++) {
      long v = (long) acc[off + j] + carry;
      digit[j] = v & MASK;
      carry = v >> 32;
    }
    boolean negative = carry < 0;
    if (negative) {
      // Two's complement over the digits and the carry: the magnitude.
      long borrow = 1;
      for (int j = 0; j < n; j++) {
        long v = (~digit[j] & MASK) + borrow;
        digit[j] = v & MASK;
        borrow = v >>> 32;
      }
      carry = ~carry + borrow;
    }
    double magnitude = carry != 0 ? Double.POSITIVE_INFINITY : magnitude(digit);
    return negative ? -magnitude : magnitude;
  }

  /** Σ digit[j]·2^(32j − 1074), digits in [0, 2^32), correctly rounded. */
  private static double magnitude(long[] digit) {
    int top = digit.length - 1;
    while (top >= 0 && digit[top] == 0) {
      top--;
    }
    if (top < 0) {
      return 0;
    }
    if (top <= 1) {
      // Below 2^64 · 2^−1074: at most 64 significant bits, rounded once.
      return scaled(digit[1] << 32 | digit[0], -1074);
    }
    // The top 96 bits as a 64-bit head (with a sticky bit for everything below it) and a scale.
    long head = digit[top] << 32 | digit[top - 1];
    int lead = Long.numberOfLeadingZeros(head);
    long next = digit[top - 2];
    boolean sticky = false;
    for (int j = 0; j < top - 2; j++) {
      sticky |= digit[j] != 0;
    }
    if (lead > 0) {
      sticky |= (next << lead & MASK) != 0;
      head = head << lead | next >>> (32 - lead);
    } else {
      sticky |= next != 0;
    }
    // head's lowest bit weighs 2^(32(top − 1) − lead − 1074), and the value is at least 2^−1010:
    // 11 bits go below the 53 kept, so a sticky lowest bit decides ties as the true rest would.
    return scaled(sticky ? head | 1 : head, 32 * (top - 1) - lead - 1074);
  }

  /** u·2^e rounded to the nearest double (ties to even), u an unsigned 64-bit integer. */
  private static double scaled(long u, int e) {
    if (u == 0) {
      return 0;
    }
    int bits = 64 - Long.numberOfLeadingZeros(u);
    // The rounding position: 53 significant bits, or the subnormal grid 2^−1074.
    int drop = Math.max(bits - 53, -1074 - e);
    if (drop <= 0) {
      return Math.scalb((double) u, e);
    }
    if (drop >= 64) {
      return 0;
    }
    long kept = u >>> drop;
    long rest = u & ((1L << drop) - 1);
    long half = 1L << (drop - 1);
    if (Long.compareUnsigned(rest, half) > 0 || rest == half && (kept & 1) == 1) {
      kept++;
    }
    return Math.scalb((double) kept, e + drop);
  }
}
