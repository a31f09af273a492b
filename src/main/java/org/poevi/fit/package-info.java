/**
 * The fit: the product of experts' fit of α (SPEC §3–4) as init → steps → finish, and what
 * every fit method shares.
 *
 * <ul>
 *   <li>Every method: {@link org.poevi.fit.Fitter} (a method with its settings, run on a
 *       target), {@link org.poevi.fit.FitResult} (sealed: {@link org.poevi.fit.PoeResult},
 *       {@link org.poevi.fit.GaussianResult}), {@link org.poevi.fit.Progress}, {@link
 *       org.poevi.fit.StopReason}, {@link org.poevi.fit.RunSettings}.
 *   <li>Init: {@link org.poevi.fit.Preliminary} (mode search, preliminary Gaussian), {@link
 *       org.poevi.fit.Population} (the MALA population), {@link org.poevi.fit.ExpertPool}.
 *   <li>Steps: an immutable {@link org.poevi.fit.FitState}; a sealed {@link
 *       org.poevi.fit.BatchSource} per way of getting a batch ({@link
 *       org.poevi.fit.ImportanceBatches}, {@link org.poevi.fit.PopulationBatches}, {@link
 *       org.poevi.fit.QBatches}); the objective from the batches ({@link
 *       org.poevi.fit.Quadratic}); one {@link org.poevi.fit.AlphaStep} and {@link
 *       org.poevi.fit.StoppingRule} for every objective; {@link org.poevi.fit.AlphaIterations}
 *       puts them together as {@code step(state) → (state, row)}.
 *   <li>Distributed work, written once: {@link org.poevi.fit.QBatchTask}, {@link
 *       org.poevi.fit.ImportanceTask}, {@link org.poevi.fit.MoveTask} (the one MALA step), which
 *       the evaluators run and merge ({@link org.poevi.fit.ScoreSums}).
 *   <li>Finish and the entry point: {@link org.poevi.fit.PoeFitter}.
 *   <li>Settings shaped like the configuration's blocks: {@link org.poevi.fit.PoeSettings} of
 *       {@link org.poevi.fit.InitSettings}, {@link org.poevi.fit.ExpertSource}, {@link
 *       org.poevi.fit.AlphaSettings} with its {@link org.poevi.fit.ObjectiveSettings}.
 * </ul>
 *
 * <p>Depends on: {@code evaluator}, {@code qp}, {@code family}, {@code targets}, {@code math}.
 *
 * <p>Add here: a new objective (a record implementing {@code ObjectiveSettings} with its step
 * control, a {@code BatchSource} for its batches and, if its batches need one, a {@code
 * BlockTask}; a {@code fit.objective} value and its block in conf/reference.conf). A new fit
 * method that is not a product of experts goes to {@code baselines}.
 */
package org.poevi.fit;
