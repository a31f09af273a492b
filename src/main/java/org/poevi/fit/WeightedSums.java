package org.poevi.fit;

/** The QP's sums over one weighted batch, and the batch's n log weights. */
public record WeightedSums(ScoreSums sums, double[] logWeights) {}
