package io.payg.gateway.device;

import io.payg.domain.DeviceType;
import io.payg.domain.Money;
import io.payg.domain.TokenAmount;
import io.payg.domain.port.TokenIssuer;
import io.payg.domain.port.TokenRequest;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.plugin.PluginStore;
import io.payg.gateway.token.ManufacturerCalls;
import io.payg.manufacturer.angaza.AngazaTokenIssuer;
import io.payg.manufacturer.sunking.SunKingTokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.Set;

/**
 * UNLOCK of a device whose manufacturer publishes an unlock call, made through that
 * manufacturer's token issuer within the request — by {@link ManufacturerCalls}, as token jobs
 * are: the same per-(company, manufacturer) breaker and permits, timeouts and outbound policy, so
 * an open breaker or exhausted permits hold unlocks too — and its keycode answered to the
 * operator. No money moves: no transaction, no allocation, no books entry.
 *
 * <p>Synchronous because unlocking twice is harmless: the call states the unit's end state
 * (unlocked for good) rather than adding credit, so a retry after a lost answer, or two racing
 * requests with the same {@code Idempotency-Key}, at worst get a second keycode for the same
 * state; the first row stored under the key is the answer to every repeat.
 */
final class ManufacturerUnlocks {

  /**
   * The manufacturers that publish an unlock:
   * Angaza: AngazaSHSApi::unlockDevice, credit_until_dt "UNLOCKED" on PUT {api_url}/unit_credit
   *   (EnAccess/micropowermanager src/backend/app/Plugins/AngazaSHS/Modules/Api/AngazaSHSApi.php);
   * Sun King: command "unlock" (COMMAND_UNLOCK_DEVICE) on POST {api_url}/token
   *   (EnAccess/micropowermanager src/backend/app/Plugins/SunKingSHS/Modules/Api/SunKingSHSApi.php).
   */
  static final Set<String> PUBLISHED = Set.of(AngazaTokenIssuer.NAME, SunKingTokenIssuer.NAME);

  private final ManufacturerUnlockStore store;
  private final PluginStore plugins;
  private final Map<String, TokenIssuer> issuers;
  private final ManufacturerCalls calls;

  ManufacturerUnlocks(
      Pool pool, PluginStore plugins, Map<String, TokenIssuer> issuers, ManufacturerCalls calls) {
    this.store = new ManufacturerUnlockStore(pool);
    this.plugins = plugins;
    this.issuers = Map.copyOf(issuers);
    this.calls = calls;
  }

  /** The unlock's answer, or null when the device is not one of a publishing manufacturer (or not the company's). */
  Future<JsonObject> unlock(
      Caller who, String typedSerial, Long value, String reason, String key, boolean sendSms) {
    return store.device(who.companyId(), typedSerial).compose(d -> {
      if (d == null || !PUBLISHED.contains(d.manufacturer())) {
        return Future.succeededFuture(null);
      }
      if (value != null) {
        return Future.failedFuture(ApiException.badRequest("UNLOCK carries no 'value'"));
      }
      TokenIssuer issuer = issuers.get(d.manufacturer());
      if (issuer == null) {
        return Future.failedFuture(MaintenanceTokens.notSupported(
            d.manufacturer(),
            MaintenanceTokens.Kind.UNLOCK,
            "this gateway runs no " + d.manufacturer() + " adapter"));
      }
      return plugins.settings(who.companyId(), d.manufacturer()).compose(plugin -> {
        if (!plugin.enabled()) {
          return Future.failedFuture(ApiException.unprocessable(
              "PLUGIN_DISABLED",
              "The " + d.manufacturer()
                  + " plugin is not enabled: enable it to unlock its devices"));
        }
        // nothing is paid for an unlock: zero in the company's currency
        TokenRequest request = new TokenRequest(
            "unlock:" + key,
            d.serial(),
            DeviceType.valueOf(d.type()),
            TokenAmount.unlock(),
            Money.zero(plugin.currency()),
            plugin.settings());
        // refused, unreachable, breaker open or no permit in time: the same answer, nothing stored
        return calls
            .issue(who.companyId(), issuer, request)
            .recover(err -> Future.failedFuture(new ApiException(
                502,
                "MANUFACTURER_UNLOCK_FAILED",
                d.manufacturer() + " did not unlock " + d.serial() + ": " + err.getMessage())))
            .compose(token -> store.record(
                who, d, key, reason, token.value(), token.manufacturerReference(), sendSms));
      });
    });
  }
}
