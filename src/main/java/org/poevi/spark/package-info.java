/**
 * The Spark layer (the only one, with {@code cli}, that imports Spark): the entry point for
 * notebooks and programs ({@link org.poevi.spark.Poevi}, its fits as DataFrames in {@link
 * org.poevi.spark.PoeviFit}), the evaluator that runs the fit's tasks over partitions ({@link
 * org.poevi.spark.SparkScoreEvaluator}: it ships and merges, bit-identical to the local one),
 * data rows cached on the executors ({@link org.poevi.spark.SparkRowData}, from a data source or
 * a DataFrame through {@link org.poevi.spark.FrameRows}) or read into the driver for a fit
 * without Spark ({@code LocalRows}), and Spark contexts.
 *
 * <p>Depends on: {@code results}, {@code config}, {@code fit}, {@code evaluator}, {@code
 * targets}, {@code family}, {@code math}; Spark.
 *
 * <p>Add here: a new way to run on Spark (an evaluator or a row source). Spark ML stages are in {@code org.poevi.ml}, also in the Spark layer.
 */
package org.poevi.spark;
