package io.payg.domain.plugin;

import io.payg.domain.port.CollectionProvider;
import io.payg.domain.port.PaymentStatusQuery;
import io.payg.domain.port.SmsSender;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TokenIssuer;
import java.util.Optional;

/**
 * The ports one plugin implements, as its descriptor builds them; absent ones are null. A telco
 * plugin has an inbound adapter, a collection provider, or both (MTN, Airtel); Safaricom C2B also
 * asks Transaction Status before booking.
 */
public record PluginParts(
    TelcoAdapter telco,
    CollectionProvider collections,
    PaymentStatusQuery statusQuery,
    TokenIssuer issuer,
    SmsSender sms) {

  public static final PluginParts NONE = new PluginParts(null, null, null, null, null);

  public static PluginParts telco(TelcoAdapter adapter) {
    return new PluginParts(adapter, null, null, null, null);
  }

  public static PluginParts collections(CollectionProvider collections) {
    return new PluginParts(null, collections, null, null, null);
  }

  public static PluginParts issuer(TokenIssuer issuer) {
    return new PluginParts(null, null, null, issuer, null);
  }

  public static PluginParts sms(SmsSender sender) {
    return new PluginParts(null, null, null, null, sender);
  }

  public PluginParts withCollections(CollectionProvider c) {
    return new PluginParts(telco, c, statusQuery, issuer, sms);
  }

  public PluginParts withStatusQuery(PaymentStatusQuery q) {
    return new PluginParts(telco, collections, q, issuer, sms);
  }

  public Optional<TelcoAdapter> telcoAdapter() {
    return Optional.ofNullable(telco);
  }

  public Optional<CollectionProvider> collectionProvider() {
    return Optional.ofNullable(collections);
  }

  public Optional<PaymentStatusQuery> paymentStatusQuery() {
    return Optional.ofNullable(statusQuery);
  }

  public Optional<TokenIssuer> tokenIssuer() {
    return Optional.ofNullable(issuer);
  }

  public Optional<SmsSender> smsSender() {
    return Optional.ofNullable(sms);
  }
}
