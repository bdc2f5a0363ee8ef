package io.payg.domain.port;

import io.payg.domain.Money;
import java.util.Map;

/**
 * A request-to-pay: ask a provider to collect {@code amount} from {@code msisdn}.
 *
 * @param reference   our id for the collection (a UUID): the provider's idempotency key
 *                    (MTN X-Reference-Id, Airtel transaction id, Vodacom third-party reference)
 *                    and the provider transaction id the payment is recorded under
 * @param msisdn      the payer's phone number, digits with country code
 * @param amount      what to collect, in the company's currency
 * @param serial      the device the money is for (shown to the payer where the API allows)
 * @param callbackUrl where the provider should send the result
 * @param settings    the company's plugin configuration (API URL, keys); never logged
 * @param providerRequestId the provider's id for this request, as its {@code requestToPay}
 *                    answered it ({@link CollectionStatus#providerRequestId()}); null when none
 */
public record CollectionRequest(
    String reference,
    String msisdn,
    Money amount,
    String serial,
    String callbackUrl,
    Map<String, String> settings,
    String providerRequestId) {

  public CollectionRequest {
    settings = Map.copyOf(settings);
  }

  public CollectionRequest(
      String reference,
      String msisdn,
      Money amount,
      String serial,
      String callbackUrl,
      Map<String, String> settings) {
    this(reference, msisdn, amount, serial, callbackUrl, settings, null);
  }

  @Override
  public String toString() {
    return "CollectionRequest[" + reference + ", " + serial + ", " + amount + "]";
  }
}
