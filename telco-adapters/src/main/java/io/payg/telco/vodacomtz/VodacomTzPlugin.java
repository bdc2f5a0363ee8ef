package io.payg.telco.vodacomtz;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** Vodacom Tanzania's mpesaBroker 2.0 (C2B and its result leg), declared once. */
public final class VodacomTzPlugin {

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      VodacomTzTelcoAdapter.NAME,
      PluginKind.TELCO,
      "Vodacom M-Pesa broker (Tanzania)",
      "`POST /api/v1/telco/vodacom-tz/{companyId}/c2b`, the one URL the broker posts to (`/validation` and "
          + "`/confirmation` are aliases of it); XML in the `inforwise`, `infowise` or no namespace; DOCTYPE, "
          + "external entities and expansion refused; `spId` / `spPassword` / `timestamp` checked. The gateway then "
          + "posts the result (confirm / cancel) to the broker over mutual TLS (see \"Vodacom M-Pesa Tanzania\")",
      List.of(),
      List.of(
          PluginSetting.plain(
              "username", "the service provider id (`spId`) Vodacom gives the merchant (required)"),
          PluginSetting.secret(
              "password",
              "the service provider password (required unless `passwordDigest` is " + "`none`)"),
          PluginSetting.withDefault(
              "passwordDigest",
              "base64-sha256",
              "how spPassword is built: `base64-sha256`, "
                  + "`base64-hex-lower`, `base64-hex-upper`, `none`"),
          PluginSetting.plain("allowedSources", "the broker's source addresses / CIDRs (required)"),
          PluginSetting.plain(
              "businessNumber", "the pay-bill number(s) the `recipient` must be (default: any)"),
          PluginSetting.withDefault(
              "timestampWindowSeconds",
              "300",
              "how far the request's timestamp may be from " + "the time of receipt"),
          PluginSetting.withDefault(
              "timestampTimeZone",
              "Africa/Dar_es_Salaam",
              "the zone the broker writes " + "`timestamp` and `transactionDate` in"),
          PluginSetting.plain(
              "resultUrl", "the broker's result URL, https (default: the request's `<resultURL>`)"),
          PluginSetting.plain(
              "clientCertificate",
              "PEM: the client certificate Vodacom issues, with its chain " + "(result leg)"),
          PluginSetting.secret("clientKey", "PEM: its PKCS#8 private key (result leg)"),
          PluginSetting.plain(
              "brokerCaCertificates",
              "PEM: the CA(s) of the broker's server certificate "
                  + "(default: the JVM's trust store)")),
      (http, clock) -> PluginParts.telco(new VodacomTzTelcoAdapter()),
      null);

  private VodacomTzPlugin() {}
}
