package io.payg.gateway.token;

import io.payg.domain.TokenAmount;
import io.payg.gateway.device.DeviceKeyStore;
import io.payg.gateway.outbox.JobFailure;
import io.payg.gateway.plugin.SecretBox;
import io.payg.manufacturer.openpaygo.OpenPaygoToken;
import io.payg.manufacturer.openpaygo.OpenPaygoTokenType;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;

/**
 * OpenPAYGO tokens generated in-house: no manufacturer API. The device's token count is the
 * state both sides share, so it is read locked, advanced and written in the same database
 * transaction that stores the token: a count is never skipped nor used twice.
 */
final class OpenPaygoIssuer {

  /** Standard tokens carry up to 995 days; beyond that an extended token is needed. */
  private static final long MAX_STANDARD_DAYS = OpenPaygoToken.MAX_ACTIVATION_VALUE;

  record Generated(String token, String reference) {}

  private final SecretBox secrets;

  OpenPaygoIssuer(SecretBox secrets) {
    this.secrets = secrets;
  }

  /** Generates the next token of the device, inside {@code conn}'s transaction. */
  Future<Generated> next(SqlConnection conn, UUID deviceId, TokenAmount amount) {
    return DeviceKeyStore.lockOpenPaygo(conn, deviceId).compose(state -> {
      if (state.sealedKey() == null) {
        return Future.failedFuture(new JobFailure("device has no OpenPAYGO secret key", false));
      }
      OpenPaygoToken.Generated g;
      try {
        // sealed for this device only (a key moved to another device's row does not open)
        String keyHex = secrets.open(state.sealedKey(), SecretBox.deviceKey(deviceId));
        g = generate(keyHex, state.startingCode(), state.tokenCount(), amount);
      } catch (IllegalStateException e) {
        return Future.failedFuture(
            new JobFailure("openpaygo: the device's secret key cannot be decrypted", false));
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(new JobFailure("openpaygo: " + e.getMessage(), false));
      }
      return DeviceKeyStore.setOpenPaygoCount(conn, deviceId, g.newCount())
          .map(x -> new Generated(g.token(), "count:" + g.newCount()));
    });
  }

  static OpenPaygoToken.Generated generate(
      String keyHex, long startingCode, int count, TokenAmount amount) {
    byte[] key = OpenPaygoToken.keyFromHex(keyHex);
    return switch (amount.unit()) {
      case DAYS ->
        OpenPaygoToken.generate(
            key,
            startingCode,
            count,
            OpenPaygoTokenType.ADD_TIME,
            amount.quantity(),
            false,
            amount.quantity() > MAX_STANDARD_DAYS);
      case UNLOCK ->
        OpenPaygoToken.generate(
            key, startingCode, count, OpenPaygoTokenType.DISABLE_PAYG, 0, false, false);
      case KWH_TENTHS ->
        throw new IllegalArgumentException("OpenPAYGO devices buy days, not energy");
    };
  }
}
