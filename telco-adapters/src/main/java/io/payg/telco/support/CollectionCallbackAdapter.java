package io.payg.telco.support;

import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * A telco adapter whose only call is a request-to-pay provider's result callback (MTN MoMo,
 * Airtel Money): operation {@code callback}, a JSON body of at most 64 KiB. This class refuses
 * other operations and bodies that are empty, too large, not declared JSON or not JSON, and gives
 * the minimal answers such providers ignore (200 {@code {}}; problem documents 400, 401 and 403);
 * reading the parsed body is the provider's.
 */
public abstract class CollectionCallbackAdapter implements TelcoAdapter {

  public static final String CALLBACK = "callback";
  public static final int MAX_BODY = 64 * 1024;

  private final String unknownOperation;
  private final String expectedBody;

  /**
   * @param unknownOperation the refusal of any other operation
   * @param expectedBody what the body should be, as refusals name it ("an Airtel callback")
   */
  protected CollectionCallbackAdapter(String unknownOperation, String expectedBody) {
    this.unknownOperation = unknownOperation;
    this.expectedBody = expectedBody;
  }

  @Override
  public boolean isProcessOperation(String operation) {
    return CALLBACK.equals(operation);
  }

  @Override
  public final TelcoCall decode(
      TelcoRequest request, String currency, Map<String, String> settings) {
    if (request == null || !CALLBACK.equals(request.operation())) {
      return new TelcoCall.Rejected(Refusal.MALFORMED_REQUEST, unknownOperation, false);
    }
    byte[] body = request.body();
    if (body == null || body.length == 0) {
      return malformed("the body is empty: " + expectedBody + " was expected");
    }
    if (body.length > MAX_BODY) {
      return malformed("the body is too large for " + expectedBody);
    }
    if (!JsonBody.isJson(request.header("content-type"))) {
      return malformed("send the body as application/json");
    }
    Object parsed;
    try {
      parsed = Buffer.buffer(body).toJsonValue();
    } catch (RuntimeException e) {
      return malformed("the body is not valid JSON");
    }
    return decodeCallback(parsed, settings);
  }

  /** The callback's parsed JSON body (any JSON value) as a collection update or a refusal. */
  protected abstract TelcoCall decodeCallback(Object parsed, Map<String, String> settings);

  protected static TelcoCall.Rejected malformed(String detail) {
    return new TelcoCall.Rejected(Refusal.MALFORMED_REQUEST, detail, true);
  }

  @Override
  public TelcoResponse validationAnswer(ValidationOutcome outcome) {
    return TelcoResponse.json(200, "{}");
  }

  @Override
  public TelcoResponse processAnswer(PaymentReceipt receipt) {
    return TelcoResponse.json(200, "{}");
  }

  @Override
  public TelcoResponse callbackAnswer() {
    return TelcoResponse.json(200, "{}");
  }

  @Override
  public TelcoResponse refusal(Refusal refusal, String detail, boolean processCall) {
    String text = detail == null ? refusal.message() : detail;
    return switch (refusal) {
      case MALFORMED_REQUEST -> Problem.of(400, refusal.name(), "Bad Request", text);
      case UNAUTHENTICATED -> Problem.of(401, refusal.name(), "Unauthorized", text);
      case PROVIDER_NOT_ENABLED -> Problem.of(403, refusal.name(), "Forbidden", text);
      default -> TelcoResponse.json(200, "{}");
    };
  }
}
