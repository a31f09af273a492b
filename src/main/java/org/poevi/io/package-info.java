/**
 * Files, with nothing above them: atomic writes of a set of files ({@link
 * org.poevi.io.AtomicFiles}: nothing half-written), strict JSON reading ({@link
 * org.poevi.io.StrictJson}), the draws.csv writer and the reference-draws reader.
 *
 * <p>Depends on: nothing of poevi but {@link org.poevi.InvalidInputException}; Jackson. Writers
 * that need families or targets (summary.json) live in {@code results}.
 *
 * <p>Add here: a reader or writer of a file format that needs no poevi type above it.
 */
package org.poevi.io;
