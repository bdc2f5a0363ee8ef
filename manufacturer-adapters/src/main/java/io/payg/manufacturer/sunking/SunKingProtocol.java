package io.payg.manufacturer.sunking;

/**
 * The SunKing (Greenlight Planet) asset-control API as {@link SunKingTokenIssuer} and
 * {@code simulator.SunKingSimulator} both speak it.
 *
 * <p>Shape taken from MicroPowerManager's SunKingSHS plugin (SunKingSHSApiClient,
 * SunKingSHSApi::chargeDevice / unlockDevice, config/sunking-shs.php):
 * <ul>
 *   <li>OAuth2 client credentials at a Keycloak token endpoint: {@code POST {auth_url}} with the
 *       form {@code grant_type=client_credentials&client_id=..&client_secret=..&scope=roles},
 *       answered by {@code {"access_token": "...", "expires_in": 300, ...}}</li>
 *   <li>{@code POST {api_url}/token} with {@code Authorization: Bearer <access_token>} and
 *       {@code {"device": "<serial>", "command": "add_credit", "payload": <days>,
 *       "time_unit": "day"}} or {@code {"device": "<serial>", "command": "unlock"}}, answered by
 *       {@code {"token": "<code to type on the keypad>"}}</li>
 *   <li>a device SunKing does not know is HTTP 404 {@code {"message": "Device not found"}}
 *       (MicroPowerManager's device-details test)</li>
 * </ul>
 */
final class SunKingProtocol {

  static final String AUTH_PATH = "/auth/realms/glp/protocol/openid-connect/token";
  static final String API_PATH = "/v2";
  static final String TOKEN_PATH = "/token";

  static final String COMMAND_ADD_CREDIT = "add_credit";
  static final String COMMAND_UNLOCK = "unlock";
  static final String TIME_UNIT_DAY = "day";
  static final String SCOPE = "roles";

  private SunKingProtocol() {}
}
