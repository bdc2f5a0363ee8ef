package io.payg.manufacturer.angaza;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * Angaza's unit-credit API as {@link AngazaTokenIssuer} and {@code simulator.AngazaSimulator} both speak it.
 *
 * <p>Shape taken from MicroPowerManager's AngazaSHS plugin (AngazaSHSApi::chargeDevice /
 * unlockDevice, ApiRequests, AngazaSHSApiTest): {@code PUT {api_url}/unit_credit} with HTTP Basic
 * authentication (client id and secret) and a desired state for the unit
 * <pre>
 * {"unit_number": "&lt;serial&gt;", "state": {"desired": {"credit_until_dt": "2026-01-08T10:00:00+00:00"}}}
 * </pre>
 * where {@code credit_until_dt} is an ISO-8601 instant (now plus the days bought) or
 * {@code "UNLOCKED"} for a paid-off unit, answered (HAL) by
 * {@code {..., "_embedded": {"latest_keycode": {"keycode": "<code to type>"}}}}. A refusal carries
 * {@code {"context": {"reason": "..."}}}.
 */
final class AngazaProtocol {

  static final String UNIT_CREDIT_PATH = "/unit_credit";
  static final String UNLOCKED = "UNLOCKED";

  /** ISO-8601 with a numeric offset and whole seconds, as PHP Carbon's toIso8601String prints. */
  static final DateTimeFormatter CREDIT_UNTIL =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

  private AngazaProtocol() {}

  static String creditUntil(OffsetDateTime at) {
    return CREDIT_UNTIL.format(at);
  }

  static String basicAuth(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
