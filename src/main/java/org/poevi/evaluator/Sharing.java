package org.poevi.evaluator;

/**
 * Makes the values a task shares between its runs ({@link Shared}). A {@link ScoreEvaluator}
 * hands one to the code that builds each task, and the shared values live as long as that task's
 * run: the Spark evaluator broadcasts large values and destroys the broadcasts after the job.
 */
@FunctionalInterface
public interface Sharing {
  /**
   * {@code value} for the task's runs; {@code bytes} is about its serialized size (the Spark
   * evaluator broadcasts large values and ships small ones inside the task).
   */
  <T> Shared<T> share(T value, long bytes);

  /** On this JVM: a reference, never serialized. */
  Sharing LOCAL = new Sharing() {
    @Override
    public <T> Shared<T> share(T value, long bytes) {
      return new Local<>(value);
    }
  };

  /** A value shared by reference on this JVM. */
  record Local<T>(T value) implements Shared<T> {
    private static final long serialVersionUID = 1L;
  }
}
