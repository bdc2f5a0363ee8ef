package io.payg.telco.safaricom;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** Daraja C2B (pay-bill / till confirmations, checked with Transaction Status), declared once. */
public final class SafaricomPlugin {

  /** Daraja refuses callback URLs containing "safaricom" or "mpesa": the path operators register. */
  public static final String CALLBACK_ALIAS = "ke-c2b";

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      SafaricomTelcoAdapter.NAME,
      PluginKind.TELCO,
      "Safaricom Daraja C2B (Kenya)",
      "`POST /api/v1/telco/ke-c2b/{companyId}/validation` and `/confirmation`; Transaction Status results at "
          + "`/transaction-status-result` and `/transaction-status-timeout` (Daraja refuses URLs containing "
          + "\"safaricom\" or \"mpesa\"; `/telco/safaricom/...` works too). Daraja signs nothing: the source "
          + "allow-list and short code decide, and each confirmation is checked with Transaction Status when "
          + "its four credentials are set",
      List.of(CALLBACK_ALIAS),
      List.of(
          PluginSetting.plain(
              "shortCode", "the pay-bill / till short code(s), comma-separated (required)"),
          PluginSetting.plain(
              "allowedSources",
              "IPs / CIDRs Daraja calls from, as `TRUSTED_PROXIES` resolves "
                  + "them (required; empty refuses every validation and flags every confirmation)"),
          PluginSetting.plain("consumerKey", "the Daraja app's consumer key (Transaction Status)"),
          PluginSetting.secret(
              "consumerSecret", "the Daraja app's consumer secret (Transaction Status)"),
          PluginSetting.plain(
              "initiator", "the API operator with the Transaction Status query role"),
          PluginSetting.secret(
              "securityCredential",
              "the initiator's password encrypted with Safaricom's " + "certificate"),
          PluginSetting.withDefault(
              "baseUrl",
              DarajaCalls.DEFAULT_BASE_URL,
              "Daraja's root " + "(`https://api.safaricom.co.ke` in production)"),
          PluginSetting.withDefault(
              "identifierType",
              "4",
              "Transaction Status `IdentifierType` (4: organisation " + "short code)"),
          PluginSetting.withDefault("timeoutMs", "10000", "longest wait for one Daraja call"),
          PluginSetting.plain(
              "transactionStatus",
              "`false` turns Transaction Status off (on when the four " + "credentials are set)")),
      (http, clock) -> PluginParts.telco(new SafaricomTelcoAdapter())
          .withStatusQuery(new SafaricomTransactionStatus(http)),
      null);

  private SafaricomPlugin() {}
}
