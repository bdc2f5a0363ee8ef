package io.payg.manufacturer.openpaygo;

/**
 * The four kinds of OpenPAYGO Token.
 *
 * <p>ADD_TIME and SET_TIME carry an activation value; DISABLE_PAYG and COUNTER_SYNC carry none
 * (the encoder uses the reserved values 998 and 999 respectively). ADD_TIME tokens use even
 * counts, the three other kinds odd counts.
 */
public enum OpenPaygoTokenType {
  ADD_TIME,
  SET_TIME,
  DISABLE_PAYG,
  COUNTER_SYNC;

  /** Whether this kind of token carries a caller-supplied activation value. */
  public boolean carriesValue() {
    return this == ADD_TIME || this == SET_TIME;
  }
}
