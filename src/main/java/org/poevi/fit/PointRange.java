package org.poevi.fit;

/**
 * The points of a run of accumulation blocks first..last ({@code block} points each, n in all):
 * [from, to), and the blocks of {@code drawBlock} points that cover them (draw blocks
 * drawFirst..drawLast, points [base, base + held)), which the run draws or moves and holds.
 * Neighbouring runs may both hold a draw block they share; each reports only its own points.
 */
record PointRange(int from, int to, int drawFirst, int drawLast, int base, int held) {
  static PointRange of(int first, int last, int block, int n, int drawBlock) {
    int from = first * block;
    int to = Math.min(n, (last + 1) * block);
    int drawFirst = from / drawBlock;
    int drawLast = (to - 1) / drawBlock;
    int base = drawFirst * drawBlock;
    return new PointRange(from, to, drawFirst, drawLast, base,
        Math.min(n, (drawLast + 1) * drawBlock) - base);
  }

  /** Number of draw blocks. */
  int drawBlocks() {
    return drawLast - drawFirst + 1;
  }

  /** Numbers [from, to) of an array holding the points from {@link #base} on, width per point. */
  double[] own(double[] values, int width) {
    return java.util.Arrays.copyOfRange(values, (from - base) * width, (to - base) * width);
  }
}
