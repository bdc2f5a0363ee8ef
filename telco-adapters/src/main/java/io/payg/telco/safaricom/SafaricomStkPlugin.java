package io.payg.telco.safaricom;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.payg.telco.simulator.SafaricomStkSimulator;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/** M-Pesa Express (STK push, request-to-pay), declared once. */
public final class SafaricomStkPlugin {

  public static final PluginDescriptor<WebClient, Vertx> DESCRIPTOR = new PluginDescriptor<>(
      SafaricomStkTelcoAdapter.NAME,
      PluginKind.TELCO,
      "Safaricom M-Pesa Express / STK push (Kenya, request-to-pay)",
      "`POST /api/v1/telco/safaricom-stk/{companyId}/callback` (sent by the gateway as `CallBackURL`); "
          + "callbacks from `allowedSources`, always confirmed with `stkpushquery`",
      List.of(),
      List.of(
          PluginSetting.plain("consumerKey", "the Daraja app's consumer key (required)"),
          PluginSetting.secret("consumerSecret", "the Daraja app's consumer secret (required)"),
          PluginSetting.plain(
              "shortCode", "the business short code that takes the payment (required)"),
          PluginSetting.secret(
              "passkey", "the Lipa Na M-Pesa Online passkey, mailed after Go Live (required)"),
          PluginSetting.withDefault(
              "baseUrl",
              DarajaCalls.DEFAULT_BASE_URL,
              "Daraja's root " + "(`https://api.safaricom.co.ke` in production)"),
          PluginSetting.plain("partyB", "the till number for Buy Goods (default: the short code)"),
          PluginSetting.withDefault(
              "transactionType",
              "CustomerPayBillOnline",
              "`CustomerPayBillOnline` or " + "`CustomerBuyGoodsOnline`"),
          PluginSetting.withDefault(
              "transactionDesc", "Payment", "shown to the payer, at most 13 characters"),
          PluginSetting.withDefault("timeoutMs", "10000", "longest wait for one Daraja call"),
          PluginSetting.plain("allowedSources", "IPs / CIDRs Daraja's callbacks come from")),
      (http, clock) -> PluginParts.telco(new SafaricomStkTelcoAdapter())
          .withCollections(new SafaricomStkCollections(http, System::nanoTime, clock)),
      vertx -> SafaricomStkSimulator.start(vertx, 0));

  private SafaricomStkPlugin() {}
}
