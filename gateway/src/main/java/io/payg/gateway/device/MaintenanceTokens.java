package io.payg.gateway.device;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.plugin.SecretBox;
import io.payg.manufacturer.openpaygo.OpenPaygoPlugin;
import io.payg.manufacturer.openpaygo.OpenPaygoToken;
import io.payg.manufacturer.openpaygo.OpenPaygoTokenType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.UUID;

/**
 * Device tokens without money: a field technician's ADD_DAYS, a SET_DAYS after a dispute, a
 * DISABLE (PAYG off for good) once a device is paid, a COUNTER_SYNC after a lost token. No
 * transaction, no allocation, no books entry; one maintenance_tokens row and one audit row, in
 * the transaction that advances the device's token count (locked, so a payment's token and a
 * maintenance token never take the same count).
 *
 * <p>OpenPAYGO is generated in-house (OpenPAYGO-Token general_documentation.pdf: ADD_TIME,
 * SET_TIME, DISABLE_PAYG, COUNTER_SYNC). An UNLOCK of an Angaza or Sun King device is their
 * published unlock call ({@link ManufacturerUnlocks}). Every other manufacturer and kind, and
 * ADD_ENERGY, is refused with 409 MAINTENANCE_NOT_SUPPORTED naming the manufacturer and the kind
 * ({@link #refusalReason}).
 */
public final class MaintenanceTokens {

  /** What an operator asks for. */
  public enum Kind {
    ADD_DAYS,
    SET_DAYS,
    DISABLE,
    UNLOCK,
    COUNTER_SYNC,
    ADD_ENERGY
  }

  private final Pool pool;
  private final MaintenanceTokenStore store;
  private final SecretBox secrets;
  private final ManufacturerUnlocks unlocks;

  public MaintenanceTokens(Pool pool, SecretBox secrets, ManufacturerUnlocks unlocks) {
    this.pool = pool;
    this.store = new MaintenanceTokenStore(pool);
    this.secrets = secrets;
    this.unlocks = unlocks;
  }

  /** A repeat of {@code idempotencyKey} answers the token already issued (never a second count). */
  public Future<JsonObject> issue(
      Caller who,
      String typedSerial,
      Kind kind,
      Long value,
      String reason,
      String idempotencyKey,
      boolean sendSms) {
    return store
        .byKey(who.companyId(), idempotencyKey)
        .compose(done -> done != null
            ? Future.succeededFuture(done)
            // Angaza / Sun King publish an unlock: their call, made outside this count-locking
            // transaction
            : (kind == Kind.UNLOCK
                    ? unlocks.unlock(who, typedSerial, value, reason, idempotencyKey, sendSms)
                    : Future.<JsonObject>succeededFuture())
                .compose(unlocked -> unlocked != null
                    ? Future.succeededFuture(unlocked)
                    : pool.withTransaction(conn -> MaintenanceTokenStore.lockDevice(
                            conn, who.companyId(), typedSerial)
                        .compose(d -> {
                          if (d == null) {
                            return Future.failedFuture(ApiException.notFound("device"));
                          }
                          UUID deviceId = d.getUUID("id");
                          OpenPaygoToken.Generated g = openPaygo(d, deviceId, kind, value);
                          UUID id = UUID.randomUUID();
                          return DeviceKeyStore.setOpenPaygoCount(conn, deviceId, g.newCount())
                              .compose(x -> MaintenanceTokenStore.insert(
                                  conn,
                                  new MaintenanceTokenStore.NewToken(
                                      id,
                                      who.companyId(),
                                      deviceId,
                                      idempotencyKey,
                                      kind.name(),
                                      value,
                                      reason,
                                      g.token(),
                                      g.newCount(),
                                      who.userId())))
                              // sent to the device's customer by the outbox
                              // (MaintenanceSmsHandler), with the token or never
                              .compose(createdAt -> !sendSms
                                  ? Future.succeededFuture(createdAt)
                                  : MaintenanceTokenStore.queueSms(conn, who.companyId(), id)
                                      .map(createdAt))
                              .compose(createdAt -> {
                                JsonObject issued = new JsonObject()
                                    .put("id", id.toString())
                                    .put("serial", d.getString("serial"))
                                    .put("kind", kind.name())
                                    .put("value", value)
                                    .put("reason", reason)
                                    .put("token", g.token())
                                    .put("tokenCount", g.newCount())
                                    .put("sms", sendSms ? "QUEUED" : null)
                                    .put("createdAt", createdAt.toString());
                                // the audit row says what was issued, never the token digits (they
                                // open the device)
                                return AuditStore.record(
                                        conn,
                                        who,
                                        "device.maintenance_token",
                                        "device",
                                        deviceId.toString(),
                                        new JsonObject()
                                            .put(
                                                "tokenCount",
                                                d.getInteger("openpaygo_token_count")),
                                        issued.copy().put("token", "****"))
                                    .map(issued);
                              });
                        })))
                .recover(t -> t instanceof PgException pg && "23505".equals(pg.getSqlState())
                    // the same key raced us: answer what the other request issued
                    ? store
                        .byKey(who.companyId(), idempotencyKey)
                        .compose(
                            p -> p == null ? Future.failedFuture(t) : Future.succeededFuture(p))
                    : Future.failedFuture(t)));
  }

