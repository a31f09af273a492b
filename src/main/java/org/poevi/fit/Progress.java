package org.poevi.fit;

/**
 * Receives a fit's progress: phases, the work done within a long phase, and one row per
 * iteration. {@link #advance} may be called from several threads at once.
 */
public interface Progress {
  void phase(String description);

  void iteration(TraceRow row);

  /** Within the current phase, {@code done} of {@code total} units (starts, steps, parts). */
  default void advance(long done, long total) {}

  Progress SILENT = new Progress() {
    @Override
    public void phase(String description) {}

    @Override
    public void iteration(TraceRow row) {}
  };
}
