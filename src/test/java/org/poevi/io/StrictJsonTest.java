package org.poevi.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.poevi.InvalidInputException;

/** Malformed JSON is one line in a user's words, naming where (found by the fuzz harness). */
class StrictJsonTest {
  private static String error(String text) {
    return assertThrows(InvalidInputException.class, () -> StrictJson.parse(text, "m.json: "))
        .getMessage();
  }

  @Test
  void nonFiniteNumbersAreNamed() {
    assertEquals("m.json: malformed JSON at line 1, column 14: 'NaN' is not a JSON number (write"
        + " finite numbers)", error("{\"a\": [1, NaN]}"));
    assertEquals("m.json: malformed JSON at line 1, column 15: 'Infinity' is not a JSON number"
        + " (write finite numbers)", error("{\"a\": Infinity}"));
  }

  @Test
  void truncatedFilesSayWhereWithoutTheParsersNotes() {
    assertEquals("m.json: malformed JSON at line 1, column 12: Unexpected end-of-input: expected"
        + " close marker for Array", error("{\"a\": [1, 2"));
  }
}