  private OpenPaygoToken.Generated openPaygo(Row d, UUID deviceId, Kind kind, Long value) {
    String manufacturer = d.getString("manufacturer");
    if (!OpenPaygoPlugin.NAME.equals(manufacturer) || d.getString("openpaygo_secret_key") == null) {
      throw notSupported(manufacturer, kind, refusalReason(manufacturer, kind));
    }
    OpenPaygoTokenType type;
    long v = 0;
    switch (kind) {
      case ADD_DAYS, SET_DAYS -> {
        if (value == null || value < 0 || value > OpenPaygoToken.MAX_EXTENDED_ACTIVATION_VALUE) {
          throw ApiException.badRequest("'value' (days) is required for " + kind + ": 0 to "
              + OpenPaygoToken.MAX_EXTENDED_ACTIVATION_VALUE);
        }
        type = kind == Kind.ADD_DAYS ? OpenPaygoTokenType.ADD_TIME : OpenPaygoTokenType.SET_TIME;
        v = value;
      }
      // OpenPAYGO has one way to unlock a device for good: PAYG disabled
      case DISABLE, UNLOCK -> type = OpenPaygoTokenType.DISABLE_PAYG;
      case COUNTER_SYNC -> type = OpenPaygoTokenType.COUNTER_SYNC;
      // OpenPAYGO-Token general_documentation.pdf: ADD_TIME / SET_TIME carry days; no energy token
      // type
      default -> throw notSupported(manufacturer, kind, "OpenPAYGO devices count days, not energy");
    }
    if (!type.carriesValue() && value != null) {
      throw ApiException.badRequest(kind + " carries no 'value'");
    }
    String keyHex;
    try {
      keyHex = secrets.open(d.getString("openpaygo_secret_key"), SecretBox.deviceKey(deviceId));
    } catch (IllegalStateException e) {
      throw ApiException.unprocessable(
          "DEVICE_KEY_UNREADABLE", "The device's OpenPAYGO key cannot be decrypted");
    }
    // beyond 995 days a standard token cannot carry it: an extended one, as OpenPaygoIssuer does
    return OpenPaygoToken.generate(
        OpenPaygoToken.keyFromHex(keyHex),
        d.getLong("openpaygo_starting_code"),
        d.getInteger("openpaygo_token_count"),
        type,
        v,
        false,
        v > OpenPaygoToken.MAX_ACTIVATION_VALUE);
  }

  /** 409 MAINTENANCE_NOT_SUPPORTED, naming the manufacturer and the kind: nothing was issued. */
  static ApiException notSupported(String manufacturer, Kind kind, String why) {
    return new ApiException(
        409,
        "MAINTENANCE_NOT_SUPPORTED",
        manufacturer + " cannot issue a " + kind + " maintenance token through the gateway: "
            + why);
  }

  /**
   * Why a manufacturer's device gets no maintenance token of that kind. Only calls a manufacturer
   * publishes are made (UNLOCK for Angaza and Sun King, {@link ManufacturerUnlocks}): the
   * gateway's only reference for each is MicroPowerManager's plugin (src/backend/app/Plugins/ of
   * EnAccess/micropowermanager, the reference /work/shared/spec/providers.md names), and no
   * maintenance call is invented.
   */
  static String refusalReason(String manufacturer, Kind kind) {
    return switch (manufacturer) {
      // CalinMeterApi.php: only token_type CreditToken on POST {api_url}/tokennew; unlockDevice and
      // clearDevice throw ApiCallDoesNotSupportedException (no clear-tamper / clear-credit call
      // published there)
      case "calin" ->
        "Calin's published vending API issues credit tokens only (token_type CreditToken)";
      // AngazaSHSApi::unlockDevice / SunKingSHSApi command "unlock": an unlock is published (kind
      // UNLOCK),
      // and credit for a payment; nothing else
      case "angaza", "sunking" ->
        kind == Kind.DISABLE
            ? manufacturer
                + "'s published API unlocks a paid-off unit for good: ask for kind UNLOCK"
            : manufacturer
                + "'s published API (MicroPowerManager's plugin) vends paid credit and unlocks; it offers no "
                + kind + " call";
      case "sparkmeter", "steama" ->
        manufacturer + "'s published API (MicroPowerManager's plugin) "
            + "vends paid credit only; it offers no " + kind + " call";
      default -> "no maintenance call is known for this manufacturer";
    };
  }
}
