package org.poevi.fit;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.poevi.InvalidInputException;

/** An enum whose constants are the values of a configuration key, by label. */
interface ConfigChoice {
  String label();

  /**
   * The constant labelled {@code s}.
   *
   * @throws InvalidInputException naming the key and the allowed labels
   */
  static <E extends Enum<E> & ConfigChoice> E parse(E[] values, String key, String s) {
    for (E v : values) {
      if (v.label().equals(s)) {
        return v;
      }
    }
    String[] labels = Arrays.stream(values).map(ConfigChoice::label).toArray(String[]::new);
    String allowed = labels.length == 1 ? labels[0]
        : Arrays.stream(labels, 0, labels.length - 1).collect(Collectors.joining(", "))
            + " or " + labels[labels.length - 1];
    throw new InvalidInputException(key + " must be " + allowed + ", got '" + s + "'");
  }
}
